// The queue consumer: projects room log entries into D1 in append order (seq order per room), then pokes sync.
import type { LogEntry } from "../commands/log-entry";
import { applyEntry, readCheckpoint } from "./apply-entry";
import { decodeLogEntry, decodeLogMessage } from "./decode-log-message";
import type { RoomLogSource } from "./room-log-source";

export interface ProjectionDeps {
  readonly db: D1Database;
  readonly logSource: RoomLogSource;
  /** Told the highest committed stream position after the batch; failures only delay wake-ups. */
  readonly notify: (position: number) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/** A room whose log cannot be applied as delivered: its messages stay unacked. */
export interface ProjectionInconsistency {
  readonly _tag: "ProjectionInconsistency";
  readonly roomId: string;
  readonly reason: string;
}

export interface BatchReport {
  readonly applied: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly retried: number;
  readonly inconsistencies: readonly ProjectionInconsistency[];
  readonly maxStreamPos: number | undefined;
}

interface Pending {
  readonly message: Message<unknown>;
  readonly entry: LogEntry;
}

// Gap fills read the log in pages so one RPC answer stays small.
const FILL_PAGE = 100;

/**
 * Acks what it applied or found already applied, retries what met a D1 (or log read) failure,
 * and leaves unacked what is inconsistent; the caller decides how to surface the last.
 *
 * Entries are applied in append order across rooms (append time, then room, then seq), the order
 * replay uses, so a replay assigns the same stream positions. Within a room that is seq order;
 * should clocks disagree, a gap fill restores it.
 */
export async function projectRoomLogBatch(batch: MessageBatch<unknown>, deps: ProjectionDeps): Promise<BatchReport> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const counts = { applied: 0, duplicates: 0, deadLettered: 0, retried: 0 };
  const inconsistencies: ProjectionInconsistency[] = [];
  const pending: Pending[] = [];
  for (const message of batch.messages) {
    const decoded = decodeLogMessage(message.body);
    if (decoded.ok) {
      pending.push({ message, entry: decoded.value });
    } else if (await deadLetter(deps, message, decoded.error.reason, log)) {
      message.ack();
      counts.deadLettered += 1;
    } else {
      message.retry();
      counts.retried += 1;
    }
  }
  pending.sort((a, b) => appendOrder(a.entry, b.entry));
  const rooms = new Map<string, RoomProgress>();
  const progress = { maxStreamPos: undefined as number | undefined };
  for (const item of pending) {
    const roomId = item.entry.roomId;
    const room = rooms.get(roomId) ?? { checkpoint: undefined, halted: undefined };
    rooms.set(roomId, room);
    // Once a room stops, its later entries must not apply ahead of the one that stopped it.
    if (room.halted === "retry") {
      item.message.retry();
      counts.retried += 1;
      continue;
    }
    if (room.halted === "inconsistent") continue;
    const step = await projectOne(deps, room, item, counts, progress);
    if (step === "retry") {
      item.message.retry();
      counts.retried += 1;
      room.halted = "retry";
    } else if (step !== "acked") {
      room.halted = "inconsistent";
      inconsistencies.push({ _tag: "ProjectionInconsistency", roomId, reason: step.inconsistent });
      log(`projection: inconsistent room ${roomId}: ${step.inconsistent}; left unacked`);
    }
  }
  const maxStreamPos = progress.maxStreamPos;
  if (maxStreamPos !== undefined) {
    await deps.notify(maxStreamPos).catch((e: unknown) => log(`projection: notifier poke failed: ${String(e)}`));
  }
  return { ...counts, inconsistencies, maxStreamPos };
}

/** The order live projection and replay both apply entries in. */
export const appendOrder = (a: LogEntry, b: LogEntry): number =>
  a.appendedTs !== b.appendedTs
    ? a.appendedTs - b.appendedTs
    : a.roomId !== b.roomId
      ? a.roomId < b.roomId
        ? -1
        : 1
      : a.seq - b.seq;

interface RoomProgress {
  /** Undefined until read from D1. */
  checkpoint: number | undefined;
  halted: "retry" | "inconsistent" | undefined;
}

type Step = "acked" | "retry" | { readonly inconsistent: string };

