// Bundled aggregations (`unsigned["m.relations"]`): m.replace, m.thread and m.reference, and client events carrying them.
import { isJsonObject, type JsonObject, type JsonValue } from "../protocol/json-value";
import type { ClientEvent } from "./client-event";
import { EVENT_COLUMNS, toClientEvents, type EventRow, type FormatOptions } from "./event-rows";
import { inVisibleRanges, type VisibleRanges } from "./history-visibility";

/** Who reads, and which positions of each room history visibility lets them read (see history-visibility). */
export interface AggregationViewer {
  readonly userId: string;
  readonly deviceId?: string;
  readonly visible: ReadonlyMap<string, VisibleRanges>;
}

// A child counts only when the viewer may see it: its position lies in the parent's room's ranges.
const CHILD_VISIBLE = inVisibleRanges("r.stream_pos", "p.value->1");

const relTypeOf = (row: EventRow): string | undefined => {
  const content = (JSON.parse(row.event_json) as JsonObject)["content"];
  const rel = isJsonObject(content) ? content["m.relates_to"] : undefined;
  const type = isJsonObject(rel) ? rel["rel_type"] : undefined;
  return typeof type === "string" ? type : undefined;
};

interface ThreadRow {
  readonly parent: string;
  readonly count: number;
  readonly latest_id: string;
  readonly mine: number;
}

/**
 * The `m.relations` object of each row that has aggregatable children the viewer may see. State
 * events get none (spec). A redacted parent keeps its thread and references but loses m.replace.
 * `depth` stops the nesting: a thread's latest event carries its own aggregations, one level down.
 */
