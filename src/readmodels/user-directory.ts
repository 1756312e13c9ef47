// The user directory search: users who share a room with the searcher or sit in public rooms, by user ID or displayname.
export interface DirectoryUser {
  readonly user_id: string;
  readonly display_name?: string;
  readonly avatar_url?: string;
}

export interface DirectorySearch {
  readonly results: DirectoryUser[];
  readonly limited: boolean;
}

/**
 * Matching candidates read per search at most. Ranking happens after the read, so a term that
 * matches more users than this is answered from the first ones found, marked `limited`.
 */
const MAX_CANDIDATES = 1000;

interface CandidateRow {
  user_id: string;
  display_name: unknown;
  avatar_url: unknown;
}

/**
 * Who the searcher may find (spec: at a minimum those sharing a room with them and those in
 * public rooms; v1.15 defines "public" as the `public` join rule or `world_readable` history):
 * joined members of those rooms, per the memberships and current_state read models. A local
 * user's name and avatar come from their profile (one public profile, so no per-room nickname
 * leaks); a remote user's from their join event in one of those rooms. Deactivated local
 * users are left out.
 */
const CANDIDATES_SQL = `
WITH public_rooms AS (
  SELECT r.room_id FROM rooms r
  JOIN current_state cs ON cs.room_id = r.room_id AND cs.state_key = ''
    AND cs.type IN ('m.room.join_rules', 'm.room.history_visibility')
  JOIN events e ON e.event_id = cs.event_id
  WHERE (cs.type = 'm.room.join_rules' AND json_extract(e.event_json, '$.content.join_rule') = 'public')
     OR (cs.type = 'm.room.history_visibility' AND json_extract(e.event_json, '$.content.history_visibility') = 'world_readable')
),
visible_rooms AS (
  SELECT room_id FROM memberships WHERE user_id = ?1 AND membership = 'join'
  UNION
  SELECT room_id FROM public_rooms
),
visible AS (
  SELECT m.user_id, MIN(m.event_id) AS event_id FROM memberships m
  WHERE m.membership = 'join' AND m.room_id IN (SELECT room_id FROM visible_rooms)
  GROUP BY m.user_id
),
named AS (
  SELECT v.user_id,
    CASE WHEN u.user_id IS NULL THEN json_extract(e.event_json, '$.content.displayname')
         WHEN p.user_id IS NULL THEN u.localpart
         ELSE p.displayname END AS display_name,
    CASE WHEN u.user_id IS NULL THEN json_extract(e.event_json, '$.content.avatar_url')
         ELSE p.avatar_url END AS avatar_url
  FROM visible v
  LEFT JOIN users u ON u.user_id = v.user_id
  LEFT JOIN profiles p ON p.user_id = v.user_id
  LEFT JOIN events e ON e.event_id = v.event_id
  WHERE u.user_id IS NULL OR u.deactivated = 0
)
SELECT user_id, display_name, avatar_url FROM named
WHERE ?2 IS NULL OR user_id LIKE ?2 ESCAPE '\\' OR display_name LIKE ?2 ESCAPE '\\'
LIMIT ?3`;

/** SQLite's LIKE folds ASCII case only, so it narrows the candidates only for ASCII terms; JS then decides. */
function likePattern(term: string): string | null {
  for (let i = 0; i < term.length; i++) if (term.charCodeAt(i) > 0x7f) return null;
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** 0: the localpart or name exactly, 1: a prefix of either, 2: a prefix of a later word of the name, 3: anywhere. */
function rank(user: DirectoryUser, term: string): number {
  const localpart = user.user_id.slice(1, user.user_id.indexOf(":")).toLowerCase();
  const name = user.display_name?.toLowerCase() ?? "";
  if (localpart === term || name === term) return 0;
  if (localpart.startsWith(term) || name.startsWith(term)) return 1;
  if (name.split(/\s+/).some((word) => word.startsWith(term))) return 2;
  return 3;
}

const profileInfo = (user: DirectoryUser): number => (user.display_name === undefined ? 0 : 1) + (user.avatar_url === undefined ? 0 : 1);

/**
 * Users matching `term` case-insensitively in their user ID or displayname, ordered by rank
 * (exact, prefix, word prefix, substring), then by how much profile they have, then by user ID.
 */
export async function searchUserDirectory(db: D1Database, searcher: string, searchTerm: string, limit: number): Promise<DirectorySearch> {
  const term = searchTerm.trim().toLowerCase();
  const rows = await db.prepare(CANDIDATES_SQL).bind(searcher, likePattern(term), MAX_CANDIDATES).all<CandidateRow>();
  const matches: DirectoryUser[] = [];
  for (const row of rows.results) {
    const displayName = text(row.display_name);
    const avatarUrl = text(row.avatar_url);
    if (!row.user_id.toLowerCase().includes(term) && !(displayName?.toLowerCase().includes(term) ?? false)) continue;
    matches.push({
      user_id: row.user_id,
      ...(displayName === undefined ? {} : { display_name: displayName }),
      ...(avatarUrl === undefined ? {} : { avatar_url: avatarUrl }),
    });
  }
  matches.sort(
    (a, b) =>
      rank(a, term) - rank(b, term) || profileInfo(b) - profileInfo(a) || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0),
  );
  const capped = rows.results.length >= MAX_CANDIDATES;
  return { results: matches.slice(0, limit), limited: matches.length > limit || capped };
}
