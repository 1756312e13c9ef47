// Pushers as D1 records (not projections: replay keeps them), one per (user, app_id, pushkey).
import type { JsonObject } from "../protocol/json-value";

/** A pusher in its GET /pushers shape. */
export interface Pusher {
  readonly pushkey: string;
  readonly kind: string;
  readonly app_id: string;
  readonly app_display_name: string;
  readonly device_display_name: string;
  readonly profile_tag?: string;
  readonly lang: string;
  /** PusherData as set, custom keys included (they are forwarded to the push gateway). */
  readonly data: JsonObject;
}

interface Row {
  readonly pushkey: string;
  readonly kind: string;
  readonly app_id: string;
  readonly app_display_name: string;
  readonly device_display_name: string;
  readonly profile_tag: string | null;
  readonly lang: string;
  readonly data_json: string;
}

const fromRow = (row: Row): Pusher => ({
  pushkey: row.pushkey,
  kind: row.kind,
  app_id: row.app_id,
  app_display_name: row.app_display_name,
  device_display_name: row.device_display_name,
  ...(row.profile_tag === null ? {} : { profile_tag: row.profile_tag }),
  lang: row.lang,
  data: JSON.parse(row.data_json) as JsonObject,
});

/** The user's pushers, oldest first. */
export async function listPushers(db: D1Database, userId: string): Promise<Pusher[]> {
  const rows = await db
    .prepare(
      `SELECT pushkey, kind, app_id, app_display_name, device_display_name, profile_tag, lang, data_json
       FROM pushers WHERE user_id = ? ORDER BY pusher_id`,
    )
    .bind(userId)
    .all<Row>();
  return rows.results.map(fromRow);
}

export interface SetPusherOptions {
  /** Keep other users' pushers with the same app_id and pushkey (spec `append`). */
  readonly append: boolean;
  /** The device that set the pusher. */
  readonly deviceId?: string;
}

/**
 * Creates or updates the user's pusher for (app_id, pushkey). Without `append`, other users'
 * pushers with the same app_id and pushkey are removed in the same transaction: the pushkey is a
 * device's routing address, so it now belongs to this user alone.
 */
export async function setPusher(db: D1Database, userId: string, pusher: Pusher, options: SetPusherOptions): Promise<void> {
  const upsert = db
    .prepare(
      `INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang, data_json, device_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET
         kind = excluded.kind, app_display_name = excluded.app_display_name,
         device_display_name = excluded.device_display_name, profile_tag = excluded.profile_tag,
         lang = excluded.lang, data_json = excluded.data_json, device_id = excluded.device_id`,
    )
    .bind(
      userId,
      pusher.app_id,
      pusher.pushkey,
      pusher.kind,
      pusher.app_display_name,
      pusher.device_display_name,
      pusher.profile_tag ?? null,
      pusher.lang,
      JSON.stringify(pusher.data),
      options.deviceId ?? null,
    );
  if (options.append) {
    await upsert.run();
    return;
  }
  await db.batch([
    db.prepare("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?").bind(pusher.app_id, pusher.pushkey, userId),
    upsert,
  ]);
}

/** Removes the user's pusher for (app_id, pushkey); removing one that does not exist is not an error. */
export async function deletePusher(db: D1Database, userId: string, appId: string, pushkey: string): Promise<void> {
  await db.prepare("DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?").bind(userId, appId, pushkey).run();
}

/*
 * A pusher belongs to the session that set it: logging that session out (/logout), deleting its
 * device, or a password change that logs other devices out removes it. A session is a device here
 * (refreshing a token keeps the device, and the pusher with it), so pushers are keyed by device.
 */

/** Removes the pushers the given devices set (/logout, DELETE /devices/{id}, POST /delete_devices). */
export async function deletePushersOfDevices(db: D1Database, userId: string, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await db
    .prepare("DELETE FROM pushers WHERE user_id = ? AND device_id IN (SELECT value FROM json_each(?))")
    .bind(userId, JSON.stringify(deviceIds))
    .run();
}

/**
 * Removes every pusher of the user except those `keepDeviceId` set (/logout/all and deactivation
 * keep none; a password change keeps the caller's). Pushers with no recorded device go too: the
 * session that set them cannot be shown to survive.
 */
export async function deletePushersExceptDevice(db: D1Database, userId: string, keepDeviceId?: string): Promise<void> {
  const keep = keepDeviceId ?? null;
  await db
    .prepare("DELETE FROM pushers WHERE user_id = ? AND (? IS NULL OR device_id IS NULL OR device_id <> ?)")
    .bind(userId, keep, keep)
    .run();
}
