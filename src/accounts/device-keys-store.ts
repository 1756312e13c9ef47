// Device identity keys (e2e_device_keys): what /keys/upload stores and /keys/query reads.
import { deviceEd25519Key } from "../protocol/e2ee/device-keys";
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { parseStrictJson } from "../protocol/strict-json";

/** A stored JSON column back as an object (it was written by this server from a checked object). */
export function storedObject(text: string): JsonObject {
  const parsed = parseStrictJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error("stored key JSON is not an object");
  return parsed.value;
}

export const putDeviceKeysStatement = (db: D1Database, userId: string, deviceId: string, keyJson: string): D1PreparedStatement =>
  db
    .prepare(
      "INSERT INTO e2e_device_keys (user_id, device_id, key_json) VALUES (?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json",
    )
    .bind(userId, deviceId, keyJson);

/** The keys the device uploaded, or undefined. */
export async function getDeviceKeys(db: D1Database, userId: string, deviceId: string): Promise<JsonObject | undefined> {
  const row = await db
    .prepare("SELECT key_json FROM e2e_device_keys WHERE user_id = ? AND device_id = ?")
    .bind(userId, deviceId)
    .first<{ key_json: string }>();
  return row === null ? undefined : storedObject(row.key_json);
}

export interface QueriedDeviceKeys {
  readonly userId: string;
  readonly deviceId: string;
  readonly keys: JsonObject;
  readonly displayName: string | null;
}

/** The uploaded keys of every existing device of `userIds`, with the devices' display names. */
export async function deviceKeysOfUsers(db: D1Database, userIds: readonly string[]): Promise<QueriedDeviceKeys[]> {
  if (userIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT k.user_id, k.device_id, k.key_json, d.display_name
       FROM e2e_device_keys k JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id
       WHERE k.user_id IN (SELECT value FROM json_each(?))
       ORDER BY k.user_id, k.device_id`,
    )
    .bind(JSON.stringify(userIds))
    .all<{ user_id: string; device_id: string; key_json: string; display_name: string | null }>();
  return results.map((r) => ({ userId: r.user_id, deviceId: r.device_id, keys: storedObject(r.key_json), displayName: r.display_name }));
}

/** Which of `userIds` have an account here. */
export async function existingUsers(db: D1Database, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { results } = await db
    .prepare("SELECT user_id FROM users WHERE user_id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(userIds))
    .all<{ user_id: string }>();
  return new Set(results.map((r) => r.user_id));
}

/** Each of the user's devices' ed25519 keys, by device ID (the keys a user's master key may be signed with). */
export async function deviceSigningKeys(db: D1Database, userId: string): Promise<Map<string, string>> {
  const { results } = await db
    .prepare("SELECT device_id, key_json FROM e2e_device_keys WHERE user_id = ?")
    .bind(userId)
    .all<{ device_id: string; key_json: string }>();
  const keys = new Map<string, string>();
  for (const r of results) {
    const key = deviceEd25519Key(storedObject(r.key_json));
    if (key !== undefined) keys.set(r.device_id, key);
  }
  return keys;
}
