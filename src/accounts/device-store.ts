// The devices table: list, rename, last-seen, and deletion (which always takes the device's tokens with it).
import { err, ok, type Result } from "../protocol/result";
import { accountError, type DeviceNotFound } from "./account-errors";

export interface DeviceRecord {
  readonly userId: string;
  readonly deviceId: string;
  readonly displayName: string | null;
  readonly lastSeenTs: number | null;
  readonly lastSeenIp: string | null;
  readonly createdTs: number;
}

interface DeviceRow {
  user_id: string;
  device_id: string;
  display_name: string | null;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
  created_ts: number;
}

const COLUMNS = "user_id, device_id, display_name, last_seen_ts, last_seen_ip, created_ts";

const toRecord = (row: DeviceRow): DeviceRecord => ({
  userId: row.user_id,
  deviceId: row.device_id,
  displayName: row.display_name,
  lastSeenTs: row.last_seen_ts,
  lastSeenIp: row.last_seen_ip,
  createdTs: row.created_ts,
});

/**
 * Creates the device unless the user already has one with this ID; an existing device keeps its
 * display name (the spec ignores initial_device_display_name for known devices).
 */
export const insertDeviceIfAbsentStatement = (
  db: D1Database,
  device: { userId: string; deviceId: string; displayName: string | null; now: number },
): D1PreparedStatement =>
  db
    .prepare(
      "INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO NOTHING",
    )
    .bind(device.userId, device.deviceId, device.displayName, device.now);

/** Every token of one device; the device row stays (a re-login with its ID reuses it). */
export const deleteDeviceTokensStatements = (db: D1Database, userId: string, deviceId: string): D1PreparedStatement[] => [
  db.prepare("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
  db.prepare("DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
];

/** The device and its tokens. The foreign keys cascade too; deleting explicitly does not depend on that pragma. */
export const deleteDeviceStatements = (db: D1Database, userId: string, deviceId: string): D1PreparedStatement[] => [
  ...deleteDeviceTokensStatements(db, userId, deviceId),
  db.prepare("DELETE FROM devices WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
];

/** Every device of a user and their tokens, except `exceptDeviceId` (password change keeps the caller's own). */
export function deleteAllDevicesStatements(db: D1Database, userId: string, exceptDeviceId?: string): D1PreparedStatement[] {
  const keep = exceptDeviceId ?? null;
  return ["access_tokens", "refresh_tokens", "devices"].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND (? IS NULL OR device_id <> ?)`).bind(userId, keep, keep),
  );
}

export async function getDevice(db: D1Database, userId: string, deviceId: string): Promise<DeviceRecord | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM devices WHERE user_id = ? AND device_id = ?`)
    .bind(userId, deviceId)
    .first<DeviceRow>();
  return row ? toRecord(row) : null;
}

export async function listDevices(db: D1Database, userId: string): Promise<DeviceRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM devices WHERE user_id = ? ORDER BY device_id`)
    .bind(userId)
    .all<DeviceRow>();
  return results.map(toRecord);
}

export async function setDeviceDisplayName(
  db: D1Database,
  userId: string,
  deviceId: string,
  displayName: string | null,
): Promise<Result<void, DeviceNotFound>> {
  const result = await db
    .prepare("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?")
    .bind(displayName, userId, deviceId)
    .run();
  return result.meta.changes === 1 ? ok(undefined) : err(accountError("DeviceNotFound", `no device ${deviceId}`));
}

/**
 * Records a request from the device, at most once per `minIntervalMs`, so authenticated requests
 * do not each cost a D1 write. Returns whether a write happened.
 */
export async function touchDevice(
  db: D1Database,
  device: { userId: string; deviceId: string; ip: string | null; now: number; minIntervalMs?: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      "UPDATE devices SET last_seen_ts = ?, last_seen_ip = ? WHERE user_id = ? AND device_id = ? AND (last_seen_ts IS NULL OR last_seen_ts <= ?)",
    )
    .bind(device.now, device.ip, device.userId, device.deviceId, device.now - (device.minIntervalMs ?? 60_000))
    .run();
  return result.meta.changes === 1;
}

/** Deletes one device and its tokens (DELETE /devices/{deviceId}, /logout). */
export async function deleteDevice(db: D1Database, userId: string, deviceId: string): Promise<Result<void, DeviceNotFound>> {
  const results = await db.batch(deleteDeviceStatements(db, userId, deviceId));
  return results[2]?.meta.changes === 1 ? ok(undefined) : err(accountError("DeviceNotFound", `no device ${deviceId}`));
}

/** POST /delete_devices: unknown IDs are ignored, as the spec asks. Returns how many existed. */
export async function deleteDevices(db: D1Database, userId: string, deviceIds: readonly string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const unique = [...new Set(deviceIds)];
  const results = await db.batch(unique.flatMap((deviceId) => deleteDeviceStatements(db, userId, deviceId)));
  return results.filter((r, i) => i % 3 === 2 && r.meta.changes === 1).length;
}

/** /logout/all, or a password change with logout_devices (then `exceptDeviceId` is the caller's device). */
export async function deleteAllDevices(db: D1Database, userId: string, exceptDeviceId?: string): Promise<void> {
  await db.batch(deleteAllDevicesStatements(db, userId, exceptDeviceId));
}
