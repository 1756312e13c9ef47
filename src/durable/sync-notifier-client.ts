// Typed access to the sync notifier: one instance for the whole server (positions are global).
import type { StreamPositions, SyncNotifierDurableObject } from "./sync-notifier";

export type { StreamPositions } from "./sync-notifier";

const INSTANCE = "global";

/** What /sync needs (readmodels' PositionWaiter) and what the writers of each stream need (poke, advance). */
export interface SyncNotifierClient {
  /** The room event stream alone. */
  readonly waitBeyond: (after: number, timeoutMs: number) => Promise<number>;
  /** Released when any stream named in `after` passes the position named for it. */
  readonly waitForAny: (after: StreamPositions, timeoutMs: number) => Promise<StreamPositions>;
  /** The room event stream (the projection). */
  readonly poke: (position: number) => Promise<void>;
  /** Any other stream, e.g. `account_data` after a write committed at `position`. */
  readonly advance: (stream: string, position: number) => Promise<void>;
  /** After a replay renumbered the room event stream. */
  readonly reset: (position: number) => Promise<void>;
}

export function syncNotifierClient(namespace: DurableObjectNamespace<SyncNotifierDurableObject>): SyncNotifierClient {
  const stub = () => namespace.get(namespace.idFromName(INSTANCE));
  return {
    waitBeyond: async (after, timeoutMs) => await stub().waitBeyond(after, timeoutMs),
    waitForAny: async (after, timeoutMs) => await stub().waitForAny(after, timeoutMs),
    poke: async (position) => {
      await stub().poke(position);
    },
    advance: async (stream, position) => {
      await stub().advance(stream, position);
    },
    reset: async (position) => {
      await stub().reset(position);
    },
  };
}
