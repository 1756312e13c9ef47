// The spec's rule numbers per room version, so a rejection names the rule as that version's text numbers it.
import type { RoomVersionRules } from "../room-versions";
import type { AuthRejection } from "./auth-types";
import { err, type Result } from "../result";

/*
 * Numbers follow the rendered spec, where list items count up from the first whatever the source
 * says: v12's room-ID check among the auth-events rules is 3.4 and its final power-level allow is 10.11.
 */

/** Numbers `names` as sub-rules of `parent` in order ("" for top-level rules). */
function numbered<N extends string>(parent: string, names: readonly N[]): Record<N, string> {
  const out = {} as Record<N, string>;
  names.forEach((name, i) => {
    out[name] = parent === "" ? `${i + 1}` : `${parent}.${i + 1}`;
  });
  return out;
}

const present = <N extends string>(flag: boolean, ...names: N[]): N[] => (flag ? names : []);

export function topLevelRules(rules: RoomVersionRules) {
  return numbered("", [
    "create",
    ...present(rules.roomIdFromCreateEvent, "roomId"),
    "authEvents",
    "federate",
    ...present(rules.specialCaseAliasesAuth, "aliases"),
    "member",
    "senderJoined",
    "thirdPartyInvite",
    "requiredPower",
    "userStateKey",
    "powerLevels",
    // Room versions 1 and 2 (the only ones with server-chosen event IDs) authorise redactions.
    ...present(rules.eventIdFormat === "v1", "redaction"),
    "otherwise",
  ]);
}

export function createRules(rules: RoomVersionRules) {
  return numbered(topLevelRules(rules).create, [
    "prevEvents",
    "roomId",
    "roomVersion",
    ...present(!rules.creatorIsSender, "creator"),
    ...present(rules.privilegedCreators, "additionalCreators"),
    "allow",
  ]);
}

export function authEventsRules(rules: RoomVersionRules) {
  return numbered(topLevelRules(rules).authEvents, [
    "duplicates",
    "selection",
    "rejected",
    ...present(!rules.roomIdFromCreateEvent, "noCreate"),
    "roomId",
  ]);
}

export function memberRules(rules: RoomVersionRules) {
  return numbered(topLevelRules(rules).member, [
    "fields",
    ...present(rules.restrictedJoins, "authorisedVia"),
    "join",
    "invite",
    "leave",
    "ban",
    ...present(rules.knocking, "knock"),
    "unknown",
  ]);
}

export function joinRules(rules: RoomVersionRules) {
  return numbered(memberRules(rules).join, [
    "onlyCreate",
    "senderIsTarget",
    "banned",
    "invite",
    ...present(rules.restrictedJoins, "restricted"),
    "public",
    "otherwise",
  ]);
}

export function powerLevelRules(rules: RoomVersionRules) {
  return numbered(topLevelRules(rules).powerLevels, [
    ...present(rules.integerPowerLevels, "integers", "objects"),
    "users",
    ...present(rules.privilegedCreators, "creatorsInUsers"),
    "noPrevious",
    "topLevel",
    "mapRemoved",
    "mapAdded",
    "usersRemoved",
    "usersAdded",
    "otherwise",
  ]);
}

/** A fixed sub-rule number, e.g. `sub(invite, 1, 5)` is "x.y.1.5". */
export const sub = (parent: string, ...path: number[]): string => [parent, ...path].join(".");

export const rejection = (rule: string, reason: string): AuthRejection => ({ _tag: "AuthRejection", rule, reason });

export const reject = (rule: string, reason: string): Result<never, AuthRejection> => err(rejection(rule, reason));
