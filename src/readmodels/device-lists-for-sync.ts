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

/** Users joined, at each of two room-event positions, to a room the user was joined to then. */
const SHARED_USERS_SQL = `
WITH points(tag, pos) AS (VALUES ('now', ?2), ('then', ?3)),
my_rooms AS (SELECT room_id FROM memberships WHERE user_id = ?1),
latest AS (
  SELECT p.tag AS tag, sc.room_id AS room_id, sc.state_key AS state_key, MAX(sc.stream_pos) AS stream_pos
  FROM points p
  JOIN state_changes sc ON sc.type = 'm.room.member' AND sc.stream_pos <= p.pos
  WHERE sc.room_id IN (SELECT room_id FROM my_rooms)
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

/**
 * The answer between device-list positions `since` (exclusive) and `until` (inclusive; undefined:
 * the stream's head) and room-event positions `sincePdu` and `pduPosition`. Shared by /sync and
 * GET /keys/changes. One D1 round trip.
 */
export async function deviceListChanges(
  db: D1Database,
  input: { userId: string; since: number; until: number | undefined; sincePdu: number | undefined; pduPosition: number },
): Promise<DeviceLists> {
  const thenPdu = input.sincePdu ?? input.pduPosition;
  const [headResult, sharedResult, changersResult] = await db.batch([
    deviceListHeadStatement(db),
    db.prepare(SHARED_USERS_SQL).bind(input.userId, input.pduPosition, thenPdu),
    db
      .prepare(
        "SELECT DISTINCT user_id FROM device_list_changes WHERE stream_pos > ?1 AND (?2 IS NULL OR stream_pos <= ?2) ORDER BY user_id",
      )
      .bind(input.since, input.until ?? null),
  ]);
  const head = (headResult?.results[0] as { head: number } | undefined)?.head ?? 0;
  const shared = (sharedResult?.results ?? []) as SharedRow[];
  const changers = new Set(((changersResult?.results ?? []) as { user_id: string }[]).map((r) => r.user_id));

  const sharedNow = new Set(shared.filter((r) => r.now_shared === 1).map((r) => r.user_id));
  sharedNow.add(input.userId);
  const sharedThen = new Set(shared.filter((r) => r.then_shared === 1).map((r) => r.user_id));
  sharedThen.add(input.userId);

  const changed = new Set<string>();
  for (const user of sharedNow) {
    if (changers.has(user) || !sharedThen.has(user)) changed.add(user);
  }
  const left = [...sharedThen].filter((user) => !sharedNow.has(user));
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
