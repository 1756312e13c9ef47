// The spec's "power event": a state event that might take away someone's ability to act in the room.
import type { RoomEvent } from "../pdu";

export function isPowerEvent(event: RoomEvent): boolean {
  const { type, state_key: stateKey, content, sender } = event.pdu;
  if (stateKey === undefined) return false;
  if (type === "m.room.power_levels" || type === "m.room.join_rules") return true;
  if (type !== "m.room.member") return false;
  const membership = content["membership"];
  return (membership === "leave" || membership === "ban") && sender !== stateKey;
}
