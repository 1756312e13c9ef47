// Server-side key backups: a user's backup versions and the session keys stored in them (D1 records, migrations/0017).
import { utf8ByteLength } from "../protocol/identifiers/localpart";
import { backedUpKeyJson, backedUpKeyRank } from "../protocol/key-backup/backed-up-key";
import type { RoomKeyUpload } from "../protocol/key-backup/room-keys-body";
import type { JsonObject } from "../protocol/json-value";

/** A backup's version info: what GET /room_keys/version answers. */
export interface BackupVersionInfo {
  readonly version: number;
  readonly algorithm: string;
  readonly authData: JsonObject;
  readonly etag: number;
  readonly count: number;
}

/** The backup's state after a change of its keys: what the key PUTs and DELETEs answer. */
export interface BackupKeysState {
  readonly etag: number;
  readonly count: number;
}

/** Which keys a key route addresses: the whole backup, one room's, or one session's. */
export interface KeyScope {
  readonly roomId?: string;
  readonly sessionId?: string;
}

export interface StoredBackupKey {
  readonly roomId: string;
  readonly sessionId: string;
  /** The KeyBackupData as stored: JSON text this server wrote. */
  readonly keyJson: string;
}

interface VersionRow {
  version: number;
  algorithm: string;
  auth_data: string;
  etag: number;
  key_count: number;
}

const toInfo = (row: VersionRow): BackupVersionInfo => ({
  version: row.version,
  algorithm: row.algorithm,
  authData: JSON.parse(row.auth_data) as JsonObject,
  etag: row.etag,
  count: row.key_count,
});

const VERSION_COLUMNS = "version, algorithm, auth_data, etag, key_count";

/** The user's current backup: the highest version not deleted. */
const CURRENT_VERSION = "(SELECT MAX(version) FROM key_backup_versions WHERE user_id = ?1 AND deleted = 0)";

/** Creates the user's next backup version, which becomes the current one. */
export async function createBackupVersion(
  db: D1Database,
  userId: string,
  algorithm: string,
  authData: JsonObject,
  now: number,
): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO key_backup_versions (user_id, version, algorithm, auth_data, created_ts)
       SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM key_backup_versions WHERE user_id = ?1
       RETURNING version`,
    )
    .bind(userId, algorithm, JSON.stringify(authData), now)
    .first<{ version: number }>();
  if (row === null) throw new Error("key backup: the new version was not returned");
  return row.version;
}

export async function currentBackupVersion(db: D1Database, userId: string): Promise<BackupVersionInfo | undefined> {
  const row = await db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM key_backup_versions WHERE user_id = ?1 AND version = ${CURRENT_VERSION}`)
    .bind(userId)
    .first<VersionRow>();
  return row === null ? undefined : toInfo(row);
}

