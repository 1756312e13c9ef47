// Event rows of the `events` read model, and the loads that turn them into client events.
import type { JsonObject } from "../protocol/json-value";
import { formatClientEvent, type ClientEvent, type ClientEventOptions } from "./client-event";

export interface EventRow {
  readonly stream_pos: number;
  readonly event_id: string;
  readonly room_id: string;
  readonly type: string;
  readonly state_key: string | null;
  readonly sender: string;
  readonly origin_server_ts: number;
  readonly event_json: string;
  readonly replaces_event_id: string | null;
  readonly txn_user_id: string | null;
  readonly txn_device_id: string | null;
  readonly txn_id: string | null;
  readonly redacted_because: string | null;
}

export const EVENT_COLUMNS = `e.stream_pos, e.event_id, e.room_id, e.type, e.state_key, e.sender, e.origin_server_ts,
  e.event_json, e.replaces_event_id, e.txn_user_id, e.txn_device_id, e.txn_id, e.redacted_because`;

const ROW_OBJECT = `json_object('stream_pos', r.stream_pos, 'event_id', r.event_id, 'room_id', r.room_id, 'type', r.type,
  'state_key', r.state_key, 'sender', r.sender, 'origin_server_ts', r.origin_server_ts, 'event_json', r.event_json,
  'replaces_event_id', r.replaces_event_id, 'txn_user_id', r.txn_user_id, 'txn_device_id', r.txn_device_id, 'txn_id', r.txn_id,
  'redacted_because', r.redacted_because)`;

/**
 * Selected beside EVENT_COLUMNS: the replaced state event (for `prev_content`) and the redaction
 * (for `redacted_because`) as JSON rows, so formatting needs no second read.
 */
export const RELATED_COLUMNS = `(SELECT ${ROW_OBJECT} FROM events r WHERE r.event_id = e.replaces_event_id AND e.state_key IS NOT NULL) AS replaced_row,
  (SELECT ${ROW_OBJECT} FROM events r WHERE r.event_id = e.redacted_because) AS redaction_row`;

export interface EventRowWithRelated extends EventRow {
  readonly replaced_row: string | null;
  readonly redaction_row: string | null;
}

/** The related rows that RELATED_COLUMNS carried, by event ID, as formatClientEvent wants them. */
export function relatedRows(rows: readonly EventRowWithRelated[]): Map<string, EventRow> {
  const out = new Map<string, EventRow>();
  for (const row of rows) {
    for (const text of [row.replaced_row, row.redaction_row]) {
      if (text === null) continue;
      const related = JSON.parse(text) as EventRow;
      out.set(related.event_id, related);
    }
  }
  return out;
}

// D1 allows 100 bound parameters per statement.
const IN_CHUNK = 90;

export async function eventsById(db: D1Database, ids: readonly string[]): Promise<Map<string, EventRow>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, EventRow>();
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const chunk = unique.slice(i, i + IN_CHUNK);
    const rows = await db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<EventRow>();
    for (const row of rows.results) out.set(row.event_id, row);
  }
  return out;
}

export async function roomVersionsOf(db: D1Database, roomIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(roomIds)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const chunk = unique.slice(i, i + IN_CHUNK);
    const rows = await db
      .prepare(`SELECT room_id, room_version FROM rooms WHERE room_id IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<{ room_id: string; room_version: string }>();
    for (const row of rows.results) out.set(row.room_id, row.room_version);
  }
  return out;
}

export type FormatOptions = Omit<ClientEventOptions, "roomVersion" | "related">;

/**
 * Formats rows for clients: loads the redactions and replaced state events they point at (for
 * `redacted_because` and `prev_content`) and the rooms' versions (for the redaction algorithm).
 */
export async function toClientEvents(db: D1Database, rows: readonly EventRow[], options: FormatOptions): Promise<ClientEvent[]> {
  if (rows.length === 0) return [];
  const pointers = rows.flatMap((r) => [r.redacted_because, r.replaces_event_id]).filter((id): id is string => id !== null);
  const related = await eventsById(db, pointers);
  const versions = await roomVersionsOf(db, rows.map((r) => r.room_id));
  return rows.map((row) =>
    formatClientEvent(row, { ...options, roomVersion: versions.get(row.room_id) ?? "", related }),
  );
}

export const parseEventJson = (row: EventRow): JsonObject => JSON.parse(row.event_json) as JsonObject;
