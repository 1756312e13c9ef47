// Typed access to the sync notifier: one instance for the whole server (positions are global).
import type { SyncNotifierDurableObject } from "./sync-notifier";

const INSTANCE = "global";

/** What /sync needs (readmodels' PositionWaiter) and what the projection needs (notify). */
export interface SyncNotifierClient {
  readonly waitBeyond: (after: number, timeoutMs: number) => Promise<number>;
  readonly poke: (position: number) => Promise<void>;
  /** After a replay renumbered the stream. */
  readonly reset: (position: number) => Promise<void>;
}

export function syncNotifierClient(namespace: DurableObjectNamespace<SyncNotifierDurableObject>): SyncNotifierClient {
  const stub = () => namespace.get(namespace.idFromName(INSTANCE));
  return {
    waitBeyond: async (after, timeoutMs) => await stub().waitBeyond(after, timeoutMs),
    poke: async (position) => {
      await stub().poke(position);
    },
    reset: async (position) => {
      await stub().reset(position);
    },
  };
}
