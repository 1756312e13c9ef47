// Auth events selection (server-server API): which state entries an event must cite as its auth_events.
import { isJsonObject } from "../json-value";
import { stateKeyString, type Pdu, type StateKey } from "../pdu";
import type { RoomVersionRules } from "../room-versions";

/** The parts of an event the selection reads; a not-yet-built event qualifies too. */
export type AuthSelectable = Pick<Pdu, "type" | "sender" | "state_key" | "content">;

/**
 * The (type, state_key) pairs an event's `auth_events` should hold, taken from the room state when
 * present there. The create event cites nothing; from v12 on no event cites the create event.
 */
export function selectAuthEventKeys(rules: RoomVersionRules, event: AuthSelectable): StateKey[] {
  if (event.type === "m.room.create") return [];
  const keys: StateKey[] = [];
  const add = (type: string, stateKey: string): void => {
    if (!keys.some(([t, s]) => t === type && s === stateKey)) keys.push([type, stateKey]);
  };
  if (!rules.roomIdFromCreateEvent) add("m.room.create", "");
  add("m.room.power_levels", "");
  add("m.room.member", event.sender);
  if (event.type === "m.room.member" && event.state_key !== undefined) {
    const { content } = event;
    const membership = content["membership"];
    add("m.room.member", event.state_key);
    if (membership === "join" || membership === "invite" || membership === "knock") add("m.room.join_rules", "");
    const thirdParty = content["third_party_invite"];
    const signed = isJsonObject(thirdParty) ? thirdParty["signed"] : undefined;
    const token = isJsonObject(signed) ? signed["token"] : undefined;
    if (membership === "invite" && typeof token === "string") add("m.room.third_party_invite", token);
    const via = content["join_authorised_via_users_server"];
    if (membership === "join" && rules.restrictedJoins && typeof via === "string") add("m.room.member", via);
  }
  return keys;
}

/** The selected keys as a set of `stateKeyString` values, for membership tests. */
export const selectedAuthKeySet = (rules: RoomVersionRules, event: AuthSelectable): ReadonlySet<string> =>
  new Set(selectAuthEventKeys(rules, event).map(([type, stateKey]) => stateKeyString(type, stateKey)));
