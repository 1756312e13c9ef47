// One backed-up session key (the spec's KeyBackupData) and the rule deciding which of two keys for a session the backup keeps.
import { utf8ByteLength } from "../identifiers/localpart";
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { keyBackupError, type KeyBackupError } from "./key-backup-error";

/** The four fields the spec defines; `sessionData` is algorithm-dependent and stored as sent. */
export interface BackedUpKey {
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  readonly sessionData: JsonObject;
}

/** A key as the API answers it (and as it is stored). */
export const backedUpKeyJson = (key: BackedUpKey): JsonObject => ({
  first_message_index: key.firstMessageIndex,
  forwarded_count: key.forwardedCount,
  is_verified: key.isVerified,
  session_data: key.sessionData,
});

const isCount = (value: JsonValue | undefined): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * One key (or one backup's auth_data) at most this many bytes of JSON. Real ones are about 1 KB; the
 * cap keeps every stored record far below D1's 1 MB limit on a value.
 */
export const MAX_BACKUP_RECORD_BYTES = 65_536;

/**
 * Every field is required; the two counts are non-negative integers. Fields the spec does not define
 * are dropped. A key whose session_data is larger than MAX_BACKUP_RECORD_BYTES is too_large.
 */
export function parseBackedUpKey(value: JsonValue | undefined, where: string): Result<BackedUpKey, KeyBackupError> {
  const bad = (message: string) => err(keyBackupError("bad_json", `${where}: ${message}`));
  if (!isJsonObject(value)) return bad("the key data must be an object");
  const { first_message_index: index, forwarded_count: forwarded, is_verified: verified, session_data: data } = value;
  if (!isCount(index)) return bad("first_message_index must be a non-negative integer");
  if (!isCount(forwarded)) return bad("forwarded_count must be a non-negative integer");
  if (typeof verified !== "boolean") return bad("is_verified must be a boolean");
  if (!isJsonObject(data)) return bad("session_data must be an object");
  if (utf8ByteLength(JSON.stringify(data)) > MAX_BACKUP_RECORD_BYTES) {
    return err(keyBackupError("too_large", `${where}: session_data is larger than ${MAX_BACKUP_RECORD_BYTES} bytes`));
  }
  return ok({ firstMessageIndex: index, forwardedCount: forwarded, isVerified: verified, sessionData: data });
}

/** Larger than any count a key can carry (JSON integers stop at 2^53 - 1), so `LIMIT - count` is never negative. */
const LIMIT = Number.MAX_SAFE_INTEGER;
const WIDTH = LIMIT.toString(16).length;
const descending = (count: number): string => (LIMIT - count).toString(16).padStart(WIDTH, "0");

/**
 * A string whose order is the spec's preference between two keys of one session: a verified key
 * beats an unverified one; then the lower `first_message_index` wins; then the lower
 * `forwarded_count`. Stored beside each key, so the database can keep the better key in the same
 * statement that writes it (no read-then-write race between two uploads).
 */
export function backedUpKeyRank(key: Pick<BackedUpKey, "isVerified" | "firstMessageIndex" | "forwardedCount">): string {
  return `${key.isVerified ? "1" : "0"}${descending(key.firstMessageIndex)}${descending(key.forwardedCount)}`;
}

/**
 * Whether an uploaded key replaces the stored one (spec "Server-side key backups"). Only a strictly
 * better key replaces: when all three fields are equal the stored key stays.
 */
export const replacesBackedUpKey = (stored: BackedUpKey | undefined, uploaded: BackedUpKey): boolean =>
  stored === undefined || backedUpKeyRank(uploaded) > backedUpKeyRank(stored);
