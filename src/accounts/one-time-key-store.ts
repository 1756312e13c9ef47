// One-time keys and fallback keys: stored by /keys/upload, handed out (each one-time key once) by /keys/claim.
import type { UploadedKey } from "../protocol/e2ee/one-time-keys";

/** The keys already stored under any of these `algorithm:key_id` names, by name. */
export async function storedOneTimeKeys(
  db: D1Database,
  userId: string,
  deviceId: string,
  keys: readonly UploadedKey[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT algorithm || ':' || key_id AS name, key_json FROM e2e_one_time_keys
       WHERE user_id = ? AND device_id = ? AND algorithm || ':' || key_id IN (SELECT value FROM json_each(?))`,
    )
    .bind(userId, deviceId, JSON.stringify(keys.map((k) => `${k.algorithm}:${k.keyId}`)))
    .all<{ name: string; key_json: string }>();
  return new Map(results.map((r) => [r.name, r.key_json]));
}

const keyRows = (keys: readonly UploadedKey[]) => JSON.stringify(keys.map((k) => [k.algorithm, k.keyId, k.keyJson]));

/** Stores new one-time keys in upload order (the order claims hand them out); a known ID is left alone. */
export const insertOneTimeKeysStatement = (db: D1Database, userId: string, deviceId: string, keys: readonly UploadedKey[]): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json)
       SELECT ?1, ?2, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
       FROM json_each(?3) WHERE true ORDER BY key
       ON CONFLICT (user_id, device_id, algorithm, key_id) DO NOTHING`,
    )
    .bind(userId, deviceId, keyRows(keys));

/** Replaces the device's fallback key of each uploaded algorithm; a re-upload of the same key keeps its `used` flag. */
export const putFallbackKeysStatement = (db: D1Database, userId: string, deviceId: string, keys: readonly UploadedKey[]): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used)
       SELECT ?1, ?2, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), 0
       FROM json_each(?3) WHERE true
       ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET
         used = CASE WHEN key_id = excluded.key_id AND key_json = excluded.key_json THEN used ELSE 0 END,
         key_id = excluded.key_id,
         key_json = excluded.key_json`,
    )
    .bind(userId, deviceId, keyRows(keys));

export interface KeyClaim {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
}

export interface ClaimedKey extends KeyClaim {
  readonly keyId: string;
  readonly keyJson: string;
}

interface ClaimedRow {
  user_id: string;
  device_id: string;
  algorithm: string;
  key_id: string;
  key_json: string;
}

const claimRows = (claims: readonly KeyClaim[]) => JSON.stringify(claims.map((c) => [c.userId, c.deviceId, c.algorithm]));
const toClaimed = (r: ClaimedRow): ClaimedKey => ({
  userId: r.user_id,
  deviceId: r.device_id,
  algorithm: r.algorithm,
  keyId: r.key_id,
  keyJson: r.key_json,
});

/**
 * Takes the oldest one-time key of each claim, removing it in the same statement, so no two claims
 * ever receive the same key. Devices with none left get their fallback key instead, marked used.
 */
export async function claimKeys(db: D1Database, claims: readonly KeyClaim[]): Promise<ClaimedKey[]> {
  if (claims.length === 0) return [];
  const { results } = await db
    .prepare(
      `DELETE FROM e2e_one_time_keys WHERE rowid IN (
         SELECT (SELECT k.rowid FROM e2e_one_time_keys k
                 WHERE k.user_id = json_extract(c.value, '$[0]') AND k.device_id = json_extract(c.value, '$[1]')
                   AND k.algorithm = json_extract(c.value, '$[2]')
                 ORDER BY k.rowid LIMIT 1)
         FROM json_each(?) c)
       RETURNING user_id, device_id, algorithm, key_id, key_json`,
    )
    .bind(claimRows(claims))
    .all<ClaimedRow>();
  const claimed = results.map(toClaimed);
  const served = new Set(claimed.map((k) => `${k.userId}\u0000${k.deviceId}\u0000${k.algorithm}`));
  const rest = claims.filter((c) => !served.has(`${c.userId}\u0000${c.deviceId}\u0000${c.algorithm}`));
  if (rest.length === 0) return claimed;
  const fallback = await db
    .prepare(
      `UPDATE e2e_fallback_keys SET used = 1
       WHERE (user_id, device_id, algorithm) IN (
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))
       RETURNING user_id, device_id, algorithm, key_id, key_json`,
    )
    .bind(claimRows(rest))
    .all<ClaimedRow>();
  return [...claimed, ...fallback.results.map(toClaimed)];
}
