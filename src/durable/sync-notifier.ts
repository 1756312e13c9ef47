// The sync notifier Durable Object: holds long-poll waiters and releases them when positions advance.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";

interface Waiter {
  readonly after: number;
  readonly release: (position: number) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

// A waiter never outlives this, whatever the caller asks: /sync timeouts are tens of seconds.
const MAX_WAIT_MS = 5 * 60 * 1000;

/**
 * Knows positions only, never data (as Dendrite's notifier: handing out data would race with the
 * read models). A waiter names the position it has already read up to, so a poke that lands
 * between the caller's read and its wait still releases it: that is what makes it free of lost
 * wake-ups. The latest position is stored, so an evicted and restarted notifier keeps that promise.
 */
export class SyncNotifierDurableObject extends DurableObject<Env> {
  private latest = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS notifier_position (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL)");
    const row = ctx.storage.sql.exec<{ position: number }>("SELECT position FROM notifier_position WHERE id = 1").toArray()[0];
    this.latest = row?.position ?? 0;
  }

  /** The projection committed everything up to `position`: wake everyone who has read less. */
  poke(position: number): number {
    if (!Number.isSafeInteger(position) || position <= this.latest) return this.latest;
    this.latest = position;
    this.ctx.storage.sql.exec(
      "INSERT INTO notifier_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position",
      position,
    );
    for (const waiter of this.waiters) if (waiter.after < position) this.finish(waiter, position);
    return this.latest;
  }

  /**
   * Resolves with the latest known position once it exceeds `after`, or with the latest
   * (≤ `after`) when `timeoutMs` runs out.
   */
  waitBeyond(after: number, timeoutMs: number): Promise<number> {
    if (this.latest > after) return Promise.resolve(this.latest);
    const ms = Math.max(0, Math.min(MAX_WAIT_MS, Number.isFinite(timeoutMs) ? timeoutMs : 0));
    return new Promise<number>((resolve) => {
      const waiter: Waiter = {
        after,
        release: resolve,
        timer: setTimeout(() => this.finish(waiter, this.latest), ms),
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Replay renumbered the stream from 1: adopt `position` even though it is lower, and release every
   * waiter (their positions belong to the old numbering; their next /sync starts afresh).
   */
  reset(position: number): number {
    if (!Number.isSafeInteger(position) || position < 0) return this.latest;
    this.latest = position;
    this.ctx.storage.sql.exec(
      "INSERT INTO notifier_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position",
      position,
    );
    for (const waiter of this.waiters) this.finish(waiter, Number.MAX_SAFE_INTEGER);
    return this.latest;
  }

  /** The highest position poked so far. */
  position(): number {
    return this.latest;
  }

  /** How many long-polls are waiting (for tests and diagnostics). */
  waiting(): number {
    return this.waiters.size;
  }

  private finish(waiter: Waiter, position: number): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.release(position);
  }
}
