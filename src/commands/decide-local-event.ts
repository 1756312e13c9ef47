// decide for the commands of local users in an existing room: SendEvent, SetState, Membership and Redact.
import { hasAtLeast, roomPowerFromState, userPowerLevel } from "../protocol/auth/power-levels";
import { canonicalJson } from "../protocol/canonical-json";
import { serverOf } from "../protocol/event-signing";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { stateKeyString } from "../protocol/pdu";
import { err, ok, type Result } from "../protocol/result";
import { allowedRoomIds, chooseJoinAuthoriser } from "../protocol/restricted-join";
import { appendLocalEvent, jsonContent, type EventDraft } from "./local-event";
import { badRequest, forbidden, notFound, type Rejection } from "./rejection";
import type { Membership, Redact, SendEvent, SetState } from "./room-command";
import type { DecideContext, Decision, DecidedTxn, RoomStateView } from "./room-decision";
import { parseStateKey } from "./state-map";
import { WorkingRoom } from "./working-room";

export type LocalCommand = SendEvent | SetState | Membership | Redact;

const txnOf = (command: LocalCommand): DecidedTxn | undefined =>
  "txnId" in command && command.txnId !== undefined
    ? { userId: command.sender, deviceId: command.deviceId ?? "", txnId: command.txnId }
    : undefined;

/**
 * The authoriser of a restricted join the caller vouched for (`restrictedVia`): undefined when none
 * is needed (already invited or joined, or the join rule no longer allows that room, in which case
 * the auth rules decide as for any join), a rejection when no local member can authorise it.
 */
function restrictedJoinAuthoriser(room: WorkingRoom, command: Membership, serverName: string): Result<string | undefined, Rejection> {
  if (command.action !== "join" || command.restrictedVia === undefined || command.joinAuthorisedVia !== undefined) return ok(undefined);
  const state = room.currentLookup();
  const membership = state("m.room.member", command.sender)?.pdu.content["membership"];
  if (membership === "join" || membership === "invite") return ok(undefined);
  if (!(allowedRoomIds(room.rules, state) ?? []).includes(command.restrictedVia)) return ok(undefined);
  const members: string[] = [];
  for (const key of room.currentState.keys()) {
    const { type, stateKey } = parseStateKey(key);
    if (type === "m.room.member") members.push(stateKey);
  }
  const authoriser = chooseJoinAuthoriser(room.rules, state, members, serverName);
  if (authoriser === undefined) return err(forbidden("restricted", "no member of this server able to invite can authorise the join"));
  return ok(authoriser);
}

function membershipDraft(command: Membership): Result<EventDraft, Rejection> {
  const { action, sender } = command;
  const selfOnly = action === "join" || action === "leave" || action === "knock";
  const target = command.target ?? (selfOnly ? sender : undefined);
  if (target === undefined) return err(badRequest(`${action} needs a target user`));
  if (action === "join" || action === "knock") {
    if (target !== sender) return err(badRequest(`${action} acts on the sender only`));
  }
  if (action === "kick" && target === sender) return err(badRequest("use leave to leave a room"));
  const membership = action === "unban" || action === "kick" ? "leave" : action;
  const content: Record<string, JsonValue> = { membership };
  if (command.reason !== undefined) content["reason"] = command.reason;
  if (action === "join" || action === "invite") {
    if (command.displayname !== undefined) content["displayname"] = command.displayname;
    if (command.avatarUrl !== undefined) content["avatar_url"] = command.avatarUrl;
  }
  if (action === "invite" && command.isDirect === true) content["is_direct"] = true;
  if (action === "join" && command.joinAuthorisedVia !== undefined) {
    content["join_authorised_via_users_server"] = command.joinAuthorisedVia;
  }
  return ok({ type: "m.room.member", sender, stateKey: target, content });
}

/** The client-server rule for redactions (from v3 the auth rules no longer check them): own events, or the redact level. */
function redactDraft(room: WorkingRoom, command: Redact): Result<EventDraft, Rejection> {
  const target = room.getEvent(command.redacts);
  if (target === undefined || target.status === "rejected") return err(notFound(`event ${command.redacts} is not in this room`));
  if (target.event.pdu.sender !== command.sender) {
    const power = roomPowerFromState(room.rules, room.currentLookup());
    if (!hasAtLeast(userPowerLevel(power, command.sender), power.levels.redact)) {
      return err(forbidden("redact", "sender may only redact their own events below the redact power level"));
    }
  }
  const content: JsonObject = command.reason === undefined ? {} : { reason: command.reason };
  return ok({ type: "m.room.redaction", sender: command.sender, content, redacts: command.redacts });
}

/** A state event identical to the current one (same sender, same content) changes nothing: answer with the existing one. */
function unchangedState(room: WorkingRoom, draft: EventDraft): string | undefined {
  if (draft.stateKey === undefined) return undefined;
  const id = room.currentState.get(stateKeyString(draft.type, draft.stateKey));
  const existing = id === undefined ? undefined : room.getEvent(id)?.event;
  if (existing === undefined || existing.pdu.sender !== draft.sender) return undefined;
  return canonicalJson(existing.pdu.content) === canonicalJson(draft.content) ? existing.eventId : undefined;
}

export function decideLocalEvent(command: LocalCommand, view: RoomStateView, ctx: DecideContext): Result<Decision, Rejection> {
  if (serverOf(command.sender) !== ctx.serverName) return err(badRequest("the sender is not a local user"));
  const room = WorkingRoom.fromView(view);
  let draft: Result<EventDraft, Rejection>;
  switch (command._tag) {
    case "SendEvent": {
      const content = jsonContent(command.content);
      draft = content.ok ? ok({ type: command.type, sender: command.sender, content: content.value }) : content;
      break;
    }
    case "SetState": {
      const content = jsonContent(command.content);
      draft = content.ok
        ? ok({ type: command.type, sender: command.sender, stateKey: command.stateKey, content: content.value })
        : content;
      break;
    }
    case "Membership": {
      const authoriser = restrictedJoinAuthoriser(room, command, ctx.serverName);
      if (!authoriser.ok) return authoriser;
      draft = membershipDraft(authoriser.value === undefined ? command : { ...command, joinAuthorisedVia: authoriser.value });
      break;
    }
    case "Redact":
      draft = redactDraft(room, command);
      break;
  }
  if (!draft.ok) return draft;
  if (command._tag === "SetState") {
    const same = unchangedState(room, draft.value);
    if (same !== undefined) return ok(room.decision(same));
  }
  const txn = txnOf(command);
  const appended = appendLocalEvent(room, draft.value, ctx, txn === undefined ? {} : { txn });
  if (!appended.ok) return appended;
  return ok(room.decision(appended.value.event.eventId));
}
