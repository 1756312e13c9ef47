// The D1 cache of other servers' verified signing keys (migrations/0019_remote_server_keys.sql).
import { decodeBase64, encodeBase64 } from "../protocol/base64";
import { canonicalJson } from "../protocol/canonical-json";
import { cappedValidUntil, type VerifiedServerKeys } from "../protocol/federation/server-key-response";
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { parseStrictJson } from "../protocol/strict-json";

export interface CachedRemoteKey {
  readonly publicKey: Uint8Array;
  /** null: a current key (from verify_keys); else from old_verify_keys. */
  readonly expiredTs: number | null;
  /** Capped at 7 days after the fetch. */
  readonly validUntilTs: number;
}

export interface CachedKeyResponse {
  readonly response: JsonObject;
  readonly validUntilTs: number;
  readonly fetchedTs: number;
  /** Every key ID of the response, current and old. */
  readonly keyIds: readonly string[];
}

interface KeyRow {
  readonly public_key_b64: string;
  readonly expired_ts: number | null;
  readonly valid_until_ts: number;
}

interface ResponseRow {
  readonly response_json: string;
  readonly valid_until_ts: number;
  readonly fetched_ts: number;
}

const SELECT_KEY = "SELECT public_key_b64, expired_ts, valid_until_ts FROM remote_server_keys WHERE server_name = ?1 AND key_id = ?2";
const SELECT_RESPONSE = "SELECT response_json, valid_until_ts, fetched_ts FROM remote_server_key_responses WHERE server_name = ?1";

// A key listed again replaces what was known of it: the newest verified response is the truth.
const UPSERT_KEY = `INSERT INTO remote_server_keys (server_name, key_id, public_key_b64, expired_ts, valid_until_ts, fetched_ts)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6)
  ON CONFLICT (server_name, key_id) DO UPDATE SET public_key_b64 = excluded.public_key_b64,
    expired_ts = excluded.expired_ts, valid_until_ts = excluded.valid_until_ts, fetched_ts = excluded.fetched_ts
  WHERE excluded.fetched_ts >= remote_server_keys.fetched_ts`;
const UPSERT_RESPONSE = `INSERT INTO remote_server_key_responses (server_name, response_json, valid_until_ts, fetched_ts)
  VALUES (?1, ?2, ?3, ?4)
  ON CONFLICT (server_name) DO UPDATE SET response_json = excluded.response_json,
    valid_until_ts = excluded.valid_until_ts, fetched_ts = excluded.fetched_ts
  WHERE excluded.fetched_ts >= remote_server_key_responses.fetched_ts`;

/** One key of a server and the server's latest response, in one round trip. */
export async function readCachedKey(
  db: D1Database,
  serverName: string,
  keyId: string,
): Promise<{ readonly key: CachedRemoteKey | undefined; readonly response: CachedKeyResponse | undefined }> {
  const [keys, responses] = await db.batch<KeyRow | ResponseRow>([
    db.prepare(SELECT_KEY).bind(serverName, keyId),
    db.prepare(SELECT_RESPONSE).bind(serverName),
  ]);
  const keyRow = keys?.results[0] as KeyRow | undefined;
  const responseRow = responses?.results[0] as ResponseRow | undefined;
  return { key: keyRow === undefined ? undefined : keyFromRow(keyRow), response: responseRow === undefined ? undefined : responseFromRow(responseRow) };
}

export async function readCachedResponse(db: D1Database, serverName: string): Promise<CachedKeyResponse | undefined> {
  const row = await db.prepare(SELECT_RESPONSE).bind(serverName).first<ResponseRow>();
  return row === null ? undefined : responseFromRow(row);
}

export interface CachedServerKeys {
  readonly keys: ReadonlyMap<string, CachedRemoteKey>;
  /** When the server's latest response was fetched; undefined: never. */
  readonly fetchedTs: number | undefined;
}

/** Every cached key of each of `serverNames`, in one round trip. */
export async function readCachedKeysOf(db: D1Database, serverNames: readonly string[]): Promise<Map<string, CachedServerKeys>> {
  const names = JSON.stringify([...new Set(serverNames)]);
  const [keys, responses] = await db.batch<(KeyRow & { readonly server_name: string; readonly key_id: string }) | { readonly server_name: string; readonly fetched_ts: number }>([
    db
      .prepare("SELECT server_name, key_id, public_key_b64, expired_ts, valid_until_ts FROM remote_server_keys WHERE server_name IN (SELECT value FROM json_each(?1))")
      .bind(names),
    db.prepare("SELECT server_name, fetched_ts FROM remote_server_key_responses WHERE server_name IN (SELECT value FROM json_each(?1))").bind(names),
  ]);
  const out = new Map<string, { keys: Map<string, CachedRemoteKey>; fetchedTs: number | undefined }>();
  for (const name of new Set(serverNames)) out.set(name, { keys: new Map(), fetchedTs: undefined });
  for (const row of (responses?.results ?? []) as { server_name: string; fetched_ts: number }[]) {
    const entry = out.get(row.server_name);
    if (entry !== undefined) entry.fetchedTs = row.fetched_ts;
  }
  for (const row of (keys?.results ?? []) as (KeyRow & { server_name: string; key_id: string })[]) {
    const key = keyFromRow(row);
    if (key !== undefined) out.get(row.server_name)?.keys.set(row.key_id, key);
  }
  return out;
}

/** Stores a verified response and each of its keys, in one batch (one transaction). */
export async function storeServerKeys(db: D1Database, keys: VerifiedServerKeys, fetchedTs: number): Promise<void> {
  const validUntil = cappedValidUntil(keys.validUntilTs, fetchedTs);
  const statements = [
    db.prepare(UPSERT_RESPONSE).bind(keys.serverName, canonicalJson(keys.response), validUntil, fetchedTs),
    ...keys.verifyKeys.map((k) =>
      db.prepare(UPSERT_KEY).bind(keys.serverName, k.keyId, encodeBase64(k.publicKey), null, validUntil, fetchedTs),
    ),
    ...keys.oldVerifyKeys.map((k) =>
      db.prepare(UPSERT_KEY).bind(keys.serverName, k.keyId, encodeBase64(k.publicKey), k.expiredTs ?? 0, validUntil, fetchedTs),
    ),
  ];
  await db.batch(statements);
}

function keyFromRow(row: KeyRow): CachedRemoteKey | undefined {
  const publicKey = decodeBase64(row.public_key_b64);
  if (!publicKey.ok || publicKey.value.length !== 32) return undefined;
  return { publicKey: publicKey.value, expiredTs: row.expired_ts, validUntilTs: row.valid_until_ts };
}

function responseFromRow(row: ResponseRow): CachedKeyResponse | undefined {
  const parsed = parseStrictJson(row.response_json);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const response = parsed.value;
  const ids = (field: string) => (isJsonObject(response[field]) ? Object.keys(response[field]) : []);
  return {
    response,
    validUntilTs: row.valid_until_ts,
    fetchedTs: row.fetched_ts,
    keyIds: [...ids("verify_keys"), ...ids("old_verify_keys")],
  };
}
