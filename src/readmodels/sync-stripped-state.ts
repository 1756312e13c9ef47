// The stripped state an invitee or knocker sees in /sync (invite_state / knock_state), for many rooms in one statement.
import type { JsonObject, JsonValue } from "../protocol/json-value";

// The spec's recommended set, plus the user's own membership event and, for an invite, the inviter's
// member event (allowed by the spec; clients name the room and the inviter from it).
const STRIPPED_STATE_TYPES = [
  "m.room.create",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.join_rules",
  "m.room.canonical_alias",
  "m.room.encryption",
];

export interface StrippedStateQuery {
  readonly roomId: string;
  /** The invite or knock event. */
  readonly membershipEventId: string;
}

export function strippedStateStatement(db: D1Database, rooms: readonly StrippedStateQuery[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT room_id, event_json, stream_pos FROM (
         SELECT e.room_id, e.event_json, e.stream_pos FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value->>0 FROM json_each(?1)) AND cs.type IN (SELECT value FROM json_each(?2))
         UNION ALL
         SELECT e.room_id, e.event_json, e.stream_pos FROM json_each(?1) j
           JOIN events inv ON inv.event_id = j.value->>1
           JOIN current_state cs ON cs.room_id = inv.room_id AND cs.type = 'm.room.member' AND cs.state_key = inv.sender AND cs.event_id <> inv.event_id
           JOIN events e ON e.event_id = cs.event_id
         UNION ALL
         SELECT e.room_id, e.event_json, 9e18 FROM events e WHERE e.event_id IN (SELECT value->>1 FROM json_each(?1)))
       ORDER BY room_id, stream_pos`,
    )
    .bind(JSON.stringify(rooms.map((r) => [r.roomId, r.membershipEventId])), JSON.stringify(STRIPPED_STATE_TYPES));
}

/** Each room's stripped events: `type`, `state_key`, `sender` and `content` of each. */
export function readStrippedState(result: D1Result | undefined): Map<string, JsonValue[]> {
  const out = new Map<string, JsonValue[]>();
  for (const row of (result?.results ?? []) as { room_id: string; event_json: string }[]) {
    const pdu = JSON.parse(row.event_json) as JsonObject;
    const stripped: Record<string, JsonValue> = {};
    for (const key of ["type", "state_key", "sender", "content"]) {
      const value = pdu[key];
      if (value !== undefined) stripped[key] = value;
    }
    const list = out.get(row.room_id);
    if (list === undefined) out.set(row.room_id, [stripped]);
    else list.push(stripped);
  }
  return out;
}
