// Read-your-writes for room routes: answer once the projection has applied the write to D1, or after a bounded wait.
import { Effect } from "effect";
import type { Context } from "hono";
import { syncNotifierClient, type SyncNotifierClient } from "../../../durable/sync-notifier-client";
import { projectionProgress } from "../../../readmodels/projection-progress";
import type { AuthedEnv } from "../../auth-middleware";

/**
 * Long enough for a healthy queue, short enough that a stalled projection only delays the answer:
 * the write itself is already committed in the room DO and will reach D1.
 */
export const PROJECTION_WAIT_MS = 3_000;

// Each round waits on the notifier; this only guards against a notifier that answers at once forever.
const MAX_ROUNDS = 20;

/**
 * Resolves true once the room's projection checkpoint has reached `seq`, false when `timeoutMs`
 * passed first. Waits on the sync notifier beyond the position read together with the checkpoint,
 * so an apply that commits after the read always wakes it (no polling, no lost wake-up).
 */
export async function awaitRoomProjection(
  db: D1Database,
  notifier: SyncNotifierClient,
  roomId: string,
  seq: number,
  timeoutMs: number = PROJECTION_WAIT_MS,
): Promise<boolean> {
  // Real elapsed time bounds the wait, whatever clock the request uses for event timestamps.
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const progress = await projectionProgress(db, roomId);
    if (progress.checkpoint >= seq) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    // A notifier ahead of D1 (it is told after the commit) would answer at once: wait beyond what it said too.
    seen = await notifier.waitBeyond(Math.max(progress.position, seen), left);
  }
  return false;
}

/** The route form: waits for the room's projection to reach `seq`; never fails the request. */
export function awaitProjection(c: Context<AuthedEnv>, roomId: string, seq: number): Effect.Effect<void> {
  return Effect.promise(() => awaitRoomProjection(c.env.DB, syncNotifierClient(c.env.SYNC_NOTIFIER), roomId, seq).catch(() => false)).pipe(
    Effect.asVoid,
  );
}
