// What one /sync reads first, in one D1 round trip: stream heads, the user's rooms, which rooms moved since the token, account data.
import type { JsonObject } from "../protocol/json-value";
import type { AccountDataChange } from "./account-data";
import { rangesFromHistory, rowsOf, visibilityHistoryStatement, type VisibleRanges } from "./history-visibility";
import type { MembershipRow } from "./room-queries";

export interface SyncMembership extends MembershipRow {
  /** '' when the room is not in `rooms` (never: a membership comes from a projected event). */
  readonly room_version: string;
}

export interface SyncSnapshot {
  /** The room event stream's head: every read of this sync stops here. */
  readonly position: number;
  /** The account-data stream's head. */
  readonly accountPosition: number;
  readonly memberships: readonly SyncMembership[];
  /**
   * Rooms whose membership row changed after `since` though the user was joined already at
   * `since` (a display name change, say): not new to the client.
   */
  readonly joinedAtSince: ReadonlySet<string>;
  /** Rooms of the user with any event after `since` (undefined: no `since` given). */
  readonly movedRooms: ReadonlySet<string> | undefined;
  /** The positions of each of the user's rooms that history visibility lets them read. */
  readonly visible: ReadonlyMap<string, VisibleRanges>;
  /** This user's account data changed after `sinceAccount`, oldest first. */
  readonly accountData: AccountDataChange[];
}

interface AccountRow {
  readonly stream_pos: number;
  readonly room_id: string;
  readonly type: string;
  readonly content: string;
}

/**
 * One batch, so one transaction: every part agrees with every other (an event committed meanwhile
 * is either in all of them or in none). Rooms moved since `since` are found through the events
 * index, one seek per room of the user, instead of reading each room.
 */
export async function readSyncSnapshot(
  db: D1Database,
  userId: string,
  since: number | undefined,
  sinceAccount: number,
): Promise<SyncSnapshot> {
  const statements = [
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM events"),
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM account_data"),
    db
      .prepare(
        `SELECT m.room_id, m.membership, m.event_id, m.stream_pos, COALESCE(r.room_version, '') AS room_version
         FROM memberships m LEFT JOIN rooms r ON r.room_id = m.room_id WHERE m.user_id = ? ORDER BY m.room_id`,
      )
      .bind(userId),
    db
      .prepare("SELECT stream_pos, room_id, type, content FROM account_data WHERE user_id = ? AND stream_pos > ? ORDER BY stream_pos")
      .bind(userId, sinceAccount),
    visibilityHistoryStatement(db, userId, [], true),
  ];
  if (since !== undefined) {
    statements.push(
      db
        .prepare(
          `SELECT m.room_id FROM memberships m
           WHERE m.user_id = ?1 AND m.stream_pos > ?2 AND m.membership = 'join' AND (
             SELECT json_extract(e.event_json, '$.content.membership') FROM state_changes sc JOIN events e ON e.event_id = sc.event_id
             WHERE sc.room_id = m.room_id AND sc.type = 'm.room.member' AND sc.state_key = m.user_id AND sc.stream_pos <= ?2
             ORDER BY sc.stream_pos DESC LIMIT 1) = 'join'`,
        )
        .bind(userId, since),
    );
    statements.push(
      db
        .prepare(
          `SELECT m.room_id FROM memberships m
           WHERE m.user_id = ? AND EXISTS (SELECT 1 FROM events e WHERE e.room_id = m.room_id AND e.stream_pos > ?)`,
        )
        .bind(userId, since),
    );
  }
  const [position, accountPosition, memberships, accountData, visibility, stillJoined, moved] = await db.batch(statements);
  const head = (r: D1Result | undefined) => (r?.results[0] as { position: number } | undefined)?.position ?? 0;
  return {
    position: head(position),
    accountPosition: head(accountPosition),
    memberships: (memberships?.results ?? []) as SyncMembership[],
    visible: rangesFromHistory(rowsOf(visibility), []),
    joinedAtSince: new Set(((stillJoined?.results ?? []) as { room_id: string }[]).map((r) => r.room_id)),
    movedRooms: moved === undefined ? undefined : new Set((moved.results as { room_id: string }[]).map((r) => r.room_id)),
    accountData: ((accountData?.results ?? []) as AccountRow[]).map((row) => ({
      roomId: row.room_id === "" ? undefined : row.room_id,
      type: row.type,
      content: JSON.parse(row.content) as JsonObject,
      streamPos: row.stream_pos,
    })),
  };
}
