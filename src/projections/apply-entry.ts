// Applies one log entry to the read models in a single D1 transaction, or finds it already applied.
import type { LogEntry } from "../commands/log-entry";
import { entryStatements } from "./entry-statements";
import { redactorHasPower } from "./redaction-power";

export type ApplyOutcome =
  | { readonly _tag: "Applied"; readonly streamPos: number }
  /** The checkpoint was not `seq - 1` inside the transaction: nothing was written. */
  | { readonly _tag: "Stale" };

/** Throws only what D1 throws (the caller treats that as transient). */
export async function applyEntry(db: D1Database, entry: LogEntry): Promise<ApplyOutcome> {
  const isRedaction = entry.status === "accepted" && entry.event["type"] === "m.room.redaction";
  const sender = typeof entry.event["sender"] === "string" ? entry.event["sender"] : "";
  // The room DO's answer when the entry carries it; entries logged before it did are worked out here.
  const facts = {
    redactorHasPower: !isRedaction ? false : (entry.redactorHasPower ?? (await redactorHasPower(db, entry.roomId, entry.roomVersion, sender))),
  };
  const statements = entryStatements(db, entry, facts);
  const results = await db.batch<{ stream_pos: number | null }>(statements);
  const position = results[results.length - 1]?.results[0]?.stream_pos;
  if (typeof position !== "number") return { _tag: "Stale" };
  return { _tag: "Applied", streamPos: position };
}

/** The room's checkpoint: the seq of the last applied entry, 0 before the first. */
export async function readCheckpoint(db: D1Database, roomId: string): Promise<number> {
  const row = await db.prepare("SELECT seq FROM room_checkpoints WHERE room_id = ?").bind(roomId).first<{ seq: number }>();
  return row?.seq ?? 0;
}
