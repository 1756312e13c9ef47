// Replay: empties the read models and rebuilds them from every room log, merged in append order.
import type { LogEntry } from "../commands/log-entry";
import { applyEntry } from "./apply-entry";
import { decodeLogEntry } from "./decode-log-message";
import { appendOrder } from "./room-log-consumer";
import type { RoomLogSource } from "./room-log-source";

/**
 * The tables replay rebuilds, in the order they are emptied. Not here: `rooms` (the list replay
 * walks) and `projection_dead_letters` (a record for humans, not derived from any log).
 */
export const READ_MODEL_TABLES = [
  "events",
  "room_checkpoints",
  "current_state",
  "state_changes",
  "memberships",
  "relations",
  "redactions",
  "event_search",
] as const;

export interface ReplayProgress {
  readonly roomsTotal: number;
  readonly roomsDone: number;
  readonly events: number;
  readonly elapsedMs: number;
  /** Entries applied per second so far. */
  readonly rate: number;
}

export interface ReplayDeps {
  readonly db: D1Database;
  readonly logSource: RoomLogSource;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Called once the tables are rebuilt, with the new highest position (the notifier's reset). */
  readonly onDone?: (position: number) => Promise<void>;
  readonly now?: () => number;
  /** Entries read per room log request. */
  readonly pageSize?: number;
  /** Progress is reported every this many entries (and when a room finishes). */
  readonly progressEvery?: number;
}

/** A room's log read page by page, with its next unapplied entry at hand. */
interface Cursor {
  readonly roomId: string;
  buffer: LogEntry[];
  nextSeq: number;
  exhausted: boolean;
}

/**
 * Live projection applies each batch in append order (append time, then room ID, then seq); replay
 * merges the rooms' logs in that same order, so when batches were delivered in append order the
 * rebuilt positions come out the same as the live ones.
 * Run it with the queue consumer quiet: a live entry projected mid-replay lands out of that order.
 */
export async function replayReadModels(deps: ReplayDeps): Promise<ReplayProgress> {
  const now = deps.now ?? Date.now;
  const started = now();
  const pageSize = deps.pageSize ?? 100;
  const every = deps.progressEvery ?? 500;
  const rooms = (await deps.db.prepare("SELECT room_id FROM rooms ORDER BY room_id").all<{ room_id: string }>()).results;
  await deps.db.batch([
    ...READ_MODEL_TABLES.map((table) => deps.db.prepare(`DELETE FROM ${table}`)),
    // Positions restart at 1, as in a fresh database, so rebuilt rows equal the live ones.
    deps.db.prepare("DELETE FROM sqlite_sequence WHERE name = 'events'"),
  ]);

  let events = 0;
  let roomsDone = 0;
  let position = 0;
  const progress = (): ReplayProgress => {
    const elapsedMs = Math.max(0, now() - started);
    return { roomsTotal: rooms.length, roomsDone, events, elapsedMs, rate: elapsedMs > 0 ? (events * 1000) / elapsedMs : events };
  };

  const heap = new EntryHeap();
  const cursors = rooms.map((r): Cursor => ({ roomId: r.room_id, buffer: [], nextSeq: 1, exhausted: false }));
  for (const cursor of cursors) {
    if (await refill(deps.logSource, cursor, pageSize)) heap.push(cursor);
    else roomsDone += 1;
  }
  deps.onProgress?.(progress());
  for (let cursor = heap.pop(); cursor !== undefined; cursor = heap.pop()) {
    const entry = cursor.buffer.shift()!;
    const outcome = await applyEntry(deps.db, entry);
    if (outcome._tag !== "Applied") throw new Error(`replay: entry ${entry.seq} of ${entry.roomId} did not apply`);
    position = outcome.streamPos;
    events += 1;
    if (events % every === 0) deps.onProgress?.(progress());
    if (await refill(deps.logSource, cursor, pageSize)) heap.push(cursor);
    else {
      roomsDone += 1;
      deps.onProgress?.(progress());
    }
  }
  await deps.onDone?.(position);
  return progress();
}

/** Ensures the cursor has an entry buffered; false when its log is exhausted. */
async function refill(source: RoomLogSource, cursor: Cursor, pageSize: number): Promise<boolean> {
  if (cursor.buffer.length > 0) return true;
  if (cursor.exhausted) return false;
  const page = await source.getEntries(cursor.roomId, cursor.nextSeq, cursor.nextSeq + pageSize - 1);
  for (const raw of page) {
    const decoded = decodeLogEntry(raw);
    if (!decoded.ok) throw new Error(`replay: malformed entry in ${cursor.roomId}: ${decoded.error.reason}`);
    if (decoded.value.roomId !== cursor.roomId || decoded.value.seq !== cursor.nextSeq) {
      throw new Error(`replay: ${cursor.roomId} returned seq ${decoded.value.seq}, expected ${cursor.nextSeq}`);
    }
    cursor.buffer.push(decoded.value);
    cursor.nextSeq += 1;
  }
  // Only an empty answer ends a log: a short page may just be the log's own cap.
  if (page.length === 0) cursor.exhausted = true;
  return cursor.buffer.length > 0;
}

const before = (a: LogEntry, b: LogEntry): boolean => appendOrder(a, b) < 0;

/** A binary min-heap of cursors by their next entry: the merge stays O(log rooms) per entry. */
class EntryHeap {
  private readonly items: Cursor[] = [];

  push(cursor: Cursor): void {
    const items = this.items;
    items.push(cursor);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!.buffer[0]!, items[parent]!.buffer[0]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Cursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && before(items[left]!.buffer[0]!, items[smallest]!.buffer[0]!)) smallest = left;
      if (right < items.length && before(items[right]!.buffer[0]!, items[smallest]!.buffer[0]!)) smallest = right;
      if (smallest === i) return top;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
  }
}
