// Whose device lists a user must re-fetch: /sync's `device_lists` section and GET /keys/changes.
// Reads the device-list stream (device_list_changes, written by the /keys and device routes) and
// the membership read models (state_changes + events) at two room-event positions.

export interface DeviceListsInput {
  readonly userId: string;
  /** The device-list position of the client's token; undefined: an initial sync (nothing to report). */
  readonly since: number | undefined;
  /** The room-event position of the client's token; undefined: only device-list changes count. */
  readonly sincePdu: number | undefined;
  /** The room-event position the answer is built at. */
  readonly pduPosition: number;
}

export interface DeviceLists {
  /** The head of the device-list stream (the token's next `device_lists` part). */
  readonly position: number;
  readonly changed: string[];
  readonly left: string[];
}

/**
 * Users joined, at each of two room-event positions, to a room the user was joined to then; only
 * users in the JSON list ?4 (and the user), or everyone when ?4 is NULL.
 */
const SHARED_USERS_SQL = `
WITH points(tag, pos) AS (VALUES ('now', ?2), ('then', ?3)),
my_rooms AS (SELECT room_id FROM memberships WHERE user_id = ?1),
latest AS (
  SELECT p.tag AS tag, sc.room_id AS room_id, sc.state_key AS state_key, MAX(sc.stream_pos) AS stream_pos
  FROM points p
  JOIN state_changes sc ON sc.type = 'm.room.member' AND sc.stream_pos <= p.pos
  WHERE sc.room_id IN (SELECT room_id FROM my_rooms)
    AND (?4 IS NULL OR sc.state_key = ?1 OR sc.state_key IN (SELECT value FROM json_each(?4)))
  GROUP BY p.tag, sc.room_id, sc.state_key
),
joined AS (
  SELECT l.tag AS tag, l.room_id AS room_id, l.state_key AS user_id
  FROM latest l
  JOIN state_changes sc
    ON sc.room_id = l.room_id AND sc.type = 'm.room.member' AND sc.state_key = l.state_key AND sc.stream_pos = l.stream_pos
  JOIN events e ON e.event_id = sc.event_id
  WHERE json_extract(e.event_json, '$.content.membership') = 'join'
)
SELECT o.user_id AS user_id, MAX(o.tag = 'now') AS now_shared, MAX(o.tag = 'then') AS then_shared
FROM joined o
JOIN joined me ON me.tag = o.tag AND me.room_id = o.room_id AND me.user_id = ?1
GROUP BY o.user_id`;

interface SharedRow {
  user_id: string;
  now_shared: number;
  then_shared: number;
}

/** The head of the device-list stream. */
export const deviceListHeadStatement = (db: D1Database): D1PreparedStatement =>
  db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS head FROM device_list_changes");

/** Users with a device-list change in the range who are the user or share a joined room with them now. */
const CHANGED_ROOM_MATES_SQL = `
SELECT DISTINCT c.user_id AS user_id FROM device_list_changes c
WHERE c.stream_pos > ?2 AND (?3 IS NULL OR c.stream_pos <= ?3)
  AND (c.user_id = ?1 OR EXISTS (
    SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.room_id = mine.room_id
    WHERE mine.user_id = ?1 AND mine.membership = 'join' AND theirs.user_id = c.user_id AND theirs.membership = 'join'))`;

/** Whose membership changed, between two room-event positions, in a room the user has any membership of. */
const MEMBER_CHANGES_SQL = `
SELECT DISTINCT sc.state_key AS user_id FROM memberships m
JOIN state_changes sc ON sc.room_id = m.room_id AND sc.stream_pos > ?2 AND sc.stream_pos <= ?3 AND sc.type = 'm.room.member'
WHERE m.user_id = ?1`;

const userIds = (result: D1Result | undefined): string[] => ((result?.results ?? []) as { user_id: string }[]).map((r) => r.user_id);

/**
 * The answer between device-list positions `since` (exclusive) and `until` (inclusive; undefined:
 * the stream's head) and room-event positions `sincePdu` and `pduPosition`. Shared by /sync and
 * GET /keys/changes. One D1 round trip, and a second only when memberships changed in the
 * user's rooms in between (then the sharing of just the users whose membership changed is compared
 * at both positions, or of everyone when it was the user's own).
 */
export async function deviceListChanges(
  db: D1Database,
  input: { userId: string; since: number; until: number | undefined; sincePdu: number | undefined; pduPosition: number },
): Promise<DeviceLists> {
  const memberChangesToo = input.sincePdu !== undefined && input.sincePdu < input.pduPosition;
  const [headResult, changersResult, memberChangesResult] = await db.batch([
    deviceListHeadStatement(db),
    db.prepare(CHANGED_ROOM_MATES_SQL).bind(input.userId, input.since, input.until ?? null),
    ...(memberChangesToo ? [db.prepare(MEMBER_CHANGES_SQL).bind(input.userId, input.sincePdu, input.pduPosition)] : []),
  ]);
  const head = (headResult?.results[0] as { head: number } | undefined)?.head ?? 0;
  const changed = new Set(userIds(changersResult));
  const left: string[] = [];
  const candidates = userIds(memberChangesResult);
  if (candidates.length > 0 && input.sincePdu !== undefined) {
    // The user's own join or leave changes whom they share rooms with: compare everyone.
    const only = candidates.includes(input.userId) ? null : JSON.stringify(candidates);
    const { results } = await db.prepare(SHARED_USERS_SQL).bind(input.userId, input.pduPosition, input.sincePdu, only).all<SharedRow>();
    for (const row of results) {
      if (row.user_id === input.userId) continue;
      if (row.now_shared === 1 && row.then_shared !== 1) changed.add(row.user_id);
      if (row.then_shared === 1 && row.now_shared !== 1) left.push(row.user_id);
    }
  }
  return { position: input.until ?? head, changed: [...changed].sort(), left: left.sort() };
}

/** /sync's `device_lists` section and the stream's head for next_batch. */
export async function deviceListsForSync(
  db: D1Database,
  input: { userId: string; since: number | undefined; sincePdu: number | undefined; pduPosition: number },
): Promise<{ position: number; changed: string[]; left: string[] }> {
  if (input.since === undefined) {
    const head = await deviceListHeadStatement(db).first<{ head: number }>();
    return { position: head?.head ?? 0, changed: [], left: [] };
  }
  return deviceListChanges(db, { ...input, since: input.since, until: undefined });
}
