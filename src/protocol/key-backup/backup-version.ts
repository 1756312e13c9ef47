// Backup versions: opaque strings to clients, positive integers numbered per user here.
import { utf8ByteLength } from "../identifiers/localpart";
import { isJsonObject, type JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";
import { MAX_BACKUP_RECORD_BYTES } from "./backed-up-key";
import { keyBackupError, type KeyBackupError } from "./key-backup-error";

/**
 * The version number a path or query string names, or undefined when it cannot name one of ours
 * (only the decimal form this server hands out, without leading zeros, is ours).
 */
export function parseBackupVersion(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) return undefined;
  return Number(text);
}

/** `algorithm` and `auth_data` of POST /room_keys/version and PUT /room_keys/version/{version}. */
export interface BackupVersionBody {
  readonly algorithm: string;
  readonly authData: JsonObject;
  /** PUT only: when present, must be the path's version. */
  readonly version?: string;
}

/**
 * Both fields are required. Any algorithm name is accepted: the server never reads the keys, and
 * the spec's list of algorithms is the ones it defines so far, which clients check for themselves.
 * An auth_data over MAX_BACKUP_RECORD_BYTES is too_large.
 */
export function parseBackupVersionBody(body: JsonObject): Result<BackupVersionBody, KeyBackupError> {
  const { algorithm, auth_data: authData, version } = body;
  if (typeof algorithm !== "string" || algorithm === "") return err(keyBackupError("bad_json", "algorithm must be a non-empty string"));
  if (!isJsonObject(authData)) return err(keyBackupError("bad_json", "auth_data must be an object"));
  if (utf8ByteLength(JSON.stringify(authData)) > MAX_BACKUP_RECORD_BYTES) {
    return err(keyBackupError("too_large", `auth_data is larger than ${MAX_BACKUP_RECORD_BYTES} bytes`));
  }
  if (version !== undefined && typeof version !== "string") return err(keyBackupError("bad_json", "version must be a string"));
  return ok({ algorithm, authData, ...(version === undefined ? {} : { version }) });
}
