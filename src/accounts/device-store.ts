// The devices table: list, rename, last-seen, and deletion (which always takes the device's tokens and end-to-end keys with it).
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

/** Creates a device that must be new: a batch holding it fails (UNIQUE on `devices`) when the user has one with this ID. */
export const insertNewDeviceStatement = (
  db: D1Database,
  device: { userId: string; deviceId: string; displayName: string | null; now: number },
): D1PreparedStatement =>
  db
    .prepare("INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES (?, ?, ?, ?)")
    .bind(device.userId, device.deviceId, device.displayName, device.now);

/** Every token of one device; the device row stays (a re-login with its ID reuses it). */
export const deleteDeviceTokensStatements = (db: D1Database, userId: string, deviceId: string): D1PreparedStatement[] => [
  db.prepare("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
  db.prepare("DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
];

/**
 * A device-list change for `userId` when the device (or, with `deviceId` null, any device but
 * `exceptDeviceId`) has identity keys: batched before the keys' deletion, so /sync and
 * /keys/changes tell the user's room-mates to drop that device.
 */
const deviceListChangeIfKeysStatement = (db: D1Database, userId: string, deviceId: string | null, exceptDeviceId: string | null) =>
  db
    .prepare(
      `INSERT INTO device_list_changes (user_id) SELECT ?1 WHERE EXISTS (
         SELECT 1 FROM e2e_device_keys WHERE user_id = ?1 AND (?2 IS NULL OR device_id = ?2) AND (?3 IS NULL OR device_id <> ?3))
       RETURNING stream_pos`,
    )
    .bind(userId, deviceId, exceptDeviceId);

/** Every end-to-end key of the device (or every device but `exceptDeviceId` when `deviceId` is null). */
const deleteDeviceKeysStatements = (db: D1Database, userId: string, deviceId: string | null, exceptDeviceId: string | null) => [
  ...["e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys"].map((table) =>
    db
      .prepare(`DELETE FROM ${table} WHERE user_id = ?1 AND (?2 IS NULL OR device_id = ?2) AND (?3 IS NULL OR device_id <> ?3)`)
      .bind(userId, deviceId, exceptDeviceId),
  ),
  // Signatures of the device's keys (a device ID is never a cross-signing public key: /keys/device_signing/upload refuses that).
  db
    .prepare(
      `DELETE FROM e2e_key_signatures WHERE target_user_id = ?1 AND target_key_id IN (
         SELECT device_id FROM devices WHERE user_id = ?1 AND (?2 IS NULL OR device_id = ?2) AND (?3 IS NULL OR device_id <> ?3))`,
    )
    .bind(userId, deviceId, exceptDeviceId),
];

/** The batch results of these statements: where the device-list position and the device row's deletion are. */
export const DEVICE_DELETE_CHANGE_INDEX = 2;
const DEVICE_DELETE_STATEMENTS = 8;

/**
 * The device, its tokens and its end-to-end keys, recording a device-list change if it had keys.
 * The foreign keys cascade too; deleting explicitly does not depend on that pragma.
 */
export const deleteDeviceStatements = (db: D1Database, userId: string, deviceId: string): D1PreparedStatement[] => [
  ...deleteDeviceTokensStatements(db, userId, deviceId),
  deviceListChangeIfKeysStatement(db, userId, deviceId, null),
  ...deleteDeviceKeysStatements(db, userId, deviceId, null),
  db.prepare("DELETE FROM devices WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
];

/** Every device of a user, their tokens and keys, except `exceptDeviceId` (password change keeps the caller's own). */
export function deleteAllDevicesStatements(db: D1Database, userId: string, exceptDeviceId?: string): D1PreparedStatement[] {
  const keep = exceptDeviceId ?? null;
  return [
    deviceListChangeIfKeysStatement(db, userId, null, keep),
    ...deleteDeviceKeysStatements(db, userId, null, keep),
    ...["access_tokens", "refresh_tokens", "devices"].map((table) =>
      db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND (? IS NULL OR device_id <> ?)`).bind(userId, keep, keep),
    ),
  ];
}

/** The device-list position a deletion batch recorded, if the deleted devices had keys. */
function changePosition(results: readonly D1Result[], index: number): number | undefined {
  const row = results[index]?.results[0] as { stream_pos?: unknown } | undefined;
  return typeof row?.stream_pos === "number" ? row.stream_pos : undefined;
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
): Promise<Result<number | undefined, DeviceNotFound>> {
  // A renamed device with keys is a device-list change: queries show the name (`unsigned.device_display_name`).
  const [update, change] = await db.batch([
    db.prepare("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?").bind(displayName, userId, deviceId),
    deviceListChangeIfKeysStatement(db, userId, deviceId, null),
  ]);
  if (update?.meta.changes !== 1) return err(accountError("DeviceNotFound", `no device ${deviceId}`));
  return ok(changePosition(change === undefined ? [] : [change], 0));
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

/**
 * Deletes one device, its tokens and keys (DELETE /devices/{deviceId}, /logout). The value is the
 * device-list position recorded when the device had keys (for the notifier's `device_lists`).
 */
export async function deleteDevice(db: D1Database, userId: string, deviceId: string): Promise<Result<number | undefined, DeviceNotFound>> {
  const results = await db.batch(deleteDeviceStatements(db, userId, deviceId));
  // D1 counts the rows a foreign key cascades to (the device's waiting to-device messages) in `changes`.
  return (results[DEVICE_DELETE_STATEMENTS - 1]?.meta.changes ?? 0) > 0
    ? ok(changePosition(results, DEVICE_DELETE_CHANGE_INDEX))
    : err(accountError("DeviceNotFound", `no device ${deviceId}`));
}

/** POST /delete_devices: unknown IDs are ignored, as the spec asks. Returns how many existed and the last device-list position recorded. */
export async function deleteDevices(
  db: D1Database,
  userId: string,
  deviceIds: readonly string[],
): Promise<{ readonly deleted: number; readonly position: number | undefined }> {
  if (deviceIds.length === 0) return { deleted: 0, position: undefined };
  const unique = [...new Set(deviceIds)];
  const results = await db.batch(unique.flatMap((deviceId) => deleteDeviceStatements(db, userId, deviceId)));
  const deleted = results.filter((r, i) => i % DEVICE_DELETE_STATEMENTS === DEVICE_DELETE_STATEMENTS - 1 && r.meta.changes > 0).length;
  const positions = unique
    .map((_, n) => changePosition(results, n * DEVICE_DELETE_STATEMENTS + DEVICE_DELETE_CHANGE_INDEX))
    .filter((p): p is number => p !== undefined);
  return { deleted, position: positions.length === 0 ? undefined : Math.max(...positions) };
}

/**
 * /logout/all, or a password change with logout_devices (then `exceptDeviceId` is the caller's
 * device). The value is the device-list position recorded when a deleted device had keys.
 */
export async function deleteAllDevices(db: D1Database, userId: string, exceptDeviceId?: string): Promise<number | undefined> {
  const results = await db.batch(deleteAllDevicesStatements(db, userId, exceptDeviceId));
  return changePosition(results, 0);
}
