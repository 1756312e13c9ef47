// decide for CreateRoom: the whole initial event sequence, each event authorized against the state before it.
import { roomIdFromCreateEvent } from "../protocol/event-id";
import { serverOf } from "../protocol/event-signing";
import type { JsonObject } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { createRoomDrafts, creatableRules } from "./create-room-plan";
import { appendLocalEvent } from "./local-event";
import { badRequest, type Rejection } from "./rejection";
import type { CreateRoom } from "./room-command";
import type { DecideContext, Decision, RoomStateView } from "./room-decision";
import { WorkingRoom } from "./working-room";

export function decideCreateRoom(
  command: CreateRoom,
  existing: RoomStateView | undefined,
  ctx: DecideContext,
): Result<Decision, Rejection> {
  if (existing !== undefined) return err({ _tag: "RoomExists", reason: `room ${command.roomId} already exists` });
  const rules = creatableRules(command.roomVersion);
  if (!rules.ok) return rules;
  if (serverOf(command.sender) !== ctx.serverName) return err(badRequest("only local users create rooms here"));
  if (!command.roomId.startsWith("!")) return err(badRequest("room IDs start with '!'"));
  if (!rules.value.roomIdFromCreateEvent && serverOf(command.roomId) !== ctx.serverName) {
    return err(badRequest("the room ID must name this server"));
  }
  const drafts = createRoomDrafts(rules.value, command);
  if (!drafts.ok) return drafts;

  const room = new WorkingRoom(command.roomId, rules.value, undefined);
  // Later events never predate the create event, even if the caller fixed its timestamp ahead of now.
  const laterTs = Math.max(ctx.now, command.createTs);
  for (const [i, draft] of drafts.value.entries()) {
    const appended = appendLocalEvent(room, draft, ctx, { ts: i === 0 ? command.createTs : laterTs });
    if (!appended.ok) {
      const failure = appended.error;
      if (failure._tag !== "Forbidden") return err(failure);
      return err({ _tag: "InvalidRoomState", rule: failure.rule, reason: `${draft.type} (${draft.stateKey ?? ""}): ${failure.reason}` });
    }
    if (i === 0 && rules.value.roomIdFromCreateEvent) {
      const derived = roomIdFromCreateEvent(rules.value, appended.value.event.pdu as unknown as JsonObject);
      if (derived !== command.roomId) return err(badRequest(`the create event names room ${derived}, not ${command.roomId}`));
    }
  }
  const create = room.events[0];
  return ok(room.decision(create === undefined ? "" : create.event.eventId));
}
