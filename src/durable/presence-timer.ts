// The presence timer Durable Object: one per user; its alarm pushes idle (unavailable) and offline as real presence changes.
import { DurableObject } from "cloudflare:workers";
import { type PresenceTiming, presenceTimeoutStep } from "../protocol/ephemeral/presence-timeout";
import type { Env } from "../platform/env";
import { readTimerRow, writeTimeout } from "./presence-timeout-store";
import { syncNotifierClient } from "./sync-notifier-client";

/** The notifier stream presence positions are announced on (the presence routes use the same name). */
const PRESENCE_STREAM = "presence";

interface TimerRecord {
  readonly userId: string;
  readonly timing: PresenceTiming;
  readonly watchOffline: boolean;
  /** Bumped by every arm(), so an alarm that raced with one does not clear it. */
  readonly generation: number;
}

const KEY = "timer";

/**
 * Per user rather than one global instance: each object has exactly one deadline (its alarm), so
 * there is no index of users to keep or scan, and transitions of different users never queue on
 * one object. Routes call arm() only on transitions (a PUT, or a /sync that changed what others
 * see), never on every sync. The alarm reads the user's presence row in D1 and decides with
 * presenceTimeoutStep: write unavailable/offline at a new presence position and wake the /sync
 * long-polls, look again later, or stop (offline: nothing more can be due until the next arm()).
 */
export class PresenceTimerDurableObject extends DurableObject<Env> {
  /** `userId` changed presence visibly; `viaSync`: through /sync, so they are watched for going offline. */
  async arm(userId: string, timing: PresenceTiming, viaSync: boolean): Promise<void> {
    const storage = this.ctx.storage;
    const previous = await storage.get<TimerRecord>(KEY);
    const record: TimerRecord = {
      userId,
      timing,
      watchOffline: viaSync || previous?.watchOffline === true,
      generation: (previous?.generation ?? 0) + 1,
    };
    await storage.put(KEY, record);
    const at = Date.now() + Math.min(timing.idleMs, record.watchOffline ? timing.offlineMs : timing.idleMs);
    const current = await storage.getAlarm();
    if (current === null || current > at) await storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const storage = this.ctx.storage;
    const record = await storage.get<TimerRecord>(KEY);
    if (record === undefined) return;
    // At most two writes (unavailable, then offline) before the answer is "wait" or "done".
    for (let round = 0; round < 3; round++) {
      const row = await readTimerRow(this.env.DB, record.userId);
      const step =
        row === undefined
          ? ({ kind: "done" } as const)
          : presenceTimeoutStep({ ...row, watchOffline: record.watchOffline }, record.timing, Date.now());
      if (step.kind === "wait") {
        const current = await storage.getAlarm();
        await storage.setAlarm(current === null ? step.until : Math.min(current, step.until));
        return;
      }
      if (step.kind === "done" || row === undefined) {
        const now = await storage.get<TimerRecord>(KEY);
        if (now?.generation === record.generation) await storage.deleteAll();
        return;
      }
      const position = await writeTimeout(this.env.DB, record.userId, row, step.state);
      if (position !== undefined) await this.announce(position);
    }
    // Still changing under us (concurrent writes): look again shortly.
    await storage.setAlarm(Date.now() + 1000);
  }

  /** The change is stored: a notifier failure must not undo it; waiting syncs then see it at their timeout. */
  private async announce(position: number): Promise<void> {
    try {
      await syncNotifierClient(this.env.SYNC_NOTIFIER).advance(PRESENCE_STREAM, position);
    } catch (e) {
      console.warn(`presence timer: notifier advance failed: ${String(e)}`);
    }
  }
}
