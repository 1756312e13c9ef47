// The write model's single entry point: a pure decision for any room command.
import { err, type Result } from "../protocol/result";
import { decideCreateRoom } from "./decide-create-room";
import { decideIngestPdu } from "./decide-ingest-pdu";
import { decideLocalEvent } from "./decide-local-event";
import { notFound, type Rejection } from "./rejection";
import type { RoomCommand } from "./room-command";
import type { DecideContext, Decision, RoomStateView } from "./room-decision";

/**
 * Decides `command` against the room (undefined when this room is not held). Pure: the same
 * command, view and context always give the same decision; nothing is stored here.
 */
export function decide(command: RoomCommand, view: RoomStateView | undefined, ctx: DecideContext): Result<Decision, Rejection> {
  if (command._tag === "CreateRoom") return decideCreateRoom(command, view, ctx);
  if (view === undefined || view.roomId !== command.roomId) return err(notFound(`room ${command.roomId} is not known here`));
  if (command._tag === "IngestPdu") return decideIngestPdu(command, view);
  return decideLocalEvent(command, view, ctx);
}
