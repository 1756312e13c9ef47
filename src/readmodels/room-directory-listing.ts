// The published room directory (GET/POST /publicRooms) read from the D1 read models, largest rooms first.

/** Where a page starts: after (`next`) or before (`prev`) the room with these sort keys. */
export interface DirectoryToken {
  readonly direction: "next" | "prev";
  readonly joined: number;
  readonly roomId: string;
}

export interface PublicRoomsQuery {
  readonly limit: number;
  readonly since?: DirectoryToken;
  /** Matched, ignoring ASCII case, against name, topic and canonical alias. */
  readonly searchTerm?: string;
  /** Room types to keep; `null` keeps rooms without a type. Absent or empty: every type. */
  readonly roomTypes?: readonly (string | null)[];
}

/** One room of the directory, in the spec's PublishedRoomsChunk shape (absent fields left out). */
export interface PublicRoomsChunk {
  readonly room_id: string;
  readonly num_joined_members: number;
  readonly world_readable: boolean;
  readonly guest_can_join: boolean;
  readonly name?: string;
  readonly topic?: string;
  readonly canonical_alias?: string;
  readonly avatar_url?: string;
  readonly join_rule?: string;
  readonly room_type?: string;
}

export interface PublicRoomsPage {
  readonly chunk: PublicRoomsChunk[];
  readonly next_batch?: string;
  readonly prev_batch?: string;
  readonly total_room_count_estimate: number;
}

const TOKEN = /^([np])([0-9]{1,10})_(!.+)$/;

/** Opaque to clients; keyset tokens (not offsets) so rooms joining the list do not shift later pages. */
export const formatDirectoryToken = (token: DirectoryToken): string =>
  `${token.direction === "next" ? "n" : "p"}${token.joined}_${token.roomId}`;

export function parseDirectoryToken(text: string): DirectoryToken | undefined {
  const m = TOKEN.exec(text);
  if (m === null) return undefined;
  return { direction: m[1] === "n" ? "next" : "prev", joined: Number(m[2]), roomId: m[3]! };
}

/** One field of a current state event's content; `stripped`: redaction removes it (so a redacted event gives NULL). */
const stateField = (type: string, path: string, stripped: boolean): string =>
  `(SELECT json_extract(e.event_json, '${path}') FROM current_state cs JOIN events e ON e.event_id = cs.event_id
    WHERE cs.room_id = d.room_id AND cs.type = '${type}' AND cs.state_key = ''${stripped ? " AND e.redacted_because IS NULL" : ""})`;

// join_rule, history_visibility and the create event's content survive redaction; the rest do not.
const PUBLISHED = `
  WITH pub AS (
    SELECT d.room_id AS room_id,
      (SELECT COUNT(*) FROM memberships m WHERE m.room_id = d.room_id AND m.membership = 'join') AS joined,
      ${stateField("m.room.name", "$.content.name", true)} AS name,
      ${stateField("m.room.topic", "$.content.topic", true)} AS topic,
      ${stateField("m.room.canonical_alias", "$.content.alias", true)} AS canonical_alias,
      ${stateField("m.room.avatar", "$.content.url", true)} AS avatar_url,
      ${stateField("m.room.join_rules", "$.content.join_rule", false)} AS join_rule,
      ${stateField("m.room.history_visibility", "$.content.history_visibility", false)} AS history_visibility,
      ${stateField("m.room.guest_access", "$.content.guest_access", true)} AS guest_access,
      ${stateField("m.room.create", "$.content.type", false)} AS room_type
    FROM room_directory d WHERE d.visibility = 'public'
  )`;

interface PublishedRow {
  readonly room_id: string;
  readonly joined: number;
  readonly name: unknown;
  readonly topic: unknown;
  readonly canonical_alias: unknown;
  readonly avatar_url: unknown;
  readonly join_rule: unknown;
  readonly history_visibility: unknown;
  readonly guest_access: unknown;
  readonly room_type: unknown;
}