async function projectOne(
  deps: ProjectionDeps,
  room: RoomProgress,
  { message, entry }: Pending,
  counts: { applied: number; duplicates: number },
  progress: { maxStreamPos: number | undefined },
): Promise<Step> {
  const roomId = entry.roomId;
  if (room.checkpoint === undefined) {
    // The usual case is the entry right after the checkpoint: apply it without reading the
    // checkpoint first (one D1 round trip, not two). The checkpoint guard makes a wrong guess
    // change nothing; then the checkpoint is read and the entry takes the path below.
    let outcome;
    try {
      outcome = await applyEntry(deps.db, entry);
    } catch {
      return "retry";
    }
    if (outcome._tag === "Applied") {
      counts.applied += 1;
      progress.maxStreamPos = Math.max(progress.maxStreamPos ?? 0, outcome.streamPos);
      room.checkpoint = entry.seq;
      message.ack();
      return "acked";
    }
  }
  let checkpoint: number;
  try {
    checkpoint = room.checkpoint ?? (await readCheckpoint(deps.db, roomId));
  } catch {
    return "retry";
  }
  room.checkpoint = checkpoint;
  if (entry.seq <= checkpoint) {
    message.ack();
    counts.duplicates += 1;
    return "acked";
  }
  const toApply: LogEntry[] = [];
  if (entry.seq > checkpoint + 1) {
    let filled: FillResult;
    try {
      filled = await fillGap(deps.logSource, roomId, checkpoint + 1, entry.seq - 1);
    } catch {
      return "retry";
    }
    if (!filled.ok) return { inconsistent: filled.reason };
    toApply.push(...filled.entries);
  }
  toApply.push(entry);
  for (const next of toApply) {
    let outcome;
    try {
      outcome = await applyEntry(deps.db, next);
    } catch {
      return "retry";
    }
    if (outcome._tag === "Applied") {
      counts.applied += 1;
      progress.maxStreamPos = Math.max(progress.maxStreamPos ?? 0, outcome.streamPos);
      room.checkpoint = next.seq;
      continue;
    }
    // Another consumer moved the checkpoint under us: fine if it passed this entry.
    const now = await readCheckpoint(deps.db, roomId).catch(() => undefined);
    if (now === undefined) return "retry";
    if (now < next.seq) return { inconsistent: `entry ${next.seq} did not apply at checkpoint ${now}` };
    room.checkpoint = now;
  }
  message.ack();
  return "acked";
}

type FillResult = { readonly ok: true; readonly entries: LogEntry[] } | { readonly ok: false; readonly reason: string };

/** Reads seqs `from..to` from the room log; anything but exactly that dense run is inconsistent. */
async function fillGap(source: RoomLogSource, roomId: string, from: number, to: number): Promise<FillResult> {
  const entries: LogEntry[] = [];
  // The log may answer a request with fewer entries than asked (it caps its pages): ask on.
  for (let next = from; next <= to; ) {
    const page = await source.getEntries(roomId, next, Math.min(to, next + FILL_PAGE - 1));
    if (page.length === 0) return { ok: false, reason: `gap ${from}..${to} could not be filled from the room log` };
    for (const raw of page) {
      const decoded = decodeLogEntry(raw);
      if (!decoded.ok) return { ok: false, reason: `gap entry is malformed: ${decoded.error.reason}` };
      if (decoded.value.roomId !== roomId || decoded.value.seq !== next || next > to) {
        return { ok: false, reason: `gap fill returned seq ${decoded.value.seq} of ${decoded.value.roomId}, expected ${next}` };
      }
      entries.push(decoded.value);
      next += 1;
    }
  }
  return { ok: true, entries };
}

/** Records an undecodable message; false when even that failed (the message is retried). */
async function deadLetter(deps: ProjectionDeps, message: Message<unknown>, reason: string, log: (line: string) => void): Promise<boolean> {
  let body: string;
  try {
    body = JSON.stringify(message.body) ?? String(message.body);
  } catch {
    body = String(message.body);
  }
  log(`projection: dead-lettered poison message ${message.id}: ${reason}`);
  try {
    await deps.db
      .prepare("INSERT INTO projection_dead_letters (message_id, received_ts, reason, body) VALUES (?, ?, ?, ?)")
      .bind(message.id, (deps.now ?? Date.now)(), reason, body.slice(0, 100_000))
      .run();
    return true;
  } catch {
    return false;
  }
}

/** The queue handler's body: surfaces inconsistencies by throwing, so their messages are redelivered. */
export async function handleRoomLogQueue(batch: MessageBatch<unknown>, deps: ProjectionDeps): Promise<BatchReport> {
  const report = await projectRoomLogBatch(batch, deps);
  if (report.inconsistencies.length > 0) {
    throw new Error(`projection stopped: ${report.inconsistencies.map((i) => `${i.roomId}: ${i.reason}`).join("; ")}`);
  }
  return report;
}
