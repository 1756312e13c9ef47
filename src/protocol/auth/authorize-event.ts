// The room-version auth rules applied to one event against one state (auth events, state before, or current).
import type { RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import type { AuthRejection, StateLookup } from "./auth-types";
import { authorizeCreate } from "./create-rules";
import { authorizeMembership, membershipOf, type AuthOptions } from "./membership-rules";
import { authorizePowerLevels } from "./power-level-rules";
import { hasAtLeast, requiredPowerLevel, roomPowerFromState, userPowerLevel } from "./power-levels";
import { authEventsRules, reject, sub, topLevelRules } from "./rule-numbers";
import { domainOf } from "./user-ids";

export type { AuthOptions } from "./membership-rules";

/**
 * For callers re-checking stored events whose signatures (the `join_authorised_via_users_server`
 * one included) were verified on receipt, e.g. state resolution.
 */
export const SIGNATURES_VERIFIED_ON_RECEIPT: AuthOptions = { isSignedBy: () => true };

/**
 * Decides whether `event` is allowed by the auth rules of `rules` against `state`.
 *
 * `state` must answer ("m.room.create", "") in every room version, v12 included (where the create
 * event is never among `auth_events` but is named by the `room_id`). The rules about the
 * `auth_events` list itself (duplicates, selection, rejected entries, room IDs) need the events
 * behind the list and live in `checkAuthEventsList`; everything else is checked here.
 */
export function authorizeEvent(
  rules: RoomVersionRules,
  event: RoomEvent,
  state: StateLookup,
  options: AuthOptions = {},
): Result<void, AuthRejection> {
  const top = topLevelRules(rules);
  const { pdu } = event;
  if (pdu.type === "m.room.create") return authorizeCreate(rules, event);

  const create = state("m.room.create", "");
  if (top.roomId !== undefined) {
    if (!create || pdu.room_id === undefined || pdu.room_id !== `!${create.eventId.slice(1)}`) {
      return reject(top.roomId, "room_id does not name the room's create event");
    }
  } else if (!create) {
    return reject(authEventsRules(rules).noCreate ?? top.authEvents, "no m.room.create event in the auth state");
  }

  if (create.pdu.content["m.federate"] === false && domainOf(pdu.sender) !== domainOf(create.pdu.sender)) {
    return reject(top.federate, "room is not federated and the sender is from another server");
  }

  if (top.aliases !== undefined && pdu.type === "m.room.aliases") {
    if (pdu.state_key === undefined) return reject(sub(top.aliases, 1), "aliases event has no state_key");
    if (domainOf(pdu.sender) !== pdu.state_key) {
      return reject(sub(top.aliases, 2), "sender's domain does not match the aliases state_key");
    }
    return ok(undefined);
  }

  const power = roomPowerFromState(rules, state);
  if (pdu.type === "m.room.member") return authorizeMembership({ rules, event, state, power, options });

  if (membershipOf(state, pdu.sender) !== "join") return reject(top.senderJoined, "sender is not joined to the room");

  const senderLevel = userPowerLevel(power, pdu.sender);
  if (pdu.type === "m.room.third_party_invite") {
    if (hasAtLeast(senderLevel, power.levels.invite)) return ok(undefined);
    return reject(sub(top.thirdPartyInvite, 1), "sender's power level is below the invite level");
  }

  const isState = pdu.state_key !== undefined;
  if (!hasAtLeast(senderLevel, requiredPowerLevel(power.levels, pdu.type, isState))) {
    return reject(top.requiredPower, `sender's power level is below the level required for ${pdu.type}`);
  }

  if (pdu.state_key !== undefined && pdu.state_key.startsWith("@") && pdu.state_key !== pdu.sender) {
    return reject(top.userStateKey, "state_key names another user");
  }

  if (pdu.type === "m.room.power_levels") return authorizePowerLevels(rules, event, state, power);

  if (top.redaction !== undefined && pdu.type === "m.room.redaction") {
    if (hasAtLeast(senderLevel, power.levels.redact)) return ok(undefined);
    const redacts = typeof pdu.redacts === "string" ? pdu.redacts : undefined;
    // Versions 1 and 2 let a server redact its own events: their IDs carry the server's domain.
    if (redacts !== undefined && domainOf(redacts) === domainOf(event.eventId)) return ok(undefined);
    return reject(sub(top.redaction, 3), "sender may not redact that event");
  }

  return ok(undefined);
}
