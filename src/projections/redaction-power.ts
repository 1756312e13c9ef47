// Whether a redaction's sender holds the room's `redact` level, read from the projected current state.
import { hasAtLeast, roomPowerFromState, userPowerLevel } from "../protocol/auth/power-levels";
import type { JsonObject } from "../protocol/json-value";
import type { Pdu, RoomEvent } from "../protocol/pdu";
import { roomVersionRules } from "../protocol/room-versions";

/**
 * The spec lets a server apply a redaction when the senders' domains match or the redactor has
 * the power to redact others. Domain matching is done in SQL (the target may arrive later); this
 * answers the power half against the state before the redaction, which is current state here
 * because entries of a room are applied in seq order.
 */
export async function redactorHasPower(db: D1Database, roomId: string, roomVersion: string, sender: string): Promise<boolean> {
  const rules = roomVersionRules(roomVersion);
  if (rules === undefined) return false;
  const rows = await db
    .prepare(
      `SELECT cs.type, e.event_id, e.event_json FROM current_state cs JOIN events e ON e.event_id = cs.event_id
       WHERE cs.room_id = ? AND cs.state_key = '' AND cs.type IN ('m.room.power_levels', 'm.room.create')`,
    )
    .bind(roomId)
    .all<{ type: string; event_id: string; event_json: string }>();
  const byType = new Map<string, RoomEvent>();
  for (const row of rows.results) {
    byType.set(row.type, { eventId: row.event_id, pdu: JSON.parse(row.event_json) as JsonObject as unknown as Pdu });
  }
  const power = roomPowerFromState(rules, (type, stateKey) => (stateKey === "" ? byType.get(type) : undefined));
  return hasAtLeast(userPowerLevel(power, sender), power.levels.redact);
}
