// Account data (global and per room, m.tag included) as D1 records, each change at a position of the account-data stream.
import type { JsonObject } from "../protocol/json-value";

/** Global account data is stored under this room ID. */
const GLOBAL = "";

export interface AccountDataKey {
  readonly userId: string;
  /** Undefined: global account data. */
  readonly roomId?: string;
  readonly type: string;
}

export interface AccountDataChange {
  /** Undefined: global. */
  readonly roomId: string | undefined;
  readonly type: string;
  readonly content: JsonObject;
  readonly streamPos: number;
}

interface Row {
  readonly stream_pos: number;
  readonly room_id: string;
  readonly type: string;
  readonly content: string;
}

const roomOf = (key: AccountDataKey): string => key.roomId ?? GLOBAL;

/** The stored content, or undefined when this user never set this type (here). */
export async function getAccountData(db: D1Database, key: AccountDataKey): Promise<JsonObject | undefined> {
  const row = await db
    .prepare("SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?")
    .bind(key.userId, roomOf(key), key.type)
    .first<{ content: string }>();
  return row === null ? undefined : (JSON.parse(row.content) as JsonObject);
}

/** Stores `content` and returns the change's stream position. */
export async function putAccountData(db: D1Database, key: AccountDataKey, content: JsonObject): Promise<number> {
  const row = await db
    .prepare("INSERT OR REPLACE INTO account_data (user_id, room_id, type, content) VALUES (?, ?, ?, ?) RETURNING stream_pos")
    .bind(key.userId, roomOf(key), key.type, JSON.stringify(content))
    .first<{ stream_pos: number }>();
  if (row === null) throw new Error("account data write returned no position");
  return row.stream_pos;
}

/** Read-modify-write retries before giving up; each retry means another write landed in between. */
const MAX_UPDATE_ATTEMPTS = 8;

/**
 * Replaces the content with `update(current)`, atomically: D1 has no interactive transactions, so
 * the write only lands if the row still has the position it was read at (compare-and-swap on
 * stream_pos, which every write changes), and is retried otherwise. Two tag edits at the same
 * moment therefore both survive. Returns the new position.
 */
export async function updateAccountData(
  db: D1Database,
  key: AccountDataKey,
  update: (current: JsonObject | undefined) => JsonObject,
): Promise<number> {
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    const current = await db
      .prepare("SELECT stream_pos, content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?")
      .bind(key.userId, roomOf(key), key.type)
      .first<{ stream_pos: number; content: string }>();
    const next = update(current === null ? undefined : (JSON.parse(current.content) as JsonObject));
    const written = await db
      .prepare(
        `INSERT OR REPLACE INTO account_data (user_id, room_id, type, content)
         SELECT ?1, ?2, ?3, ?4
         WHERE COALESCE((SELECT stream_pos FROM account_data WHERE user_id = ?1 AND room_id = ?2 AND type = ?3), 0) = ?5
         RETURNING stream_pos`,
      )
      .bind(key.userId, roomOf(key), key.type, JSON.stringify(next), current?.stream_pos ?? 0)
      .first<{ stream_pos: number }>();
    if (written !== null) return written.stream_pos;
  }
  throw new Error("account data update kept conflicting with concurrent writes");
}

/** The account-data stream's head: the position of the newest change of any user. */
export async function accountDataPosition(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM account_data").first<{ position: number }>();
  return row?.position ?? 0;
}

/** All of this user's account data for one room up to `upTo`, oldest first (a room new to the client). */
export async function roomAccountData(db: D1Database, userId: string, roomId: string, upTo: number): Promise<AccountDataChange[]> {
  const rows = await db
    .prepare("SELECT stream_pos, room_id, type, content FROM account_data WHERE user_id = ? AND room_id = ? AND stream_pos <= ? ORDER BY stream_pos")
    .bind(userId, roomId, upTo)
    .all<Row>();
  return rows.results.map(toChange);
}

/**
 * This user's account data changed in `(after, upTo]`, oldest first; each (room, type) appears once
 * with its latest content, because a write replaces the row. `after` 0 gives everything.
 */
export async function accountDataChanges(db: D1Database, userId: string, after: number, upTo: number): Promise<AccountDataChange[]> {
  const rows = await db
    .prepare(
      "SELECT stream_pos, room_id, type, content FROM account_data WHERE user_id = ? AND stream_pos > ? AND stream_pos <= ? ORDER BY stream_pos",
    )
    .bind(userId, after, upTo)
    .all<Row>();
  return rows.results.map(toChange);
}

const toChange = (row: Row): AccountDataChange => ({
  roomId: row.room_id === GLOBAL ? undefined : row.room_id,
  type: row.type,
  content: JSON.parse(row.content) as JsonObject,
  streamPos: row.stream_pos,
});
