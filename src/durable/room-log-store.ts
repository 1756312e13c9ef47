// The room's event log in DO SQLite: appends decisions in one transaction and answers the reads decide and the projections need.
import type { AnnotationKey } from "../commands/duplicate-annotation";
import type { EntryStatus, LogEntry, RoomLogMessage, StateEntry } from "../commands/log-entry";
import type { Decision, RoomStateView, StateMap, StoredEvent } from "../commands/room-decision";
import { parseStateKey } from "../commands/state-map";
import { hasAtLeast, roomPowerFromState, userPowerLevel } from "../protocol/auth/power-levels";
import { stateKeyString, type Pdu, type RoomEvent } from "../protocol/pdu";
import { roomVersionRules, type RoomVersionRules } from "../protocol/room-versions";
import { INDEXED_LOG_ROWS, RoomAnnotationIndex } from "./room-annotation-index";
import { applyRoomLogSchema } from "./room-log-schema";
import { RoomStateGroups } from "./room-state-groups";

const EVENT_CACHE_SIZE = 2000;
/** Most entries one getEntries call returns; callers page on. */
export const MAX_ENTRIES_PER_READ = 500;

type EventRow = {
  seq: number;
  event_id: string;
  event_json: string;
  status: string;
  rule: string | null;
  state_delta_json: string;
  state_before_group: number;
  state_after_group: number;
  txn_user: string | null;
  txn_device: string | null;
  txn_id: string | null;
  appended_ts: number;
};

interface RoomMeta {
  readonly roomId: string;
  readonly rules: RoomVersionRules;
}

/** An event as the reads return it: its ID, PDU, fate and place in the log. */
export interface LoggedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly event: Pdu;
  readonly status: EntryStatus;
}

