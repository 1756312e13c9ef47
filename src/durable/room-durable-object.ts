// The room Durable Object: the single writer of one room's event log (SQLite-backed).
import { DurableObject } from "cloudflare:workers";
import { Result as EffectResult } from "effect";
import type { LogEntry, StateEntry } from "../commands/log-entry";
import { decodeRoomCommand, type RoomCommand } from "../commands/room-command";
import type { Env } from "../platform/env";
import type { RoomEvent } from "../protocol/pdu";
import { err } from "../protocol/result";
import type { SigningKey } from "../protocol/signing";
import { RoomLogStore, type LoggedEvent } from "./room-log-store";
import { RoomOutbox } from "./room-outbox";
import { loadRoomSigningKey } from "./room-signing-key";
import { RoomWriter, type SubmitResult } from "./room-writer";

/** After an append, the alarm is set this far ahead as a safety net; a successful send clears it. */
const SAFETY_ALARM_MS = 10_000;

export type { Submitted, SubmitResult } from "./room-writer";

export interface RoomInfo {
  readonly roomId: string;
  readonly roomVersion: string;
  readonly lastSeq: number;
  readonly forwardExtremities: readonly string[];
}

export class RoomDurableObject extends DurableObject<Env> {
  /** The log; an instance property, so not reachable over RPC. */
  readonly store: RoomLogStore;
  readonly outbox: RoomOutbox;
  readonly writer: RoomWriter;
  private signingKey: SigningKey | undefined;
  private alarmAt: number | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomLogStore(ctx.storage);
    this.outbox = new RoomOutbox(ctx.storage.sql, env.EVENTS, {
      schedule: (at) => this.scheduleAlarm(at),
      clear: () => this.clearAlarm(),
      now: () => Date.now(),
    });
    this.writer = new RoomWriter(this.store, env.SERVER_NAME, (now) => this.scheduleAlarm(now + SAFETY_ALARM_MS));
    void ctx.blockConcurrencyWhile(async () => {
      const at = await ctx.storage.getAlarm();
      this.alarmAt = at ?? undefined;
      // Entries left by a crash between append and send: make sure an alarm will deliver them.
      if (this.alarmAt === undefined && this.outbox.pending() > 0) this.scheduleAlarm(Date.now());
    });
  }

  /** Decides and appends one command; the room's commands run one at a time. */
  async submit(input: RoomCommand): Promise<SubmitResult> {
    const decoded = decodeRoomCommand(input);
    if (EffectResult.isFailure(decoded)) return err({ _tag: "BadRequest", reason: `malformed command: ${decoded.failure.message}` });
    const key = await this.loadSigningKey();
    if (typeof key === "string") return err({ _tag: "Unavailable", reason: key });
    const result = this.writer.decideAndAppend(decoded.success, key);
    // Reply as soon as the append has committed: the outbox row and the safety alarm written with it
    // guarantee delivery, so the caller need not wait for the queue send (about 6–10 ms locally).
    if (result.ok && result.value.eventIds.length > 0) this.ctx.waitUntil(this.outbox.flush());
    return result;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    await this.outbox.flush();
  }

  // Reads for the projections, the api and federation.

  async getRoomInfo(): Promise<RoomInfo | undefined> {
    const view = this.store.view();
    if (view === undefined) return undefined;
    return { roomId: view.roomId, roomVersion: view.rules.id, lastSeq: this.store.lastSeq, forwardExtremities: [...view.forwardExtremities] };
  }

  /** Log entries with fromSeq <= seq <= toSeq (at most 500; page on from the last seq returned). */
  async getEntries(fromSeq: number, toSeq: number): Promise<LogEntry[]> {
    return this.store.entries(fromSeq, toSeq);
  }

  async getEvent(eventId: string): Promise<LoggedEvent | undefined> {
    return this.store.getEvent(eventId);
  }

  /** The current state as entries and the events behind them. */
  async getCurrentState(): Promise<{ entries: StateEntry[]; events: RoomEvent[] }> {
    const state = this.store.currentState;
    return { entries: RoomLogStore.entriesOf(state), events: this.store.roomEvents(state.values()) };
  }

  /** The state before (federation's "state at an event") or after an event, or undefined if the event is unknown. */
  async getStateAt(eventId: string, at: "before" | "after" = "before"): Promise<{ entries: StateEntry[]; events: RoomEvent[] } | undefined> {
    const state = this.store.stateAt(eventId, at);
    if (state === undefined) return undefined;
    return { entries: RoomLogStore.entriesOf(state), events: this.store.roomEvents(state.values()) };
  }

  async getAuthChain(eventIds: readonly string[]): Promise<LoggedEvent[]> {
    return this.store.authChain(eventIds);
  }

  private async loadSigningKey(): Promise<SigningKey | string> {
    if (this.signingKey !== undefined) return this.signingKey;
    const key = await loadRoomSigningKey(this.env);
    if (typeof key !== "string") this.signingKey = key;
    return key;
  }

  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== undefined && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private clearAlarm(): void {
    if (this.alarmAt === undefined) return;
    this.alarmAt = undefined;
    void this.ctx.storage.deleteAlarm();
  }
}