// D1 allows 100 bound parameters per statement; the rest of the query needs fewer than 10.
export const MAX_ROOM_TYPES = 50;

/** The filter shared by the page and the count: rooms someone is in, matching the search. */
function filterOf(query: PublicRoomsQuery): { sql: string; binds: unknown[] } {
  // A room nobody is joined to cannot be joined through this server, so it is not worth listing.
  const parts = ["joined > 0"];
  const binds: unknown[] = [];
  const term = query.searchTerm?.trim().toLowerCase();
  if (term !== undefined && term !== "") {
    // instr, not LIKE: the term's % and _ are plain characters. lower() folds ASCII only.
    parts.push("(instr(lower(name), ?) > 0 OR instr(lower(topic), ?) > 0 OR instr(lower(canonical_alias), ?) > 0)");
    binds.push(term, term, term);
  }
  const types = query.roomTypes ?? [];
  if (types.length > 0) {
    const named = types.filter((t): t is string => t !== null);
    const alternatives = named.length > 0 ? [`room_type IN (${named.map(() => "?").join(",")})`] : [];
    if (types.includes(null)) alternatives.push("room_type IS NULL");
    parts.push(`(${alternatives.join(" OR ")})`);
    binds.push(...named);
  }
  return { sql: parts.join(" AND "), binds };
}

export async function publicRooms(db: D1Database, query: PublicRoomsQuery): Promise<PublicRoomsPage> {
  const filter = filterOf(query);
  const since = query.since;
  const backward = since?.direction === "prev";
  let keyset = "";
  const keysetBinds: unknown[] = [];
  if (since !== undefined) {
    // Order: joined members descending, then room ID ascending, so equal sizes still page stably.
    keyset = backward
      ? " AND (joined > ? OR (joined = ? AND room_id < ?))"
      : " AND (joined < ? OR (joined = ? AND room_id > ?))";
    keysetBinds.push(since.joined, since.joined, since.roomId);
  }
  const order = backward ? "joined ASC, room_id DESC" : "joined DESC, room_id ASC";
  const [page, count] = await db.batch([
    db
      .prepare(`${PUBLISHED} SELECT * FROM pub WHERE ${filter.sql}${keyset} ORDER BY ${order} LIMIT ?`)
      .bind(...filter.binds, ...keysetBinds, query.limit + 1),
    db.prepare(`${PUBLISHED} SELECT COUNT(*) AS n FROM pub WHERE ${filter.sql}`).bind(...filter.binds),
  ]);
  const rows = (page?.results ?? []) as PublishedRow[];
  const more = rows.length > query.limit;
  const kept = rows.slice(0, query.limit);
  if (backward) kept.reverse();
  const first = kept[0];
  const last = kept[kept.length - 1];
  // Backward, there are rooms after this page (the page the token came from); forward, rooms before it.
  const hasNext = backward ? true : more;
  const hasPrev = backward ? more : since !== undefined;
  const total = ((count?.results[0] ?? { n: 0 }) as { n: number }).n;
  return {
    chunk: kept.map(toChunk),
    ...(hasNext && last !== undefined ? { next_batch: formatDirectoryToken({ direction: "next", joined: last.joined, roomId: last.room_id }) } : {}),
    ...(hasPrev && first !== undefined ? { prev_batch: formatDirectoryToken({ direction: "prev", joined: first.joined, roomId: first.room_id }) } : {}),
    total_room_count_estimate: total,
  };
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function toChunk(row: PublishedRow): PublicRoomsChunk {
  const optional: Record<string, string> = {};
  const fields = {
    name: text(row.name),
    topic: text(row.topic),
    canonical_alias: text(row.canonical_alias),
    avatar_url: text(row.avatar_url),
    join_rule: text(row.join_rule),
    room_type: text(row.room_type),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) optional[key] = value;
  return {
    room_id: row.room_id,
    num_joined_members: row.joined,
    world_readable: row.history_visibility === "world_readable",
    guest_can_join: row.guest_access === "can_join",
    ...optional,
  };
}
