// The presence timer's D1 side: what it reads of a user (presence row, devices' last-seen) and its guarded write.
import type { PresenceState } from "../protocol/ephemeral/presence-view";

/** The presence row as the timer saw it, with the user's latest request. */
export interface TimerRow {
  readonly streamPos: number;
  readonly state: PresenceState;
  readonly lastActiveTs: number;
  readonly lastSeenTs: number | null;
}

/** The user's presence row (same table as readmodels/presence-store) and the latest last-seen of their devices. */
export async function readTimerRow(db: D1Database, userId: string): Promise<TimerRow | undefined> {
  const row = await db
    .prepare(
      `SELECT p.stream_pos, p.state, p.last_active_ts, (SELECT MAX(d.last_seen_ts) FROM devices d WHERE d.user_id = p.user_id) AS last_seen_ts
       FROM presence p WHERE p.user_id = ?`,
    )
    .bind(userId)
    .first<{ stream_pos: number; state: PresenceState; last_active_ts: number; last_seen_ts: number | null }>();
  return row === null ? undefined : { streamPos: row.stream_pos, state: row.state, lastActiveTs: row.last_active_ts, lastSeenTs: row.last_seen_ts };
}

/**
 * Replaces the row with the same status message and last-active time but `state`, at a fresh
 * presence position (returned) — only if the row is still the one the timer decided on (same
 * position and activity time), so a PUT or a /sync landing meanwhile wins. Undefined: it did.
 */
export async function writeTimeout(db: D1Database, userId: string, seen: TimerRow, state: "unavailable" | "offline"): Promise<number | undefined> {
  const row = await db
    .prepare(
      `INSERT OR REPLACE INTO presence (user_id, state, status_msg, last_active_ts)
       SELECT user_id, ?, status_msg, last_active_ts FROM presence WHERE user_id = ? AND stream_pos = ? AND last_active_ts = ?
       RETURNING stream_pos`,
    )
    .bind(state, userId, seen.streamPos, seen.lastActiveTs)
    .first<{ stream_pos: number }>();
  return row?.stream_pos;
}
