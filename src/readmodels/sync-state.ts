// The state sections of /sync rooms: full state at a position, or the delta since the token, filtered and lazy-loaded; two statements for all rooms.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { EVENT_COLUMNS, RELATED_COLUMNS, type EventRowWithRelated } from "./event-rows";
import { eventFilterCondition, sectionIncludesRoom } from "./event-filter-sql";

export type StateQuery =
  /** The whole state at `at` (a client new to the room, or full_state). */
  | { readonly kind: "full"; readonly roomId: string; readonly at: number; readonly members?: ReadonlySet<string> }
  /** Keys whose value at `at` differs from the one at `from` (a limited incremental timeline). */
  | { readonly kind: "delta"; readonly roomId: string; readonly from: number; readonly at: number; readonly members?: ReadonlySet<string> }
  /** Only these users' member events at `at` (lazy loading, timeline not limited). */
  | { readonly kind: "members"; readonly roomId: string; readonly at: number; readonly members: ReadonlySet<string> };

// Lazy loading: with a member list (JSON, or NULL for all members), member keys outside it are
// skipped before any event is read; `only` (1) keeps member keys alone.
const MEMBER_KEYS = `(q.members IS NULL OR (q.only = 0 AND sc.type <> 'm.room.member')
  OR (sc.type = 'm.room.member' AND sc.state_key IN (SELECT value FROM json_each(q.members))))`;

const membersJson = (members: ReadonlySet<string> | undefined): string | null => (members === undefined ? null : JSON.stringify([...members]));

/**
 * At most two statements for every room's queries: one for the states at a position (full or
 * members only; SQLite takes a bare `event_id` from the row holding the MAX, so each key's last
 * change at or before `at` comes from one pass over the room's primary-key range), one for deltas.
 * Rooms the state filter's own `rooms`/`not_rooms` leave out are not read.
 */
export function stateStatements(db: D1Database, queries: readonly StateQuery[], filter: RoomEventFilter | undefined): D1PreparedStatement[] {
  const wanted = queries.filter((q) => sectionIncludesRoom(filter, q.roomId) && !(q.kind === "members" && q.members.size === 0));
  const condition = eventFilterCondition(filter);
  const statements: D1PreparedStatement[] = [];
  const at = wanted.filter((q) => q.kind !== "delta");
  if (at.length > 0) {
    statements.push(
      db
        .prepare(
          `WITH q AS (SELECT value->>0 AS room_id, value->>1 AS at, value->>2 AS members, value->>3 AS only FROM json_each(?)),
           st AS (
             SELECT sc.event_id, MAX(sc.stream_pos) AS pos FROM q JOIN state_changes sc ON sc.room_id = q.room_id AND sc.stream_pos <= q.at
             WHERE ${MEMBER_KEYS}
             GROUP BY sc.room_id, sc.type, sc.state_key)
           SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS} FROM st JOIN events e ON e.event_id = st.event_id
           WHERE (${condition.sql})
           ORDER BY e.stream_pos`,
        )
        .bind(JSON.stringify(at.map((q) => [q.roomId, q.at, membersJson(q.members), q.kind === "members" ? 1 : 0])), ...condition.params),
    );
  }
  const deltas = wanted.filter((q): q is Extract<StateQuery, { kind: "delta" }> => q.kind === "delta" && q.at > q.from);
  if (deltas.length > 0) {
    statements.push(
      db
        .prepare(
          `WITH q AS (SELECT value->>0 AS room_id, value->>1 AS from_pos, value->>2 AS at, value->>3 AS members, 0 AS only FROM json_each(?)),
           keys AS (
             SELECT DISTINCT q.room_id, q.from_pos, q.at, sc.type, sc.state_key
             FROM q JOIN state_changes sc ON sc.room_id = q.room_id AND sc.stream_pos > q.from_pos AND sc.stream_pos <= q.at
             WHERE ${MEMBER_KEYS}),
           vals AS (
             SELECT
               (SELECT s.event_id FROM state_changes s WHERE s.room_id = k.room_id AND s.type = k.type AND s.state_key = k.state_key
                  AND s.stream_pos <= k.at ORDER BY s.stream_pos DESC LIMIT 1) AS now_id,
               (SELECT s.event_id FROM state_changes s WHERE s.room_id = k.room_id AND s.type = k.type AND s.state_key = k.state_key
                  AND s.stream_pos <= k.from_pos ORDER BY s.stream_pos DESC LIMIT 1) AS then_id
             FROM keys k)
           SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS} FROM vals JOIN events e ON e.event_id = vals.now_id
           WHERE vals.then_id IS NOT vals.now_id AND (${condition.sql})
           ORDER BY e.stream_pos`,
        )
        .bind(JSON.stringify(deltas.map((q) => [q.roomId, q.from, q.at, membersJson(q.members)])), ...condition.params),
    );
  }
  return statements;
}

/** Each room's state events from the statements' results, each event once, oldest first. */
export function readStates(results: readonly D1Result[]): Map<string, EventRowWithRelated[]> {
  const out = new Map<string, EventRowWithRelated[]>();
  const seen = new Set<string>();
  for (const row of results.flatMap((r) => (r.results ?? []) as EventRowWithRelated[])) {
    if (seen.has(row.event_id)) continue;
    seen.add(row.event_id);
    const list = out.get(row.room_id);
    if (list === undefined) out.set(row.room_id, [row]);
    else list.push(row);
  }
  for (const list of out.values()) list.sort((a, b) => a.stream_pos - b.stream_pos);
  return out;
}
