// The `context` of one search result: neighbouring events, pagination tokens and optionally the senders' profiles.
import { isJsonObject, type JsonObject, type JsonValue } from "../protocol/json-value";
import type { EventRow } from "./event-rows";
import { toClientEvents } from "./event-rows";
import { eventsBetween } from "./room-queries";
import { formatSyncToken, tokenAt } from "./sync-token";

export interface SearchContextOptions {
  readonly beforeLimit: number;
  readonly afterLimit: number;
  readonly includeProfile: boolean;
  readonly now: number;
}

/** `start`/`end` are /messages tokens, like /context's: they continue past the events returned. */
export async function searchContext(db: D1Database, row: EventRow, ceiling: number, options: SearchContextOptions): Promise<JsonObject> {
  const before = options.beforeLimit === 0 ? [] : (await eventsBetween(db, row.room_id, 0, row.stream_pos - 1, options.beforeLimit, "desc")).slice(0, options.beforeLimit);
  const after = options.afterLimit === 0 ? [] : (await eventsBetween(db, row.room_id, row.stream_pos, ceiling, options.afterLimit, "asc")).slice(0, options.afterLimit);
  const format = { now: options.now, includeRoomId: true };
  const out: Record<string, JsonValue> = {
    start: formatSyncToken(tokenAt((before.at(-1)?.stream_pos ?? row.stream_pos) - 1)),
    end: formatSyncToken(tokenAt(after.at(-1)?.stream_pos ?? row.stream_pos)),
    events_before: await toClientEvents(db, before, format),
    events_after: await toClientEvents(db, after, format),
  };
  if (options.includeProfile) {
    const senders = [...new Set([row, ...before, ...after].map((r) => r.sender))];
    out["profile_info"] = await profiles(db, row.room_id, senders);
  }
  return out;
}

/** Each sender's displayname and avatar_url from their current m.room.member event in the room. */
async function profiles(db: D1Database, roomId: string, senders: readonly string[]): Promise<JsonObject> {
  const rows = await db
    .prepare(
      `SELECT cs.state_key, json_extract(e.event_json, '$.content') AS content
       FROM current_state cs JOIN events e ON e.event_id = cs.event_id
       WHERE cs.room_id = ? AND cs.type = 'm.room.member' AND cs.state_key IN (SELECT value FROM json_each(?))`,
    )
    .bind(roomId, JSON.stringify(senders))
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