export class RoomLogStore {
  private readonly sql: SqlStorage;
  private readonly groups: RoomStateGroups;
  private readonly annotations: RoomAnnotationIndex;
  private meta: RoomMeta | undefined;
  private current: StateMap = new Map();
  private extremities: readonly string[] = [];
  private nextSeq = 1;
  private readonly cache = new Map<string, LoggedEvent>();

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.groups = new RoomStateGroups(this.sql);
    this.annotations = new RoomAnnotationIndex(this.sql);
    storage.transactionSync(() => {
      const upgrade = applyRoomLogSchema(this.sql);
      if (upgrade.fillAnnotations) this.fillAnnotationIndex();
    });
    this.loadHead();
  }

  /** Upgrade of a DO written before the annotation index: replays the log's annotations and redactions into it. */
  private fillAnnotationIndex(): void {
    const rules = roomVersionRules(
      this.sql.exec<{ value: string }>(`SELECT value FROM room_meta WHERE key = 'room_version'`).toArray()[0]?.value ?? "",
    );
    if (rules === undefined) return;
    this.sql.exec(`DELETE FROM annotations`);
    const rows = this.sql.exec<{ event_id: string; event_json: string; state_before_group: number }>(INDEXED_LOG_ROWS).toArray();
    for (const row of rows) {
      const pdu = JSON.parse(row.event_json) as Pdu;
      const facts = this.redactionFacts(rules.id, pdu, "accepted", () => this.groups.load(row.state_before_group));
      this.annotations.record(rules, row.event_id, pdu, "accepted", facts.redactorHasPower ?? false);
    }
  }

  /** The accepted, unredacted annotation with this key, if any (the duplicate-annotation rule's lookup). */
  annotationEventId(key: AnnotationKey): string | undefined {
    return this.annotations.find(key);
  }

  private loadHead(): void {
    const meta = new Map(this.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM room_meta`).toArray().map((r) => [r.key, r.value]));
    const roomId = meta.get("room_id");
    const rules = roomVersionRules(meta.get("room_version") ?? "");
    this.meta = roomId !== undefined && rules !== undefined ? { roomId, rules } : undefined;
    const current = new Map<string, string>();
    for (const row of this.sql.exec<{ type: string; state_key: string; event_id: string }>(`SELECT type, state_key, event_id FROM current_state`)) {
      current.set(stateKeyString(row.type, row.state_key), row.event_id);
    }
    this.current = current;
    this.extremities = this.sql.exec<{ event_id: string }>(`SELECT event_id FROM forward_extremities`).toArray().map((r) => r.event_id);
    this.nextSeq = (this.sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM events`).one().seq ?? 0) + 1;
  }

  get roomId(): string | undefined {
    return this.meta?.roomId;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get forwardExtremities(): readonly string[] {
    return this.extremities;
  }

  /** What decide reads; undefined while this DO holds no room. */
  view(): RoomStateView | undefined {
    const meta = this.meta;
    if (meta === undefined) return undefined;
    return {
      roomId: meta.roomId,
      rules: meta.rules,
      currentState: this.current,
      forwardExtremities: this.extremities,
      getEvent: (id) => this.storedEvent(id),
      stateAfter: (id) => this.stateAt(id, "after"),
    };
  }

  txnEventId(userId: string, deviceId: string, txnId: string): string | undefined {
    return this.sql
      .exec<{ event_id: string }>(`SELECT event_id FROM txn_ids WHERE user_id = ? AND device_id = ? AND txn_id = ?`, userId, deviceId, txnId)
      .toArray()[0]?.event_id;
  }

  getEvent(eventId: string): LoggedEvent | undefined {
    const cached = this.cache.get(eventId);
    if (cached !== undefined) return cached;
    const row = this.sql.exec<Pick<EventRow, "seq" | "event_id" | "event_json" | "status">>(
      `SELECT seq, event_id, event_json, status FROM events WHERE event_id = ?`,
      eventId,
    ).toArray()[0];
    if (row === undefined) return undefined;
    const logged: LoggedEvent = { seq: row.seq, eventId: row.event_id, event: JSON.parse(row.event_json) as Pdu, status: row.status as EntryStatus };
    this.remember(logged);
    return logged;
  }

  private storedEvent(eventId: string): StoredEvent | undefined {
    const logged = this.getEvent(eventId);
    return logged === undefined ? undefined : { event: { eventId: logged.eventId, pdu: logged.event }, status: logged.status };
  }

  private remember(logged: LoggedEvent): void {
    this.cache.set(logged.eventId, logged);
    if (this.cache.size > EVENT_CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** The state before or after an event this room holds. */
  stateAt(eventId: string, at: "before" | "after"): StateMap | undefined {
    const row = this.sql.exec<{ g: number }>(
      `SELECT ${at === "before" ? "state_before_group" : "state_after_group"} AS g FROM events WHERE event_id = ?`,
      eventId,
    ).toArray()[0];
    return row === undefined ? undefined : this.groups.load(row.g);
  }

  get currentState(): StateMap {
    return this.current;
  }

  /** Appends every event of `decision` with its outbox message in one SQLite transaction; returns the entries. */
  append(decision: Decision, appendedTs: number): LogEntry[] {
    const entries: LogEntry[] = [];
    const rules = roomVersionRules(decision.roomVersion);
    try {
      this.storage.transactionSync(() => {
        if (this.meta === undefined) {
          this.sql.exec(`INSERT INTO room_meta (key, value) VALUES ('room_id', ?), ('room_version', ?)`, decision.roomId, decision.roomVersion);
        }
        let seq = this.nextSeq;
        for (const d of decision.events) {
          const firstPrev = d.event.pdu.prev_events[0];
          const parent = firstPrev === undefined ? undefined : this.afterGroupOf(firstPrev);
          const before = this.groups.store(d.stateBefore, parent);
          const after = d.stateAfter === d.stateBefore ? before : this.groups.store(d.stateAfter, before);
          const { unsigned: _unsigned, ...pdu } = d.event.pdu;
          const entry: LogEntry = {
            v: 1,
            roomId: decision.roomId,
            roomVersion: decision.roomVersion,
            seq,
            eventId: d.event.eventId,
            event: pdu,
            status: d.status,
            ...(d.rule === undefined ? {} : { rule: d.rule }),
            stateDelta: d.stateDelta,
            ...(d.txn === undefined ? {} : { txn: d.txn }),
            ...this.redactionFacts(decision.roomVersion, pdu, d.status, d.stateBefore),
            appendedTs,
          };
          this.sql.exec(
            `INSERT INTO events (seq, event_id, event_json, status, rule, state_delta_json, state_before_group, state_after_group,
               txn_user, txn_device, txn_id, appended_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            seq,
            entry.eventId,
            JSON.stringify(pdu),
            entry.status,
            d.rule ?? null,
            JSON.stringify(d.stateDelta),
            before,
            after,
            d.txn?.userId ?? null,
            d.txn?.deviceId ?? null,
            d.txn?.txnId ?? null,
            appendedTs,
          );
          if (d.txn !== undefined) {
            this.sql.exec(`INSERT INTO txn_ids (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?)`, d.txn.userId, d.txn.deviceId, d.txn.txnId, entry.eventId);
          }
          for (const r of d.stateDelta.removed) this.sql.exec(`DELETE FROM current_state WHERE type = ? AND state_key = ?`, r.type, r.stateKey);
          for (const a of d.stateDelta.added) {
            this.sql.exec(`INSERT OR REPLACE INTO current_state (type, state_key, event_id) VALUES (?, ?, ?)`, a.type, a.stateKey, a.eventId);
          }
          if (rules !== undefined) this.annotations.record(rules, entry.eventId, d.event.pdu, entry.status, entry.redactorHasPower ?? false);
          const message: RoomLogMessage = { kind: "room_log_entry", entry };
          this.sql.exec(`INSERT INTO outbox (seq, message_json) VALUES (?, ?)`, seq, JSON.stringify(message));
          entries.push(entry);
          seq++;
        }
        this.sql.exec(`DELETE FROM forward_extremities`);
        for (const id of decision.forwardExtremities) this.sql.exec(`INSERT INTO forward_extremities (event_id) VALUES (?)`, id);
      });
    } catch (cause) {
      // Nothing was written; cached state groups may name rows that no longer exist.
      this.groups.reset();
      throw cause;
    }
    if (this.meta === undefined && rules !== undefined) this.meta = { roomId: decision.roomId, rules };
    this.current = decision.currentState;
    this.extremities = [...decision.forwardExtremities];
    this.nextSeq += entries.length;
    for (const entry of entries) {
      this.remember({ seq: entry.seq, eventId: entry.eventId, event: entry.event as unknown as Pdu, status: entry.status });
    }
    return entries;
  }

  private afterGroupOf(eventId: string): number | undefined {
    return this.sql.exec<{ g: number }>(`SELECT state_after_group AS g FROM events WHERE event_id = ?`, eventId).toArray()[0]?.g;
  }

  /** The entries with fromSeq <= seq <= toSeq in order, at most MAX_ENTRIES_PER_READ. */
  entries(fromSeq: number, toSeq: number): LogEntry[] {
    const meta = this.meta;
    if (meta === undefined) return [];
    const rows = this.sql.exec<EventRow>(`SELECT * FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`, fromSeq, toSeq, MAX_ENTRIES_PER_READ);
    return rows.toArray().map((row) => {
      const event = JSON.parse(row.event_json) as Pdu;
      const status = row.status as EntryStatus;
      return {
        v: 1,
        roomId: meta.roomId,
        roomVersion: meta.rules.id,
        seq: row.seq,
        eventId: row.event_id,
        event: event as unknown as Record<string, unknown>,
        status,
        ...(row.rule === null ? {} : { rule: row.rule }),
        stateDelta: JSON.parse(row.state_delta_json) as LogEntry["stateDelta"],
        ...(row.txn_user === null || row.txn_device === null || row.txn_id === null
          ? {}
          : { txn: { userId: row.txn_user, deviceId: row.txn_device, txnId: row.txn_id } }),
        // Worked out again from the logged state, so entries appended before it was recorded carry it too.
        ...this.redactionFacts(meta.rules.id, event, status, () => this.groups.load(row.state_before_group)),
        appendedTs: row.appended_ts,
      };
    });
  }

  /**
   * `redactorHasPower` for an accepted redaction: its sender's level in the state before it against
   * the room's `redact` level. Nothing for any other entry.
   */
  private redactionFacts(
    roomVersion: string,
    pdu: Pdu,
    status: EntryStatus,
    stateBefore: StateMap | (() => StateMap),
  ): { redactorHasPower?: boolean } {
    if (status !== "accepted" || pdu.type !== "m.room.redaction") return {};
    const rules = roomVersionRules(roomVersion);
    if (rules === undefined) return {};
    const state = typeof stateBefore === "function" ? stateBefore() : stateBefore;
    const lookup = (type: string, stateKey: string): RoomEvent | undefined => {
      const id = state.get(stateKeyString(type, stateKey));
      const logged = id === undefined ? undefined : this.getEvent(id);
      return logged === undefined ? undefined : { eventId: logged.eventId, pdu: logged.event };
    };
    const power = roomPowerFromState(rules, lookup);
    return { redactorHasPower: hasAtLeast(userPowerLevel(power, pdu.sender), power.levels.redact) };
  }

  /** The auth chain of `eventIds`: every event reachable through auth_events (from v12 the create event too), the starts excluded. */
  authChain(eventIds: readonly string[]): LoggedEvent[] {
    const meta = this.meta;
    const create = meta?.rules.roomIdFromCreateEvent ? `$${meta.roomId.slice(1)}` : undefined;
    const seen = new Set<string>();
    const out: LoggedEvent[] = [];
    const stack: string[] = [];
    const follow = (event: LoggedEvent | undefined): void => {
      if (event === undefined) return;
      for (const id of event.event.auth_events) stack.push(id);
      if (create !== undefined && event.eventId !== create) stack.push(create);
    };
    for (const id of eventIds) follow(this.getEvent(id));
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const event = this.getEvent(id);
      if (event === undefined) continue;
      out.push(event);
      follow(event);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** A state map as (type, state_key, event ID) entries. */
  static entriesOf(state: StateMap): StateEntry[] {
    return [...state].map(([key, eventId]) => ({ ...parseStateKey(key), eventId }));
  }

  /** Events as federation and the projections want them. */
  roomEvents(ids: Iterable<string>): RoomEvent[] {
    const out: RoomEvent[] = [];
    for (const id of ids) {
      const logged = this.getEvent(id);
      if (logged !== undefined) out.push({ eventId: logged.eventId, pdu: logged.event });
    }
    return out;
  }
}
