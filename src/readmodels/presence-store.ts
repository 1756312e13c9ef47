// Presence as D1 records: one row per user, each visible change at a position of the presence stream.
import {
  type PresenceState,
  presenceContent,
  type StoredPresence,
  syncPresenceStep,
} from "../protocol/ephemeral/presence-view";
import type { JsonObject } from "../protocol/json-value";

interface PresenceRow {
  readonly user_id: string;
  readonly state: PresenceState;
  readonly status_msg: string | null;
  readonly last_active_ts: number;
}

const toStored = (row: PresenceRow): StoredPresence => ({ state: row.state, statusMsg: row.status_msg, lastActiveTs: row.last_active_ts });

/** The user's stored presence, or undefined when they never had one. */
export async function getPresence(db: D1Database, userId: string): Promise<StoredPresence | undefined> {
  const row = await db
    .prepare("SELECT user_id, state, status_msg, last_active_ts FROM presence WHERE user_id = ?")
    .bind(userId)
    .first<PresenceRow>();
  return row === null ? undefined : toStored(row);
}

/** Replaces the user's presence; the new row takes a fresh position, which is returned. */
export async function putPresence(db: D1Database, userId: string, presence: StoredPresence): Promise<number> {
  const row = await db
    .prepare("INSERT OR REPLACE INTO presence (user_id, state, status_msg, last_active_ts) VALUES (?, ?, ?, ?) RETURNING stream_pos")
    .bind(userId, presence.state, presence.statusMsg, presence.lastActiveTs)
    .first<{ stream_pos: number }>();
  if (row === null) throw new Error("presence write returned no position");
  return row.stream_pos;
}

/**
 * What a /sync request does to the caller's presence (`set_presence`, undefined when omitted).
 * Returns the new presence position when others must be told (the caller then advances the
 * notifier's "presence" stream), or undefined when nothing visible changed: an online user who
 * keeps syncing only gets their activity time refreshed in place, which wakes nobody.
 */
export async function presenceOnSync(db: D1Database, userId: string, setPresence: PresenceState | undefined, now: number): Promise<number | undefined> {
  const stored = await getPresence(db, userId);
  const step = syncPresenceStep(stored, setPresence, now);
  switch (step.kind) {
    case "none":
      return undefined;
    case "refresh":
      // Only while still online: a PUT landing in between keeps what it set.
      await db.prepare("UPDATE presence SET last_active_ts = MAX(last_active_ts, ?) WHERE user_id = ? AND state = 'online'").bind(now, userId).run();
      return undefined;
    case "change":
      return await putPresence(db, userId, step.next);
  }
}

/**
 * Spec "Events on Change of Profile Information": a changed displayname or avatar_url goes out as an
 * m.presence update too. Re-issues the user's presence at a new position (offline, active now, for a
 * user who never had one) and returns it; the caller advances the notifier's "presence" stream.
 */
export async function presenceAfterProfileChange(db: D1Database, userId: string, now: number): Promise<number> {
  const stored = await getPresence(db, userId);
  return await putPresence(db, userId, stored ?? { state: "offline", statusMsg: null, lastActiveTs: now });
}

/** The presence stream's head. */
export async function presencePosition(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM presence").first<{ position: number }>();
  return row?.position ?? 0;
}

/** An active (not deactivated) local account. */
export async function isActiveLocalUser(db: D1Database, userId: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS found FROM users WHERE user_id = ? AND deactivated = 0").bind(userId).first<{ found: number }>();
  return row !== null;
}

/** Both users are joined to at least one common room: presence is published to exactly those users (spec "Presence"). */
export async function shareARoom(db: D1Database, a: string, b: string): Promise<boolean> {
  const row = await db
    .prepare(
      `SELECT 1 AS found FROM memberships m1 JOIN memberships m2 ON m2.room_id = m1.room_id
       WHERE m1.user_id = ? AND m1.membership = 'join' AND m2.user_id = ? AND m2.membership = 'join' LIMIT 1`,
    )
    .bind(a, b)
    .first<{ found: number }>();
  return row !== null;
}

export interface PresenceChanges {
  /** The presence stream position the answer is complete up to. */
  readonly position: number;
  /** m.presence events, `{ type, sender, content }`. */
  readonly events: readonly JsonObject[];
}

/**
 * The m.presence events `viewer` gets in /sync: of the viewer and every user joined to one of
 * `roomIds`, those whose presence changed in `(after, head]`, plus the current presence of every
 * member of `fullRoomIds` (rooms new to the client, whose members it may know nothing of). Content
 * is computed at `now` (idle timeout, last_active_ago) and carries the user's displayname and
 * avatar_url.
 */
export async function presenceChanges(
  db: D1Database,
  viewer: string,
  roomIds: readonly string[],
  after: number,
  fullRoomIds: readonly string[],
  now: number,
): Promise<PresenceChanges> {
  const [head, rows] = await db.batch([
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM presence"),
    db
      .prepare(
        // The profile as profile-store reads it: no profile row means the localpart as displayname.
        `SELECT p.user_id, p.state, p.status_msg, p.last_active_ts,
                CASE WHEN pr.user_id IS NULL THEN u.localpart ELSE pr.displayname END AS displayname, pr.avatar_url
         FROM presence p LEFT JOIN users u ON u.user_id = p.user_id AND u.deactivated = 0 LEFT JOIN profiles pr ON pr.user_id = u.user_id
         WHERE (p.user_id = ?1 AND p.stream_pos > ?3)
            OR (p.user_id IN (SELECT m.user_id FROM memberships m WHERE m.membership = 'join' AND m.room_id IN (SELECT value FROM json_each(?2)))
                AND p.stream_pos > ?3)
            OR p.user_id IN (SELECT m.user_id FROM memberships m WHERE m.membership = 'join' AND m.room_id IN (SELECT value FROM json_each(?4)))
         ORDER BY p.stream_pos`,
      )
      .bind(viewer, JSON.stringify(roomIds), after, JSON.stringify(fullRoomIds)),
  ]);
  const position = (head?.results[0] as { position: number } | undefined)?.position ?? 0;
  const events = ((rows?.results ?? []) as (PresenceRow & { displayname: string | null; avatar_url: string | null })[]).map(
    (row): JsonObject => ({
      type: "m.presence",
      sender: row.user_id,
      content: presenceContent(toStored(row), now, { displayname: row.displayname, avatarUrl: row.avatar_url }),
    }),
  );
  return { position, events };
}
