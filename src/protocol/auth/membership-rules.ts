// The `m.room.member` auth rules: join (incl. restricted joins), invite, leave, ban and knock.
import type { RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import type { AuthRejection, StateLookup } from "./auth-types";
import { comparePower, hasAtLeast, userPowerLevel, type RoomPower } from "./power-levels";
import { joinRules, memberRules, reject, sub } from "./rule-numbers";
import { authorizeThirdPartyInvite } from "./third-party-invite";
import { domainOf } from "./user-ids";

/** Extra facts the rules need that are not in the room state. */
export interface AuthOptions {
  /**
   * Whether the event bears a valid signature from `serverName` (checked on the redacted event, as
   * on receipt). Needed for `join_authorised_via_users_server`; when absent such events are rejected.
   */
  readonly isSignedBy?: (serverName: string) => boolean;
}

/** A user's membership in the state, if any (`undefined` behaves as never having joined). */
export function membershipOf(state: StateLookup, userId: string): string | undefined {
  const membership = state("m.room.member", userId)?.pdu.content["membership"];
  return typeof membership === "string" ? membership : undefined;
}

/** The room's join rule; a room without an `m.room.join_rules` event is treated as invite-only. */
export function joinRuleOf(state: StateLookup): string {
  const rule = state("m.room.join_rules", "")?.pdu.content["join_rule"];
  return typeof rule === "string" ? rule : "invite";
}

interface MemberCheck {
  readonly rules: RoomVersionRules;
  readonly event: RoomEvent;
  readonly state: StateLookup;
  readonly power: RoomPower;
  readonly options: AuthOptions;
}

/** Applies every `m.room.member` rule; the event's fate is decided here either way. */
export function authorizeMembership(check: MemberCheck): Result<void, AuthRejection> {
  const { rules, event } = check;
  const n = memberRules(rules);
  const stateKey = event.pdu.state_key;
  const membership = event.pdu.content["membership"];
  if (stateKey === undefined || typeof membership !== "string") {
    return reject(n.fields, "member event lacks a state_key or a membership");
  }
  if (rules.restrictedJoins && "join_authorised_via_users_server" in event.pdu.content) {
    const via = event.pdu.content["join_authorised_via_users_server"];
    const server = typeof via === "string" ? domainOf(via) : undefined;
    if (server === undefined || check.options.isSignedBy?.(server) !== true) {
      return reject(sub(n.authorisedVia, 1), "not signed by the server of join_authorised_via_users_server");
    }
  }
  switch (membership) {
    case "join":
      return authorizeJoin(check, stateKey);
    case "invite":
      return authorizeInvite(check, stateKey, n.invite);
    case "leave":
      return authorizeLeave(check, stateKey, n.leave);
    case "ban":
      return authorizeBan(check, stateKey, n.ban);
    case "knock":
      if (n.knock !== undefined) return authorizeKnock(check, stateKey, n.knock);
      break;
  }
  return reject(n.unknown, `unknown membership ${membership}`);
}

function authorizeJoin({ rules, event, state, power }: MemberCheck, target: string): Result<void, AuthRejection> {
  const n = joinRules(rules);
  const { pdu } = event;
  const create = state("m.room.create", "");
  // The creator's own first join: its only parent is the create event.
  const firstJoiner = rules.creatorIsSender ? create?.pdu.sender : create?.pdu.content["creator"];
  if (create && pdu.prev_events.length === 1 && pdu.prev_events[0] === create.eventId && target === firstJoiner) {
    return ok(undefined);
  }
  if (pdu.sender !== target) return reject(n.senderIsTarget, "sender cannot join on behalf of another user");
  const current = membershipOf(state, target);
  if (current === "ban") return reject(n.banned, "sender is banned");
  const joinRule = joinRuleOf(state);
  const invitedOrJoined = current === "invite" || current === "join";
  // "allow if invited or joined" does not reject otherwise: an uninvited join falls to the last rule.
  if ((joinRule === "invite" || (rules.knocking && joinRule === "knock")) && invitedOrJoined) return ok(undefined);
  if (
    n.restricted !== undefined &&
    (joinRule === "restricted" || (rules.knockRestrictedJoinRule && joinRule === "knock_restricted"))
  ) {
    if (invitedOrJoined) return ok(undefined);
    const via = pdu.content["join_authorised_via_users_server"];
    const authoriser = typeof via === "string" ? via : undefined;
    if (
      authoriser === undefined ||
      membershipOf(state, authoriser) !== "join" ||
      !hasAtLeast(userPowerLevel(power, authoriser), power.levels.invite)
    ) {
      return reject(sub(n.restricted, 2), "join_authorised_via_users_server is not a joined user able to invite");
    }
    return ok(undefined);
  }
  if (joinRule === "public") return ok(undefined);
  return reject(n.otherwise, `join rule ${joinRule} does not admit the sender`);
}

function authorizeInvite(
  { event, state, power }: MemberCheck,
  target: string,
  rule: string,
): Result<void, AuthRejection> {
  const targetMembership = membershipOf(state, target);
  if ("third_party_invite" in event.pdu.content) {
    return authorizeThirdPartyInvite(sub(rule, 1), event, targetMembership, state);
  }
  if (membershipOf(state, event.pdu.sender) !== "join") return reject(sub(rule, 2), "sender is not joined");
  if (targetMembership === "join" || targetMembership === "ban") {
    return reject(sub(rule, 3), `target is already ${targetMembership}`);
  }
  if (hasAtLeast(userPowerLevel(power, event.pdu.sender), power.levels.invite)) return ok(undefined);
  return reject(sub(rule, 5), "sender's power level is below the invite level");
}

function authorizeLeave(
  { rules, event, state, power }: MemberCheck,
  target: string,
  rule: string,
): Result<void, AuthRejection> {
  const { sender } = event.pdu;
  const targetMembership = membershipOf(state, target);
  if (sender === target) {
    const mayLeave =
      targetMembership === "invite" || targetMembership === "join" || (rules.knocking && targetMembership === "knock");
    return mayLeave ? ok(undefined) : reject(sub(rule, 1), `cannot leave from membership ${targetMembership ?? "none"}`);
  }
  if (membershipOf(state, sender) !== "join") return reject(sub(rule, 2), "sender is not joined");
  const senderLevel = userPowerLevel(power, sender);
  if (targetMembership === "ban" && !hasAtLeast(senderLevel, power.levels.ban)) {
    return reject(sub(rule, 3), "sender's power level is below the ban level needed to unban");
  }
  if (hasAtLeast(senderLevel, power.levels.kick) && comparePower(userPowerLevel(power, target), senderLevel) < 0) {
    return ok(undefined);
  }
  return reject(sub(rule, 5), "sender cannot kick the target");
}

function authorizeBan({ event, state, power }: MemberCheck, target: string, rule: string): Result<void, AuthRejection> {
  const { sender } = event.pdu;
  if (membershipOf(state, sender) !== "join") return reject(sub(rule, 1), "sender is not joined");
  const senderLevel = userPowerLevel(power, sender);
  if (hasAtLeast(senderLevel, power.levels.ban) && comparePower(userPowerLevel(power, target), senderLevel) < 0) {
    return ok(undefined);
  }
  return reject(sub(rule, 3), "sender cannot ban the target");
}

function authorizeKnock(
  { rules, event, state }: MemberCheck,
  target: string,
  rule: string,
): Result<void, AuthRejection> {
  const joinRule = joinRuleOf(state);
  if (joinRule !== "knock" && !(rules.knockRestrictedJoinRule && joinRule === "knock_restricted")) {
    return reject(sub(rule, 1), `join rule ${joinRule} does not allow knocking`);
  }
  if (event.pdu.sender !== target) return reject(sub(rule, 2), "sender cannot knock on behalf of another user");
  const current = membershipOf(state, target);
  if (current !== "ban" && current !== "invite" && current !== "join") return ok(undefined);
  return reject(sub(rule, 4), `cannot knock from membership ${current}`);
}