/** A backup version of the user's that is not deleted. */
export async function backupVersionInfo(db: D1Database, userId: string, version: number): Promise<BackupVersionInfo | undefined> {
  const row = await db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM key_backup_versions WHERE user_id = ? AND version = ? AND deleted = 0`)
    .bind(userId, version)
    .first<VersionRow>();
  return row === null ? undefined : toInfo(row);
}

/** Replaces the backup's auth_data when the backup exists and has this algorithm; says which check failed otherwise. */
export async function updateBackupAuthData(
  db: D1Database,
  userId: string,
  version: number,
  algorithm: string,
  authData: JsonObject,
): Promise<"updated" | "unknown_version" | "algorithm_mismatch"> {
  const [updated, stored] = await db.batch([
    db
      .prepare(
        `UPDATE key_backup_versions SET auth_data = ?4
         WHERE user_id = ?1 AND version = ?2 AND deleted = 0 AND algorithm = ?3 RETURNING version`,
      )
      .bind(userId, version, algorithm, JSON.stringify(authData)),
    db.prepare("SELECT 1 AS found FROM key_backup_versions WHERE user_id = ? AND version = ? AND deleted = 0").bind(userId, version),
  ]);
  if ((updated?.results.length ?? 0) > 0) return "updated";
  return (stored?.results.length ?? 0) > 0 ? "algorithm_mismatch" : "unknown_version";
}

/** Marks the version deleted and removes its keys. False when the user never had this version. */
export async function deleteBackupVersion(db: D1Database, userId: string, version: number): Promise<boolean> {
  const [, , existed] = await db.batch([
    db.prepare("UPDATE key_backup_versions SET deleted = 1 WHERE user_id = ? AND version = ?").bind(userId, version),
    db.prepare("DELETE FROM key_backup_keys WHERE user_id = ? AND version = ?").bind(userId, version),
    db.prepare("SELECT 1 AS found FROM key_backup_versions WHERE user_id = ? AND version = ?").bind(userId, version),
  ]);
  return (existed?.results.length ?? 0) > 0;
}

/** Every backup of the user deleted with its keys (for account deactivation), as statements for the caller's batch. */
export const deleteAllKeyBackupsStatements = (db: D1Database, userId: string): D1PreparedStatement[] => [
  db.prepare("UPDATE key_backup_versions SET deleted = 1 WHERE user_id = ?").bind(userId),
  db.prepare("DELETE FROM key_backup_keys WHERE user_id = ?").bind(userId),
];

/** Bytes of one bound JSON parameter at most: D1 refuses a value over 1 MB, and a request body may be 1 MiB. */
export const MAX_UPLOAD_PART_BYTES = 256 * 1024;

/**
 * The upload as JSON arrays of `[room, session, rank, key JSON]` rows, split so that no part is
 * larger than `maxBytes` (a single row larger than that is a part of its own).
 */
export function uploadParts(uploads: readonly RoomKeyUpload[], maxBytes = MAX_UPLOAD_PART_BYTES): string[] {
  const parts: string[] = [];
  let rows: string[] = [];
  let size = 2;
  for (const u of uploads) {
    const row = JSON.stringify([u.roomId, u.sessionId, backedUpKeyRank(u.key), JSON.stringify(backedUpKeyJson(u.key))]);
    const bytes = utf8ByteLength(row) + 1;
    if (rows.length > 0 && size + bytes > maxBytes) {
      parts.push(`[${rows.join(",")}]`);
      rows = [];
      size = 2;
    }
    rows.push(row);
    size += bytes;
  }
  if (rows.length > 0) parts.push(`[${rows.join(",")}]`);
  return parts;
}

export type PutKeysOutcome =
  | { readonly kind: "stored"; readonly state: BackupKeysState }
  | { readonly kind: "no_backup" }
  | { readonly kind: "not_current"; readonly current: number };

/**
 * Stores the keys in `version` if, at commit, it is the user's current backup. A session's key is
 * replaced only by a better one (by rank: the spec's rule), in the same statement, so two uploads
 * racing each other end with the better key whatever their order.
 */
export async function putBackupKeys(
  db: D1Database,
  userId: string,
  version: number,
  uploads: readonly RoomKeyUpload[],
): Promise<PutKeysOutcome> {
  const insert = db.prepare(
    `INSERT INTO key_backup_keys (user_id, version, room_id, session_id, rank, key_json)
     SELECT ?1, ?2, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]')
     FROM json_each(?3) WHERE ?2 = ${CURRENT_VERSION}
     ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET rank = excluded.rank, key_json = excluded.key_json
     WHERE excluded.rank > key_backup_keys.rank`,
  );
  // One transaction: the version check, every part of the upload, then the backup's new state.
  const results = await db.batch([
    db.prepare(`SELECT ${CURRENT_VERSION} AS current`).bind(userId),
    ...uploadParts(uploads).map((part) => insert.bind(userId, version, part)),
    db.prepare("SELECT etag, key_count FROM key_backup_versions WHERE user_id = ? AND version = ?").bind(userId, version),
  ]);
  const head = (results[0]?.results[0] as { current: number | null } | undefined)?.current ?? null;
  if (head === null) return { kind: "no_backup" };
  if (head !== version) return { kind: "not_current", current: head };
  const row = results[results.length - 1]?.results[0] as { etag: number; key_count: number } | undefined;
  if (row === undefined) throw new Error("key backup: the current version has no row");
  return { kind: "stored", state: { etag: row.etag, count: row.key_count } };
}

function scopeCondition(scope: KeyScope): { sql: string; binds: string[] } {
  const parts: string[] = [];
  const binds: string[] = [];
  if (scope.roomId !== undefined) {
    parts.push("AND room_id = ?");
    binds.push(scope.roomId);
  }
  if (scope.sessionId !== undefined) {
    parts.push("AND session_id = ?");
    binds.push(scope.sessionId);
  }
  return { sql: parts.join(" "), binds };
}

/** Where a page of keys starts: after this (room, session) in key order. */
export interface KeyCursor {
  readonly roomId: string;
  readonly sessionId: string;
}

/**
 * Up to `limit` keys in scope of an undeleted version, in (room, session) order after `after`, with
 * each key's JSON as stored; undefined when the user has no such version. Large backups are read
 * page by page, so no request holds a whole backup in memory.
 */
export async function backupKeysPage(
  db: D1Database,
  userId: string,
  version: number,
  scope: KeyScope,
  after: KeyCursor | undefined,
  limit: number,
): Promise<StoredBackupKey[] | undefined> {
  const where = scopeCondition(scope);
  const cursor = after === undefined ? "" : "AND (room_id, session_id) > (?, ?)";
  const cursorBinds = after === undefined ? [] : [after.roomId, after.sessionId];
  const [exists, keys] = await db.batch([
    db.prepare("SELECT 1 AS found FROM key_backup_versions WHERE user_id = ? AND version = ? AND deleted = 0").bind(userId, version),
    db
      .prepare(
        `SELECT room_id, session_id, key_json FROM key_backup_keys WHERE user_id = ? AND version = ? ${where.sql} ${cursor}
         ORDER BY room_id, session_id LIMIT ?`,
      )
      .bind(userId, version, ...where.binds, ...cursorBinds, limit),
  ]);
  if ((exists?.results.length ?? 0) === 0) return undefined;
  return ((keys?.results ?? []) as { room_id: string; session_id: string; key_json: string }[]).map((r) => ({
    roomId: r.room_id,
    sessionId: r.session_id,
    keyJson: r.key_json,
  }));
}

/** Deletes the keys in scope from an undeleted version; undefined when there is no such version. */
export async function deleteBackupKeys(
  db: D1Database,
  userId: string,
  version: number,
  scope: KeyScope,
): Promise<BackupKeysState | undefined> {
  const where = scopeCondition(scope);
  const [, state] = await db.batch([
    db.prepare(`DELETE FROM key_backup_keys WHERE user_id = ? AND version = ? ${where.sql}`).bind(userId, version, ...where.binds),
    db.prepare("SELECT etag, key_count FROM key_backup_versions WHERE user_id = ? AND version = ? AND deleted = 0").bind(userId, version),
  ]);
  const row = state?.results[0] as { etag: number; key_count: number } | undefined;
  return row === undefined ? undefined : { etag: row.etag, count: row.key_count };
}
