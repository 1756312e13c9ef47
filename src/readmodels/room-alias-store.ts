// This server's room aliases as D1 records (not projections: replay keeps them): create, resolve, delete, list.
import { err, ok, type Result } from "../protocol/result";
import { roomDirectoryError, type RoomDirectoryError } from "./room-directory-error";

export interface RoomAliasRecord {
  readonly alias: string;
  readonly roomId: string;
  readonly creator: string;
}

export interface NewRoomAlias {
  readonly alias: string;
  readonly roomId: string;
  readonly creator: string;
  readonly nowMs: number;
}

/**
 * Maps a (parsed, local) alias to a room. The primary key decides races: of two concurrent PUTs
 * of one alias exactly one inserts, the other sees no change and reports the alias taken.
 */
export async function createAlias(db: D1Database, alias: NewRoomAlias): Promise<Result<void, RoomDirectoryError>> {
  const result = await db
    .prepare("INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES (?, ?, ?, ?) ON CONFLICT (alias) DO NOTHING")
    .bind(alias.alias, alias.roomId, alias.creator, alias.nowMs)
    .run();
  if (result.meta.changes === 1) return ok(undefined);
  return err(roomDirectoryError("alias_taken", `Room alias ${alias.alias} already exists.`));
}

/** The alias's mapping with its creator, or undefined when this server has no such alias. */
export async function roomAliasRecord(db: D1Database, alias: string): Promise<RoomAliasRecord | undefined> {
  const row = await db
    .prepare("SELECT alias, room_id, creator FROM room_aliases WHERE alias = ?")
    .bind(alias)
    .first<{ alias: string; room_id: string; creator: string }>();
  return row === null ? undefined : { alias: row.alias, roomId: row.room_id, creator: row.creator };
}

/** The room an alias of this server names (join by alias, GET /directory/room), or undefined. */
export async function resolveRoomAlias(db: D1Database, alias: string): Promise<string | undefined> {
  return (await roomAliasRecord(db, alias))?.roomId;
}

/** Removes the mapping; false when there was none (someone else deleted it first). */
export async function deleteAlias(db: D1Database, alias: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM room_aliases WHERE alias = ?").bind(alias).run();
  return result.meta.changes > 0;
}

/** Every alias of this server that names the room, in a stable order. */
export async function aliasesOfRoom(db: D1Database, roomId: string): Promise<string[]> {
  const rows = await db.prepare("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias").bind(roomId).all<{ alias: string }>();
  return rows.results.map((r) => r.alias);
}

/** Points every alias of `fromRoomId` at `toRoomId` (a room upgrade), keeping their creators; returns the moved aliases. */
export async function moveAliases(db: D1Database, fromRoomId: string, toRoomId: string): Promise<string[]> {
  const rows = await db
    .prepare("UPDATE room_aliases SET room_id = ? WHERE room_id = ? RETURNING alias")
    .bind(toRoomId, fromRoomId)
    .all<{ alias: string }>();
  return rows.results.map((r) => r.alias).sort();
}