export async function bundledAggregations(
  db: D1Database,
  rows: readonly EventRow[],
  viewer: AggregationViewer,
  format: FormatOptions,
  depth = 1,
): Promise<Map<string, JsonObject>> {
  const parents = rows.filter((r) => r.state_key === null && viewer.visible.has(r.room_id));
  const out = new Map<string, Record<string, JsonValue>>();
  if (parents.length === 0) return new Map();
  const key = JSON.stringify(parents.map((p) => [p.event_id, viewer.visible.get(p.room_id) ?? [], p.room_id]));
  const editable = parents.filter((p) => p.redacted_because === null && relTypeOf(p) !== "m.replace");
  const editKey = JSON.stringify(editable.map((p) => [p.event_id, viewer.visible.get(p.room_id) ?? [], p.room_id, p.sender, p.type]));
  // Each parent travels as one JSON array element: no bound-parameter limit, one statement per kind.
  const [threads, edits, references] = await db.batch([
    db
      .prepare(
        `SELECT p.value->>0 AS parent, COUNT(*) AS count, MAX(r.stream_pos) AS latest_pos, r.event_id AS latest_id,
           SUM(r.sender = ?2) AS mine
         FROM json_each(?1) p JOIN relations r
           ON r.relates_to = p.value->>0 AND r.rel_type = 'm.thread' AND r.room_id = p.value->>2 AND ${CHILD_VISIBLE}
         GROUP BY p.value->>0`,
      )
      .bind(key, viewer.userId),
    db
      .prepare(
        `SELECT p.value->>0 AS parent, ${EVENT_COLUMNS}
         FROM json_each(?1) p JOIN relations r
           ON r.relates_to = p.value->>0 AND r.rel_type = 'm.replace' AND r.room_id = p.value->>2 AND ${CHILD_VISIBLE}
             AND r.sender = p.value->>3 AND r.type = p.value->>4
         JOIN events e ON e.event_id = r.event_id
         WHERE e.status = 'accepted' AND e.redacted_because IS NULL AND e.state_key IS NULL
           AND json_type(e.event_json, '$.content."m.new_content"') = 'object'
         ORDER BY p.value->>0, e.origin_server_ts DESC, e.event_id DESC`,
      )
      .bind(editKey),
    db
      .prepare(
        `SELECT p.value->>0 AS parent, r.event_id FROM json_each(?1) p JOIN relations r
           ON r.relates_to = p.value->>0 AND r.rel_type = 'm.reference' AND r.room_id = p.value->>2 AND ${CHILD_VISIBLE}
         ORDER BY r.stream_pos`,
      )
      .bind(key),
  ]);
  const entry = (parent: string): Record<string, JsonValue> => {
    let found = out.get(parent);
    if (found === undefined) out.set(parent, (found = {}));
    return found;
  };

  const latestEdits = new Map<string, EventRow>();
  for (const row of (edits?.results ?? []) as (EventRow & { parent: string })[]) {
    if (!latestEdits.has(row.parent)) latestEdits.set(row.parent, row);
  }
  const editEvents = await toClientEvents(db, [...latestEdits.values()], format);
  [...latestEdits.keys()].forEach((parent, i) => {
    const event = editEvents[i];
    if (event !== undefined) entry(parent)["m.replace"] = event;
  });

  const threadRows = (threads?.results ?? []) as ThreadRow[];
  if (threadRows.length > 0) {
    const latest = await eventRows(db, threadRows.map((t) => t.latest_id));
    const nested = depth > 0 ? await bundledAggregations(db, [...latest.values()], viewer, format, depth - 1) : new Map<string, JsonObject>();
    const latestEvents = await toClientEvents(db, [...latest.values()], { ...format, aggregations: nested });
    const byId = new Map(latestEvents.map((e) => [e["event_id"] as string, e]));
    const senders = new Map(parents.map((p) => [p.event_id, p.sender]));
    for (const t of threadRows) {
      const latestEvent = byId.get(t.latest_id);
      if (latestEvent === undefined) continue;
      entry(t.parent)["m.thread"] = {
        latest_event: latestEvent,
        count: t.count,
        current_user_participated: t.mine > 0 || senders.get(t.parent) === viewer.userId,
      };
    }
  }

  for (const row of (references?.results ?? []) as { parent: string; event_id: string }[]) {
    const agg = entry(row.parent);
    const existing = agg["m.reference"];
    const chunk = isJsonObject(existing) && Array.isArray(existing["chunk"]) ? existing["chunk"] : [];
    agg["m.reference"] = { chunk: [...chunk, { event_id: row.event_id }] };
  }
  return out;
}

async function eventRows(db: D1Database, ids: readonly string[]): Promise<Map<string, EventRow>> {
  const rows = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM json_each(?) j JOIN events e ON e.event_id = j.value ORDER BY e.stream_pos`)
    .bind(JSON.stringify(ids))
    .all<EventRow>();
  return new Map(rows.results.map((r) => [r.event_id, r]));
}

/** One room's page of events in client format with their aggregations, as seen by one requester. */
export function roomPageChunk(
  db: D1Database,
  page: readonly EventRow[],
  request: { readonly userId: string; readonly deviceId?: string | undefined; readonly roomId: string; readonly now: number },
  ranges: VisibleRanges,
): Promise<ClientEvent[]> {
  const viewer = {
    userId: request.userId,
    ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
    visible: new Map([[request.roomId, ranges]]),
  };
  return clientEventsWithRelations(db, page, viewer, { now: request.now, includeRoomId: true });
}

export async function clientEventsWithRelations(
  db: D1Database,
  rows: readonly EventRow[],
  viewer: AggregationViewer,
  options: { readonly now: number; readonly includeRoomId: boolean },
): Promise<ClientEvent[]> {
  const format: FormatOptions = {
    now: options.now,
    includeRoomId: options.includeRoomId,
    viewer: { userId: viewer.userId, ...(viewer.deviceId === undefined ? {} : { deviceId: viewer.deviceId }) },
  };
  const aggregations = await bundledAggregations(db, rows, viewer, format);
  return toClientEvents(db, rows, { ...format, aggregations });
}
