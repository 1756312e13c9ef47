// Decodes what arrives on the queue (or from a room log) into a LogEntry, or says why it cannot.
import { Exit, Schema } from "effect";
import { LogEntry, RoomLogMessage } from "../commands/log-entry";
import { err, ok, type Result } from "../protocol/result";

export interface MalformedEntry {
  readonly _tag: "MalformedEntry";
  readonly reason: string;
}

const decodeMessage = Schema.decodeUnknownExit(RoomLogMessage);
const decodeEntry = Schema.decodeUnknownExit(LogEntry);

function toResult(exit: Exit.Exit<LogEntry, unknown>): Result<LogEntry, MalformedEntry> {
  if (Exit.isSuccess(exit)) return ok(exit.value);
  return err({ _tag: "MalformedEntry", reason: String(exit.cause).slice(0, 1000) });
}

/** A queue message body: `{ kind: "room_log_entry", entry }`. */
export const decodeLogMessage = (body: unknown): Result<LogEntry, MalformedEntry> =>
  toResult(Exit.map(decodeMessage(body), (m) => m.entry));

/** A bare entry, as the room DO's `getEntries` returns it. */
export const decodeLogEntry = (value: unknown): Result<LogEntry, MalformedEntry> => toResult(decodeEntry(value));
