// The `context` of one search result: neighbouring events, pagination tokens and optionally the senders' profiles.
import { isJsonObject, type JsonObject, type JsonValue } from "../protocol/json-value";
import type { EventRow } from "./event-rows";
import { toClientEvents } from "./event-rows";
import { highestVisible, visibleEventsBetween, type VisibleRanges } from "./history-visibility";
import { formatSyncToken, tokenAt } from "./sync-token";

export interface SearchContextOptions {
  readonly beforeLimit: number;
  readonly afterLimit: number;
  readonly includeProfile: boolean;
  readonly now: number;
}

/**
 * `start`/`end` are /messages tokens, like /context's: they continue past the events returned.
 * Only neighbours the user may see (`ranges`: the room's positions history visibility lets them read).
 */
export async function searchContext(db: D1Database, row: EventRow, ranges: VisibleRanges, options: SearchContextOptions): Promise<JsonObject> {
  const near = (after: number, upTo: number, limit: number, order: "asc" | "desc") =>
    limit === 0 ? Promise.resolve([]) : visibleEventsBetween(db, row.room_id, ranges, after, upTo, limit, order).then((rows) => rows.slice(0, limit));
  const before = await near(0, row.stream_pos - 1, options.beforeLimit, "desc");
  const after = await near(row.stream_pos, highestVisible(ranges), options.afterLimit, "asc");
  const format = { now: options.now, includeRoomId: true };
  const out: Record<string, JsonValue> = {
    start: formatSyncToken(tokenAt((before.at(-1)?.stream_pos ?? row.stream_pos) - 1)),
    end: formatSyncToken(tokenAt(after.at(-1)?.stream_pos ?? row.stream_pos)),
    events_before: await toClientEvents(db, before, format),
    events_after: await toClientEvents(db, after, format),
  };
  if (options.includeProfile) {
    const senders = [...new Set([row, ...before, ...after].map((r) => r.sender))];
    out["profile_info"] = await profiles(db, row.room_id, senders, highestVisible(ranges));
  }
  return out;
}

/**
 * Each sender's displayname and avatar_url from their m.room.member event in the room as of `at`
 * (the last position the user may read: a former member does not learn of later profile changes).
 */
async function profiles(db: D1Database, roomId: string, senders: readonly string[], at: number): Promise<JsonObject> {
  const rows = await db
    .prepare(
      `SELECT sc.state_key, json_extract(e.event_json, '$.content') AS content
       FROM json_each(?2) s JOIN state_changes sc ON sc.room_id = ?1 AND sc.type = 'm.room.member' AND sc.state_key = s.value
       JOIN events e ON e.event_id = sc.event_id
       WHERE sc.stream_pos = (SELECT MAX(s2.stream_pos) FROM state_changes s2
         WHERE s2.room_id = ?1 AND s2.type = 'm.room.member' AND s2.state_key = s.value AND s2.stream_pos <= ?3)`,
    )
    .bind(roomId, JSON.stringify(senders), at)
    .all<{ state_key: string; content: string | null }>();
  const out: Record<string, JsonValue> = {};
  for (const r of rows.results) {
    const content: unknown = r.content === null ? {} : JSON.parse(r.content);
    const c = isJsonObject(content as JsonValue) ? (content as JsonObject) : {};
    const profile: Record<string, JsonValue> = {};
    if (typeof c["displayname"] === "string") profile["displayname"] = c["displayname"];
    if (typeof c["avatar_url"] === "string") profile["avatar_url"] = c["avatar_url"];
    out[r.state_key] = profile;
  }
  return out;
}
