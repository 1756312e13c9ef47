// Scripted room logs for projection and read-model tests: LogEntries as the room DO would append them.
import { createMessageBatch } from "cloudflare:test";
import type { LogEntry, StateEntry } from "../../../src/commands/log-entry";
import type { RoomLogSource } from "../../../src/projections/room-log-source";

export interface ScriptedEvent {
  readonly type: string;
  readonly sender: string;
  readonly content: Record<string, unknown>;
  readonly stateKey?: string;
  /** Sends as a client transaction from this device. */
  readonly txn?: { readonly deviceId: string; readonly txnId: string };
  readonly status?: LogEntry["status"];
}

/** A shared clock so entries of different rooms interleave by append time. */
export class ScriptClock {
  constructor(public now = 1_700_000_000_000) {}
  tick(): number {
    this.now += 1000;
    return this.now;
  }
}

/** One room's log: appends entries with dense seqs and the state delta a linear room produces. */
export class ScriptedRoom {
  readonly entries: LogEntry[] = [];
  private readonly state = new Map<string, StateEntry>();

  constructor(
    readonly roomId: string,
    private readonly clock: ScriptClock,
    readonly roomVersion = "11",
  ) {}

  append(spec: ScriptedEvent): LogEntry {
    const seq = this.entries.length + 1;
    const ts = this.clock.tick();
    const eventId = `$${this.roomId.slice(1).replace(":", "_")}-${seq}`;
    const event: Record<string, unknown> = {
      room_id: this.roomId,
      type: spec.type,
      sender: spec.sender,
      content: spec.content,
      origin_server_ts: ts,
      depth: seq,
      prev_events: seq > 1 ? [this.entries[seq - 2]!.eventId] : [],
      auth_events: [],
      hashes: { sha256: "aGFzaA" },
      signatures: {},
    };
    if (spec.stateKey !== undefined) event["state_key"] = spec.stateKey;
    const status = spec.status ?? "accepted";
    const added: StateEntry[] = [];
    const removed: StateEntry[] = [];
    if (spec.stateKey !== undefined && status === "accepted") {
      const key = JSON.stringify([spec.type, spec.stateKey]);
      const before = this.state.get(key);
      if (before) removed.push(before);
      const now = { type: spec.type, stateKey: spec.stateKey, eventId };
      added.push(now);
      this.state.set(key, now);
    }
    const entry: LogEntry = {
      v: 1,
      roomId: this.roomId,
      roomVersion: this.roomVersion,
      seq,
      eventId,
      event,
      status,
      stateDelta: { added, removed },
      appendedTs: ts,
      ...(spec.txn ? { txn: { userId: spec.sender, deviceId: spec.txn.deviceId, txnId: spec.txn.txnId } } : {}),
    };
    this.entries.push(entry);
    return entry;
  }

  create(creator: string): this {
    this.append({ type: "m.room.create", sender: creator, stateKey: "", content: { room_version: this.roomVersion } });
    this.member(creator, "join");
    this.append({
      type: "m.room.power_levels",
      sender: creator,
      stateKey: "",
      content: { users: { [creator]: 100 }, redact: 50 },
    });
    return this;
  }

  member(userId: string, membership: string, sender = userId): LogEntry {
    return this.append({ type: "m.room.member", sender, stateKey: userId, content: { membership } });
  }

  message(sender: string, body: string, extra: Record<string, unknown> = {}): LogEntry {
    return this.append({ type: "m.room.message", sender, content: { msgtype: "m.text", body, ...extra } });
  }

  redact(sender: string, target: string): LogEntry {
    return this.append({ type: "m.room.redaction", sender, content: { redacts: target } });
  }
}

/** The rooms' logs as a RoomLogSource (stands in for the room DO until its client exists). */
export class ScriptedLogs implements RoomLogSource {
  readonly rooms = new Map<string, ScriptedRoom>();
  readonly clock = new ScriptClock();
  readonly reads: { roomId: string; from: number; to: number }[] = [];

  room(roomId: string, version = "11"): ScriptedRoom {
    const room = new ScriptedRoom(roomId, this.clock, version);
    this.rooms.set(roomId, room);
    return room;
  }

  getEntries = async (roomId: string, from: number, to: number): Promise<readonly unknown[]> => {
    this.reads.push({ roomId, from, to });
    return (this.rooms.get(roomId)?.entries ?? []).filter((e) => e.seq >= from && e.seq <= to);
  };

  /** Every entry of every room, in append order (as the outboxes would have sent them). */
  all(): LogEntry[] {
    return [...this.rooms.values()].flatMap((r) => r.entries).sort((a, b) => a.appendedTs - b.appendedTs);
  }
}

let nextMessage = 0;

/** A queue batch carrying `entries` (or raw bodies) as the room DO outbox sends them. */
export function batchOf(items: readonly (LogEntry | { readonly raw: unknown })[]): MessageBatch<unknown> {
  return createMessageBatch<unknown>(
    "matrix-room-events",
    items.map((item) => ({
      id: `msg-${++nextMessage}`,
      timestamp: new Date(1_700_000_000_000),
      attempts: 1,
      body: "raw" in item ? item.raw : { kind: "room_log_entry", entry: item },
    })),
  );
}

/** Every row of a table in a stable order, for row-for-row comparisons. */
export async function tableRows(db: D1Database, table: string, orderBy: string): Promise<unknown[]> {
  return (await db.prepare(`SELECT * FROM ${table} ORDER BY ${orderBy}`).all()).results;
}

// Every column, ordered by each table's key: equal snapshots mean equal tables, row for row.
const READ_MODEL_ORDER: Record<string, string> = {
  events: "stream_pos",
  room_checkpoints: "room_id",
  current_state: "room_id, type, state_key",
  state_changes: "room_id, type, state_key, stream_pos",
  memberships: "user_id, room_id",
  relations: "event_id",
  redactions: "redaction_id",
};

export async function snapshotReadModels(db: D1Database, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = await tableRows(db, table, READ_MODEL_ORDER[table] ?? "1");
  return out;
}
