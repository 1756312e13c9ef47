// Typed access to the presence timers: one Durable Object per user, named by the user ID.
import type { PresenceTiming } from "../protocol/ephemeral/presence-timeout";
import type { PresenceTimerDurableObject } from "./presence-timer";

export interface PresenceTimerClient {
  /** After a visible presence change of `userId`; `viaSync`: made by /sync (watched for going offline). */
  readonly arm: (userId: string, timing: PresenceTiming, viaSync: boolean) => Promise<void>;
}

export function presenceTimerClient(namespace: DurableObjectNamespace<PresenceTimerDurableObject>): PresenceTimerClient {
  return {
    arm: async (userId, timing, viaSync) => {
      await namespace.get(namespace.idFromName(userId)).arm(userId, { idleMs: timing.idleMs, offlineMs: timing.offlineMs }, viaSync);
    },
  };
}
