// The live signing-key store: keys in D1, the first one created race-free on first use.
import { Effect, Layer } from "effect";
import { decodeBase64, encodeBase64 } from "../protocol/base64";
import { cryptoRandomBytes, generateSigningKey, keyFromSeed, type RandomBytes } from "./signing-key-material";
import {
  type OldVerifyKey,
  type ServerKeys,
  type ServerSigningKey,
  SigningKeyStore,
  SigningKeyStoreError,
  type SigningKeyStoreShape,
} from "./signing-key-store";
import { WallClock } from "./wall-clock";

interface KeyRow {
  readonly key_id: string;
  readonly seed_b64: string;
  readonly public_key_b64: string;
  readonly created_ts: number;
  readonly expired_ts: number | null;
}

const SELECT_KEYS = "SELECT key_id, seed_b64, public_key_b64, created_ts, expired_ts FROM server_signing_keys";

// One statement, so D1 runs the check and the insert atomically: of two isolates racing on first
// use, the second inserts nothing and reads back the first one's key. The unique index on the
// current key is the backstop.
const INSERT_FIRST_KEY = `INSERT OR IGNORE INTO server_signing_keys (key_id, seed_b64, public_key_b64, created_ts)
  SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM server_signing_keys WHERE expired_ts IS NULL)`;

export interface D1SigningKeyStoreDeps {
  readonly nowMs: () => number;
  readonly randomBytes?: RandomBytes;
}

/** Keys found in D1 per database binding, kept for the isolate's life: keys never change under us. */
let cache = new WeakMap<D1Database, ServerKeys>();

/** Drops the in-isolate cache, so the next request reads D1 again (tests prove persistence with it). */
export function forgetCachedSigningKeys(): void {
  cache = new WeakMap();
}

export function makeD1SigningKeyStore(db: D1Database, deps: D1SigningKeyStoreDeps): SigningKeyStoreShape {
  const load = Effect.gen(function* () {
    const cached = cache.get(db);
    if (cached !== undefined) return cached;
    const rows = yield* query(() => loadOrCreateRows(db, deps));
    const keys = yield* keysFromRows(rows);
    cache.set(db, keys);
    return keys;
  });
  return { keys: load };
}

/** The live layer: D1 for storage, the wall clock for `created_ts`, crypto for fresh keys. */
export const d1SigningKeyStoreLayer = (db: D1Database): Layer.Layer<SigningKeyStore, never, WallClock> =>
  Layer.effect(
    SigningKeyStore,
    Effect.gen(function* () {
      const clock = yield* WallClock;
      return makeD1SigningKeyStore(db, { nowMs: clock.nowMs });
    }),
  );

async function loadOrCreateRows(db: D1Database, deps: D1SigningKeyStoreDeps): Promise<readonly KeyRow[]> {
  const existing = await db.prepare(SELECT_KEYS).all<KeyRow>();
  if (existing.results.some((row) => row.expired_ts === null)) return existing.results;
  const fresh = generateSigningKey(deps.randomBytes ?? cryptoRandomBytes);
  const [, after] = await db.batch<KeyRow>([
    db
      .prepare(INSERT_FIRST_KEY)
      .bind(fresh.keyId, encodeBase64(fresh.seed), encodeBase64(fresh.publicKey), deps.nowMs()),
    db.prepare(SELECT_KEYS),
  ]);
  return after?.results ?? [];
}

const query = <A>(run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new SigningKeyStoreError({ reason: "storage_failed", cause }) });

function keysFromRows(rows: readonly KeyRow[]): Effect.Effect<ServerKeys, SigningKeyStoreError> {
  const corrupt = (cause: string) => Effect.fail(new SigningKeyStoreError({ reason: "corrupt_key", cause }));
  const currentRows = rows.filter((row) => row.expired_ts === null);
  const currentRow = currentRows[0];
  if (currentRow === undefined || currentRows.length > 1) return corrupt(`${currentRows.length} current keys`);
  const current = currentKey(currentRow);
  if (current === undefined) return corrupt(`current key ${currentRow.key_id} does not match its seed`);
  const old: OldVerifyKey[] = [];
  for (const row of rows) {
    if (row.expired_ts === null) continue;
    const publicKey = decodeBase64(row.public_key_b64);
    if (!publicKey.ok || publicKey.value.length !== 32) return corrupt(`old key ${row.key_id} is not a public key`);
    old.push({ keyId: row.key_id, publicKey: publicKey.value, expiredTs: row.expired_ts });
  }
  return Effect.succeed({ current, old });
}

/** A current row is used only if its stored public key is the one its seed gives: fail closed. */
function currentKey(row: KeyRow): ServerSigningKey | undefined {
  const seed = decodeBase64(row.seed_b64);
  if (!seed.ok || seed.value.length !== 32) return undefined;
  const key = keyFromSeed(row.key_id, seed.value);
  return encodeBase64(key.publicKey) === row.public_key_b64 ? key : undefined;
}
