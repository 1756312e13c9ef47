// POST /search, category room_events: full-text search (FTS5 `event_search`) over what the user may read.
import { eventMatchesFilter } from "../protocol/filters/event-filter-match";
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { EVENT_COLUMNS, toClientEvents, type EventRow } from "./event-rows";
import { highestVisible, inVisibleRanges, isOpenEnded, OPEN_END, readableRoomsOf } from "./history-visibility";
import { clientEventsWithRelations } from "./relations-aggregation";
import { currentState, stateAt } from "./room-queries";
import { searchContext } from "./search-context";
import { searchQueryOf, searchWords } from "./search-terms";

export const SEARCH_KEYS = ["content.body", "content.name", "content.topic"] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
const KEY_TYPES: Readonly<Record<SearchKey, string>> = {
  "content.body": "m.room.message",
  "content.name": "m.room.name",
  "content.topic": "m.room.topic",
};

export interface SearchRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly now: number;
  readonly searchTerm: string;
  readonly keys?: readonly SearchKey[];
  readonly filter?: RoomEventFilter;
  readonly orderBy: "rank" | "recent";
  readonly eventContext?: { readonly beforeLimit: number; readonly afterLimit: number; readonly includeProfile: boolean };
  readonly includeState: boolean;
  readonly groupBy: readonly ("room_id" | "sender")[];
  readonly nextBatch?: string;
}

/** A `next_batch` this server did not issue for this ordering (400 M_INVALID_PARAM). */
export interface InvalidSearchToken {
  readonly _tag: "InvalidSearchToken";
  readonly reason: string;
}

export const DEFAULT_SEARCH_LIMIT = 10;
const MAX_SEARCH_LIMIT = 100;
const MAX_CONTEXT = 20;
const MAX_NAMED_ROOMS = 100;

type Row = EventRow & { readonly score: number };

/**
 * Pages: by rank a result offset (`r{n}`); by recency the position below which to continue
 * (`p{pos}`), so new messages arriving between pages neither repeat nor skip results.
 */
function parseToken(token: string | undefined, orderBy: "rank" | "recent"): Result<number | undefined, InvalidSearchToken> {
  if (token === undefined || token === "") return ok(undefined);
  const match = /^([rp])(0|[1-9][0-9]{0,15})$/.exec(token);
  if (match === null || (match[1] === "r") !== (orderBy === "rank")) {
    return err({ _tag: "InvalidSearchToken", reason: "next_batch is not a token of this search" });
  }
  return ok(Number(match[2]));
}

