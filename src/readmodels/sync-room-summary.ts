// The `summary` of joined rooms in /sync (heroes, joined and invited counts) for many rooms in one batch.
import type { JsonObject, JsonValue } from "../protocol/json-value";

/** The spec asks for the first 5 members as heroes. */
const HEROES = 5;

export interface RoomSummaryData {
  readonly joined: number;
  readonly invited: number;
  /** Undefined when the room has a name or canonical alias (clients then need no heroes). */
  readonly heroes: readonly string[] | undefined;
  /** Membership, name or canonical alias changed after the token (or there was no token). */
  readonly changed: boolean;
}

/**
 * Four statements for `rooms`: counts, hero candidates (joined or invited first, by the position
 * their membership was set, the user left out; left and banned users stand in only when nobody is
 * joined or invited), names and aliases, and which rooms' summary inputs changed after `since`.
 */
export function summaryStatements(db: D1Database, userId: string, rooms: readonly string[], since: number | undefined): D1PreparedStatement[] {
  const list = JSON.stringify(rooms);
  return [
    db
      .prepare(
        `SELECT room_id, SUM(membership = 'join') AS joined, SUM(membership = 'invite') AS invited FROM memberships
         WHERE room_id IN (SELECT value FROM json_each(?)) GROUP BY room_id`,
      )
      .bind(list),
    db
      .prepare(
        `SELECT room_id, user_id, active FROM (
           SELECT room_id, user_id, membership IN ('join', 'invite') AS active,
             ROW_NUMBER() OVER (PARTITION BY room_id, membership IN ('join', 'invite') ORDER BY stream_pos, user_id) AS n
           FROM memberships WHERE room_id IN (SELECT value FROM json_each(?)) AND user_id <> ? AND membership IN ('join', 'invite', 'leave', 'ban'))
         WHERE n <= ? ORDER BY room_id, active DESC, n`,
      )
      .bind(list, userId, HEROES),
    db
      .prepare(
        `SELECT cs.room_id FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value FROM json_each(?)) AND cs.state_key = '' AND e.redacted_because IS NULL AND (
           (cs.type = 'm.room.name' AND json_type(e.event_json, '$.content.name') = 'text' AND json_extract(e.event_json, '$.content.name') <> '')
           OR (cs.type = 'm.room.canonical_alias' AND json_type(e.event_json, '$.content.alias') = 'text' AND json_extract(e.event_json, '$.content.alias') <> ''))`,
      )
      .bind(list),
    db
      .prepare(
        `SELECT DISTINCT room_id FROM state_changes WHERE room_id IN (SELECT value FROM json_each(?)) AND stream_pos > ?
           AND type IN ('m.room.member', 'm.room.name', 'm.room.canonical_alias')`,
      )
      .bind(list, since ?? -1),
  ];
}

export function readSummaries(rooms: readonly string[], results: readonly (D1Result | undefined)[]): Map<string, RoomSummaryData> {
  const [counts, heroes, named, changed] = results;
  const countByRoom = new Map(
    ((counts?.results ?? []) as { room_id: string; joined: number | null; invited: number | null }[]).map((r) => [r.room_id, r]),
  );
  const heroesByRoom = new Map<string, { active: string[]; inactive: string[] }>();
  for (const row of (heroes?.results ?? []) as { room_id: string; user_id: string; active: number }[]) {
    let entry = heroesByRoom.get(row.room_id);
    if (entry === undefined) heroesByRoom.set(row.room_id, (entry = { active: [], inactive: [] }));
    (row.active === 1 ? entry.active : entry.inactive).push(row.user_id);
  }
  const namedRooms = new Set(((named?.results ?? []) as { room_id: string }[]).map((r) => r.room_id));
  const changedRooms = new Set(((changed?.results ?? []) as { room_id: string }[]).map((r) => r.room_id));
  const out = new Map<string, RoomSummaryData>();
  for (const roomId of rooms) {
    const c = countByRoom.get(roomId);
    const h = heroesByRoom.get(roomId);
    out.set(roomId, {
      joined: c?.joined ?? 0,
      invited: c?.invited ?? 0,
      heroes: namedRooms.has(roomId) ? undefined : h === undefined ? [] : h.active.length > 0 ? h.active : h.inactive,
      changed: changedRooms.has(roomId),
    });
  }
  return out;
}

/** The `summary` object: everything when it changed (or the client is new to the room), else empty (spec: may be omitted). */
export function summaryJson(data: RoomSummaryData, fresh: boolean): JsonObject {
  if (!fresh && !data.changed) return {};
  const out: Record<string, JsonValue> = {
    "m.joined_member_count": data.joined,
    "m.invited_member_count": data.invited,
  };
  if (data.heroes !== undefined) out["m.heroes"] = [...data.heroes];
  return out;
}
