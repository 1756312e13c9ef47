// The sync notifier Durable Object: holds long-poll waiters and releases them when a stream's position advances.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";

/**
 * A position per stream (`pdu`, `account_data`, ...): each stream is numbered independently by D1,
 * so one number cannot order them. A waiter watches exactly the streams it names.
 */
export type StreamPositions = Readonly<Record<string, number>>;

/** The room event stream: what `poke` and `waitBeyond` (single numbers) refer to. */
const PDU = "pdu";

interface Waiter {
  readonly after: StreamPositions;
  readonly release: (positions: StreamPositions) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

// A waiter never outlives this, whatever the caller asks: /sync timeouts are tens of seconds.
const MAX_WAIT_MS = 5 * 60 * 1000;

const STREAM_NAME = /^[a-z_]{1,32}$/;

/**
 * Knows positions only, never data (as Dendrite's notifier: handing out data would race with the
 * read models). A waiter names the positions it has already read up to, so a poke that lands
 * between the caller's read and its wait still releases it: that is what makes it free of lost
 * wake-ups. A waiter is released when any one stream passes what it has read. The latest positions
 * are stored, so an evicted and restarted notifier keeps that promise.
 */
export class SyncNotifierDurableObject extends DurableObject<Env> {
  private readonly latest = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS notifier_positions (stream TEXT PRIMARY KEY, position INTEGER NOT NULL)");
    // The single-stream table of earlier versions held the pdu position: carry it over once.
    sql.exec("CREATE TABLE IF NOT EXISTS notifier_position (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL)");
    sql.exec("INSERT OR IGNORE INTO notifier_positions (stream, position) SELECT 'pdu', position FROM notifier_position WHERE id = 1");
    sql.exec("DELETE FROM notifier_position");
    for (const row of sql.exec<{ stream: string; position: number }>("SELECT stream, position FROM notifier_positions")) {
      this.latest.set(row.stream, row.position);
    }
  }

  /** The projection committed every room event up to `position`: wake everyone who has read less. */
  poke(position: number): number {
    return this.advance(PDU, position);
  }

  /**
   * Everything in `stream` up to `position` is committed: wake everyone who has read less of it.
   * Lower or equal positions change nothing, so pokes may arrive out of order. Returns the latest.
   */
  advance(stream: string, position: number): number {
    const current = this.at(stream);
    if (!STREAM_NAME.test(stream) || !Number.isSafeInteger(position) || position <= current) return current;
    this.store(stream, position);
    const positions = this.positions();
    for (const waiter of this.waiters) {
      const read = waiter.after[stream];
      if (read !== undefined && read < position) this.finish(waiter, positions);
    }
    return position;
  }

  /**
   * Resolves with every stream's latest position once some stream named in `after` exceeds the
   * position named for it, or with the latest positions (none beyond `after`) when `timeoutMs`
   * runs out. Streams `after` does not name are not watched.
   */
  waitForAny(after: StreamPositions, timeoutMs: number): Promise<StreamPositions> {
    if (this.beyond(after)) return Promise.resolve(this.positions());
    const ms = Math.max(0, Math.min(MAX_WAIT_MS, Number.isFinite(timeoutMs) ? timeoutMs : 0));
    return new Promise<StreamPositions>((resolve) => {
      const waiter: Waiter = {
        after: { ...after },
        release: resolve,
        timer: setTimeout(() => this.finish(waiter, this.positions()), ms),
      };
      this.waiters.add(waiter);
    });
  }

  /** waitForAny on the room event stream alone, in single numbers. */
  async waitBeyond(after: number, timeoutMs: number): Promise<number> {
    const reached = await this.waitForAny({ [PDU]: after }, timeoutMs);
    return reached[PDU] ?? 0;
  }

  /**
   * Replay renumbered the room event stream from 1: adopt `position` even though it is lower, and
   * release every waiter (their positions belong to the old numbering; their next /sync starts
   * afresh). Other streams are records replay does not touch, so they keep their positions.
   */
  reset(position: number): number {
    if (!Number.isSafeInteger(position) || position < 0) return this.at(PDU);
    this.store(PDU, position);
    const released = { ...this.positions(), [PDU]: Number.MAX_SAFE_INTEGER };
    for (const waiter of this.waiters) this.finish(waiter, released);
    return position;
  }

  /** The highest room event position poked so far. */
  position(): number {
    return this.at(PDU);
  }

  /** The highest position poked so far, per stream. */
  positions(): StreamPositions {
    return Object.fromEntries(this.latest);
  }

  /** How many long-polls are waiting (for tests and diagnostics). */
  waiting(): number {
    return this.waiters.size;
  }

  private at(stream: string): number {
    return this.latest.get(stream) ?? 0;
  }

  private beyond(after: StreamPositions): boolean {
    return Object.entries(after).some(([stream, read]) => this.at(stream) > read);
  }

  private store(stream: string, position: number): void {
    this.latest.set(stream, position);
    this.ctx.storage.sql.exec(
      "INSERT INTO notifier_positions (stream, position) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET position = excluded.position",
      stream,
      position,
    );
  }

  private finish(waiter: Waiter, positions: StreamPositions): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.release(positions);
  }
}