export async function searchRoomEvents(db: D1Database, request: SearchRequest): Promise<Result<JsonObject, InvalidSearchToken>> {
  const cursor = parseToken(request.nextBatch, request.orderBy);
  if (!cursor.ok) return cursor;
  const filter = request.filter ?? {};
  // The rooms the user has a membership in, and rooms the filter names (a non-member reads a
  // world_readable room's history), each with the positions history visibility lets them read.
  const named = (filter.rooms ?? []).slice(0, MAX_NAMED_ROOMS);
  const readable = await readableRoomsOf(db, request.userId, named);
  const encrypted = await encryptedRooms(db, [...readable.keys()]);
  const rooms = [...readable].filter(
    ([roomId]) => !encrypted.has(roomId) && eventMatchesFilter({ rooms: filter.rooms, not_rooms: filter.not_rooms }, {}, { roomId }),
  );
  const keys = (request.keys ?? SEARCH_KEYS).filter((k) => eventMatchesFilter({ types: filter.types, not_types: filter.not_types }, { type: KEY_TYPES[k] }));
  const words = searchWords(request.searchTerm);
  const empty = { search_categories: { room_events: { count: 0, results: [], highlights: words } } };
  if (rooms.length === 0 || keys.length === 0 || words.length === 0) return ok(empty);

  const limit = Math.max(1, Math.min(filter.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT));
  const byRank = request.orderBy === "rank";
  const where = `event_search MATCH ?1 AND ${inVisibleRanges("e.stream_pos", "v.value->1")} AND event_search.key IN (SELECT value FROM json_each(?2))
    AND e.status = 'accepted' AND e.redacted_because IS NULL
    AND (?3 IS NULL OR e.sender IN (SELECT value FROM json_each(?3)))
    AND (?4 IS NULL OR e.sender NOT IN (SELECT value FROM json_each(?4)))
    AND (?5 IS NULL OR (json_type(e.event_json, '$.content.url') IS NOT NULL) = ?5)`;
  const from = `FROM event_search JOIN events e ON e.stream_pos = event_search.rowid AND e.event_id = event_search.event_id
    JOIN json_each(?6) v ON v.value->>0 = e.room_id`;
  const params = [
    searchQueryOf(words),
    JSON.stringify(keys),
    filter.senders === undefined ? null : JSON.stringify(filter.senders),
    filter.not_senders === undefined ? null : JSON.stringify(filter.not_senders),
    filter.contains_url === undefined ? null : filter.contains_url ? 1 : 0,
    JSON.stringify(rooms),
  ];
  const page = byRank
    ? db
        .prepare(`SELECT ${EVENT_COLUMNS}, bm25(event_search) AS score ${from} WHERE ${where} ORDER BY score, e.stream_pos DESC LIMIT ?7 OFFSET ?8`)
        .bind(...params, limit + 1, cursor.value ?? 0)
    : db
        .prepare(`SELECT ${EVENT_COLUMNS}, bm25(event_search) AS score ${from} WHERE ${where} AND e.stream_pos < ?7 ORDER BY e.stream_pos DESC LIMIT ?8`)
        .bind(...params, cursor.value ?? OPEN_END, limit + 1);
  const [found, counted] = await db.batch([page, db.prepare(`SELECT COUNT(*) AS count ${from} WHERE ${where}`).bind(...params)]);
  const rows = ((found?.results ?? []) as Row[]).slice(0, limit);
  const count = ((counted?.results[0] as { count: number } | undefined)?.count) ?? 0;

  const viewer = { userId: request.userId, ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }), visible: readable };
  const events = await clientEventsWithRelations(db, rows, viewer, { now: request.now, includeRoomId: true });
  const results: JsonValue[] = [];
  for (const [i, row] of rows.entries()) {
    const result: Record<string, JsonValue> = { rank: -row.score, result: events[i] ?? {} };
    if (request.eventContext !== undefined) {
      result["context"] = await searchContext(db, row, readable.get(row.room_id) ?? [], {
        beforeLimit: Math.min(request.eventContext.beforeLimit, MAX_CONTEXT),
        afterLimit: Math.min(request.eventContext.afterLimit, MAX_CONTEXT),
        includeProfile: request.eventContext.includeProfile,
        now: request.now,
      });
    }
    results.push(result);
  }

  const body: Record<string, JsonValue> = { count, results, highlights: words };
  const last = rows.at(-1);
  if ((found?.results.length ?? 0) > limit && last !== undefined) {
    body["next_batch"] = byRank ? `r${(cursor.value ?? 0) + limit}` : `p${last.stream_pos}`;
  }
  if (request.includeState) {
    const state: Record<string, JsonValue> = {};
    for (const roomId of new Set(rows.map((r) => r.room_id))) {
      const ranges = readable.get(roomId) ?? [];
      const stateRows = isOpenEnded(ranges) ? await currentState(db, roomId) : await stateAt(db, roomId, highestVisible(ranges));
      state[roomId] = await toClientEvents(db, stateRows, { now: request.now, includeRoomId: true });
    }
    body["state"] = state;
  }
  if (request.groupBy.length > 0) body["groups"] = groupsOf(rows, request.groupBy);
  return ok({ search_categories: { room_events: body } });
}

/** The spec leaves end-to-end encrypted rooms out of search, even their names and topics. */
async function encryptedRooms(db: D1Database, roomIds: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .prepare(
      `SELECT cs.room_id FROM json_each(?) j JOIN current_state cs
       ON cs.room_id = j.value AND cs.type = 'm.room.encryption' AND cs.state_key = ''`,
    )
    .bind(JSON.stringify(roomIds))
    .all<{ room_id: string }>();
  return new Set(rows.results.map((r) => r.room_id));
}

/** Groups of this page's results, in the order each group's best result appears. */
function groupsOf(rows: readonly Row[], groupBy: readonly ("room_id" | "sender")[]): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const key of new Set(groupBy)) {
    const groups = new Map<string, string[]>();
    for (const row of rows) {
      const value = key === "room_id" ? row.room_id : row.sender;
      const list = groups.get(value) ?? [];
      list.push(row.event_id);
      groups.set(value, list);
    }
    const byValue: Record<string, JsonValue> = {};
    [...groups].forEach(([value, ids], order) => {
      byValue[value] = { order: order + 1, results: ids };
    });
    out[key] = byValue;
  }
  return out;
}
