// Dehydrated devices (MSC3814, migrations/0020): a user's one device without access tokens. It is a
// row of `devices` with its keys in the ordinary key tables; `dehydrated_devices` marks it and holds
// the client's opaque data. Replacing or deleting it deletes the device with its keys and messages.
import { dehydratedDeviceError, type DehydratedDeviceError } from "../protocol/dehydrated-device/dehydrated-device-error";
import type { DehydratedDeviceUpload } from "../protocol/dehydrated-device/put-dehydrated-device-body";
import { err, ok, type Result } from "../protocol/result";
import { isUniqueViolation } from "./account-errors";
import { putDeviceKeysStatement, storedObject } from "./device-keys-store";
import { positionOf, recordDeviceListChangeStatement } from "./device-list-stream";
import { DEVICE_DELETE_CHANGE_INDEX, deleteDeviceStatements, insertNewDeviceStatement } from "./device-store";
import { insertOneTimeKeysStatement, putFallbackKeysStatement } from "./one-time-key-store";
import type { JsonObject } from "../protocol/json-value";

export interface DehydratedDevice {
  readonly deviceId: string;
  readonly deviceData: JsonObject;
}

/** The user's dehydrated device, if it (and its device row) exists. */
export async function getDehydratedDevice(db: D1Database, userId: string): Promise<DehydratedDevice | undefined> {
  const row = await db
    .prepare(
      `SELECT dd.device_id, dd.device_data FROM dehydrated_devices dd
       JOIN devices d ON d.user_id = dd.user_id AND d.device_id = dd.device_id
       WHERE dd.user_id = ?`,
    )
    .bind(userId)
    .first<{ device_id: string; device_data: string }>();
  return row === null ? undefined : { deviceId: row.device_id, deviceData: storedObject(row.device_data) };
}

/** The marked device ID, with or without a device row (what a replacement must clear). */
async function markedDeviceId(db: D1Database, userId: string): Promise<string | undefined> {
  const row = await db.prepare("SELECT device_id FROM dehydrated_devices WHERE user_id = ?").bind(userId).first<{ device_id: string }>();
  return row?.device_id;
}

/**
 * The dehydrated device `deviceId`, its mark, its messages, tokens (it has none unless a login took
 * its ID) and keys, with a device-list change when it had keys. The foreign keys cascade too; the
 * explicit deletes do not depend on that pragma. The change position is at `CHANGE_AT` of these.
 */
const removeStatements = (db: D1Database, userId: string, deviceId: string): D1PreparedStatement[] => [
  db.prepare("DELETE FROM to_device_inbox WHERE recipient_user = ? AND recipient_device = ?").bind(userId, deviceId),
  db.prepare("DELETE FROM dehydrated_devices WHERE user_id = ? AND device_id = ?").bind(userId, deviceId),
  ...deleteDeviceStatements(db, userId, deviceId),
];
const CHANGE_AT = 2 + DEVICE_DELETE_CHANGE_INDEX;

/** A concurrent replacement can make a batch fail on the user's one mark; it is then retried this often. */
const PUT_ATTEMPTS = 3;

/**
 * Stores the new dehydrated device in one D1 batch (one transaction): the previous one goes, the
 * device row, its mark, its keys and a device-list change are written. An ID that names another
 * device of the user is `device_in_use` (the batch fails on `devices`' primary key, so nothing is
 * written). Returns the highest device-list position recorded and the replaced device's ID.
 */
export async function putDehydratedDevice(
  db: D1Database,
  userId: string,
  upload: DehydratedDeviceUpload,
  now: number,
): Promise<Result<{ readonly position: number; readonly replaced: string | undefined }, DehydratedDeviceError>> {
  const { deviceId } = upload;
  for (let attempt = 1; ; attempt++) {
    const previous = await markedDeviceId(db, userId);
    const removal = previous === undefined ? [] : removeStatements(db, userId, previous);
    const statements = [
      ...removal,
      // Keys left under this ID by a device deleted while foreign keys were off would otherwise mix in.
      ...["e2e_one_time_keys", "e2e_fallback_keys"].map((table) =>
        db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND device_id = ?`).bind(userId, deviceId),
      ),
      insertNewDeviceStatement(db, { userId, deviceId, displayName: upload.displayName, now }),
      db
        .prepare("INSERT INTO dehydrated_devices (user_id, device_id, device_data, created_ts) VALUES (?, ?, ?, ?)")
        .bind(userId, deviceId, upload.deviceDataJson, now),
      putDeviceKeysStatement(db, userId, deviceId, upload.deviceKeysJson),
      recordDeviceListChangeStatement(db, userId),
      ...(upload.oneTimeKeys.length > 0 ? [insertOneTimeKeysStatement(db, userId, deviceId, upload.oneTimeKeys)] : []),
      ...(upload.fallbackKeys.length > 0 ? [putFallbackKeysStatement(db, userId, deviceId, upload.fallbackKeys)] : []),
    ];
    let results: D1Result[];
    try {
      results = await db.batch(statements);
    } catch (cause) {
      // Another PUT marked its device after this one read the mark: read it again and replace that.
      if (isUniqueViolation(cause, "dehydrated_devices")) {
        if (attempt < PUT_ATTEMPTS) continue;
        throw cause;
      }
      if (isUniqueViolation(cause, "devices")) return err(dehydratedDeviceError("device_in_use", `${deviceId} is another device of the user`));
      throw cause;
    }
    const changeAt = removal.length + 5;
    const positions = [positionOf(results[changeAt]), previous === undefined ? undefined : positionOf(results[CHANGE_AT])];
    return ok({ position: Math.max(...positions.filter((p): p is number => p !== undefined)), replaced: previous });
  }
}

/** Deletes the user's dehydrated device; its ID and the device-list position recorded, or undefined when there was none. */
export async function deleteDehydratedDevice(
  db: D1Database,
  userId: string,
): Promise<{ readonly deviceId: string; readonly position: number | undefined } | undefined> {
  const current = await getDehydratedDevice(db, userId);
  if (current === undefined) return undefined;
  const results = await db.batch(removeStatements(db, userId, current.deviceId));
  return { deviceId: current.deviceId, position: positionOf(results[CHANGE_AT]) };
}

/** Whether `deviceId` is the user's dehydrated device now. */
export async function isDehydratedDevice(db: D1Database, userId: string, deviceId: string): Promise<boolean> {
  return (await getDehydratedDevice(db, userId))?.deviceId === deviceId;
}
