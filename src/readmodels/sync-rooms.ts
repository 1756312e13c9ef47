// The `rooms` part of /sync: which rooms to send, their timelines, state, summaries and unread counts, read in a fixed number of D1 round trips.
import { applyEventFields } from "../protocol/filters/event-fields";
import type { Filter } from "../protocol/filters/filter-definition";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import type { AccountDataChange } from "./account-data";
import { formatClientEvent, formatFederationEvent, type ClientEvent } from "./client-event";
import type { VisibleRanges } from "./history-visibility";
import { relatedRows, type EventRow, type EventRowWithRelated, type FormatOptions } from "./event-rows";
import { bundledAggregations } from "./relations-aggregation";
import { accountDataSections, type AccountDataSections } from "./sync-account-data";
import { readSummaries, summaryJson, summaryStatements, type RoomSummaryData } from "./sync-room-summary";
import type { SyncMembership } from "./sync-snapshot";
import { lazyMembers, planRooms, stateQueries, type RoomPlan } from "./sync-room-plan";
import { readStates, stateStatements } from "./sync-state";
import { readStrippedState, strippedStateStatement } from "./sync-stripped-state";
import { readTimelines, timelinesStatement, type RoomTimeline, type TimelinesRequest } from "./sync-timeline";
import { formatSyncToken, tokenAt } from "./sync-token";
import { readUnread, unreadStatements, type RoomUnread } from "./unread-counts";

export interface RoomsInput {
  readonly db: D1Database;
  readonly userId: string;
  readonly deviceId: string | undefined;
  readonly now: number;
  readonly filter: Filter | undefined;
  readonly fullState: boolean;
  /** `use_state_after`: rooms carry `state_after` (state at the timeline's end) instead of `state`. */
  readonly useStateAfter: boolean;
  readonly limit: number;
  /** The room event stream's head this sync reads up to. */
  readonly position: number;
  /** Undefined: the client has nothing (initial sync). */
  readonly since: number | undefined;
  readonly accountPosition: number;
  readonly memberships: readonly SyncMembership[];
  /** Rooms whose membership changed after `since` while the user stayed joined: not new to the client. */
  readonly joinedAtSince: ReadonlySet<string>;
  /** Rooms with events after `since` (undefined in an initial sync: every room counts as moved). */
  readonly movedRooms: ReadonlySet<string> | undefined;
  readonly accountData: AccountDataSections;
  /** The positions of each room history visibility lets the user read. */
  readonly visible: ReadonlyMap<string, VisibleRanges>;
  /** Rooms left out of `leave` even with include_leave (forgotten ones). */
  readonly hiddenLeftRooms: ReadonlySet<string>;
  /**
   * Sections other streams add to joined rooms (`ephemeral`, say), by room ID then key. A joined
   * room with any is sent even when nothing else of it changed.
   */
  readonly extraSections?: ReadonlyMap<string, Readonly<Record<string, JsonValue>>>;
}

export interface RoomsSections {
  readonly join: Record<string, JsonValue>;
  readonly invite: Record<string, JsonValue>;
  readonly knock: Record<string, JsonValue>;
  readonly leave: Record<string, JsonValue>;
}

export async function buildRoomSections(input: RoomsInput): Promise<RoomsSections> {
  const { db, userId, filter, since } = input;
  const plan = planRooms(input);
  const joined = plan.rooms.filter((r) => !r.left);
  // Rooms with only account data (or other streams' news) to say are not read: an empty timeline.
  const withContent = plan.rooms.filter((r) => r.content);
  const withoutContent = plan.rooms.filter((r) => !r.content);
  const joinedIds = joined.map((r) => r.membership.room_id);
  // Rooms new to the client since a token get all their account data (tags set before joining).
  const newSinceToken = since === undefined ? [] : joined.filter((r) => r.fresh).map((r) => r.membership.room_id);

  // Round trip 1: timelines, summaries, stripped state, account data of new rooms, unread counts.
  const statements: D1PreparedStatement[] = [];
  const slot = (s: D1PreparedStatement | undefined): number => (s === undefined ? -1 : statements.push(s) - 1);
  const timelineRequest: TimelinesRequest = { userId, rooms: withContent.map((r) => r.timeline), limit: input.limit, filter: filter?.room?.timeline };
  const timelineSlot = slot(timelinesStatement(db, timelineRequest));
  const summarySlots = joinedIds.length === 0 ? [] : summaryStatements(db, userId, joinedIds, since).map(slot);
  const strippedSlot =
    plan.stripped.length === 0
      ? -1
      : slot(strippedStateStatement(db, plan.stripped.map((m) => ({ roomId: m.room_id, membershipEventId: m.event_id }))));
  const newRoomDataSlot =
    newSinceToken.length === 0
      ? -1
      : slot(
          db
            .prepare(
              "SELECT stream_pos, room_id, type, content FROM account_data WHERE user_id = ? AND room_id IN (SELECT value FROM json_each(?)) AND stream_pos <= ? ORDER BY stream_pos",
            )
            .bind(userId, JSON.stringify(newSinceToken), input.accountPosition),
        );
  const byThread = filter?.room?.timeline?.unread_thread_notifications === true;
  const unreadRooms = joined.map((r) => ({ roomId: r.membership.room_id, roomVersion: r.membership.room_version, floor: r.membership.stream_pos }));
  const unreadOptions = { upTo: input.position, byThread };
  const unreadSlots = unreadStatements(db, userId, unreadRooms, unreadOptions).map(slot);
  const results = statements.length === 0 ? [] : await db.batch(statements);
  const at = (i: number): D1Result | undefined => (i < 0 ? undefined : results[i]);
  const timelineByRoom = readTimelines(timelineRequest, at(timelineSlot));
  const timelines = withContent.map((r) => timelineByRoom.get(r.membership.room_id)!);
  const summaries = readSummaries(joinedIds, summarySlots.map(at));
  const strippedState = readStrippedState(at(strippedSlot));
  const unread = readUnread(userId, unreadRooms, unreadOptions, unreadSlots.map(at));
  const newRoomData = accountDataSections(
    ((at(newRoomDataSlot)?.results ?? []) as { stream_pos: number; room_id: string; type: string; content: string }[]).map(
      (row): AccountDataChange => ({ roomId: row.room_id, type: row.type, content: JSON.parse(row.content) as JsonObject, streamPos: row.stream_pos }),
    ),
    filter,
  );

  // Round trip 2: state sections (they start where the timelines start) beside bundled aggregations.
  const stateFilter = filter?.room?.state;
  const allState = stateStatements(
    db,
    withContent.flatMap((r, i) => {
      const timeline = timelines[i]!;
      const summary = r.left ? undefined : summaries.get(r.membership.room_id);
      const heroes = summary !== undefined && (r.fresh || summary.changed) ? summary.heroes : undefined;
      const members = lazyMembers(stateFilter, r.fresh || input.fullState ? userId : undefined, timeline, heroes);
      return stateQueries(input, r, timeline, members);
    }),
    stateFilter,
  );
  const viewer = { userId, ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }) };
  const format: FormatOptions = { now: input.now, includeRoomId: false, viewer };
  const parents = timelines.flatMap((t) => t.events.filter((e) => e.has_children === 1));
  const visible = new Map(withContent.map((r) => [r.membership.room_id, r.timeline.visible]));
  const [stateResults, aggregations] = await Promise.all([
    allState.length === 0 ? Promise.resolve([] as D1Result[]) : db.batch(allState),
    parents.length === 0 ? Promise.resolve(new Map<string, JsonObject>()) : bundledAggregations(db, parents, { ...viewer, visible }, format),
  ]);

  const toClient = (rows: readonly EventRowWithRelated[], roomVersion: string): ClientEvent[] => {
    const related = relatedRows(rows);
    const formatEvent = filter?.event_format === "federation" ? formatFederationEvent : formatClientEvent;
    return rows.map((row) => applyEventFields(formatEvent(row, { ...format, roomVersion, related, aggregations }), filter?.event_fields));
  };

  const sections: RoomsSections = { join: {}, invite: {}, knock: {}, leave: {} };
  const states = readStates(stateResults);
  withContent.forEach((r, i) => {
    const rows = states.get(r.membership.room_id) ?? [];
    const assembled = assembleRoom(input, r, timelines[i]!, rows, toClient, {
      summary: summaries.get(r.membership.room_id),
      unread: unread.get(r.membership.room_id),
      accountData: r.fresh && since !== undefined ? newRoomData : input.accountData,
      byThread,
    });
    if (assembled !== undefined) (r.left ? sections.leave : sections.join)[r.membership.room_id] = assembled;
  });
  for (const r of withoutContent) {
    const empty: RoomTimeline = { events: [], limited: false, start: input.position };
    const assembled = assembleRoom(input, r, empty, [], toClient, {
      summary: undefined,
      unread: unread.get(r.membership.room_id),
      accountData: input.accountData,
      byThread,
    });
    if (assembled !== undefined) sections.join[r.membership.room_id] = assembled;
  }
  for (const m of plan.stripped) {
    const key = m.membership === "invite" ? "invite_state" : "knock_state";
    (m.membership === "invite" ? sections.invite : sections.knock)[m.room_id] = { [key]: { events: strippedState.get(m.room_id) ?? [] } };
  }
  return sections;
}

const unreadJson = (unread: RoomUnread | undefined): JsonObject => ({
  notification_count: unread?.room.notification_count ?? 0,
  highlight_count: unread?.room.highlight_count ?? 0,
});

/**
 * One joined or left room's section; undefined when an incremental sync has nothing to say about
 * it. This is where per-room parts are put together (ephemeral events join here).
 */
function assembleRoom(
  input: RoomsInput,
  plan: RoomPlan,
  timeline: RoomTimeline,
  state: readonly EventRow[],
  toClient: (rows: readonly EventRowWithRelated[], roomVersion: string) => ClientEvent[],
  extra: {
    readonly summary: RoomSummaryData | undefined;
    readonly unread: RoomUnread | undefined;
    readonly accountData: AccountDataSections;
    readonly byThread: boolean;
  },
): JsonObject | undefined {
  const roomId = plan.membership.room_id;
  const version = plan.membership.room_version;
  const timelineEvents = toClient(timeline.events, version);
  const stateEvents = toClient(state as EventRowWithRelated[], version);
  const accountData = extra.accountData.rooms.get(roomId) ?? [];
  const extraSections = plan.left ? undefined : input.extraSections?.get(roomId);
  const quiet = timelineEvents.length === 0 && stateEvents.length === 0 && accountData.length === 0 && extraSections === undefined;
  if (!plan.fresh && !input.fullState && quiet) return undefined;
  const section: Record<string, JsonValue> = {
    timeline: { events: timelineEvents, limited: timeline.limited, prev_batch: formatSyncToken(tokenAt(timeline.start)) },
    [input.useStateAfter ? "state_after" : "state"]: { events: stateEvents },
    account_data: { events: accountData },
  };
  if (plan.left) return section;
  section["summary"] = extra.summary === undefined ? {} : summaryJson(extra.summary, plan.fresh);
  section["unread_notifications"] = unreadJson(extra.unread);
  if (extra.byThread && extra.unread?.threads !== undefined && extra.unread.threads.size > 0) {
    section["unread_thread_notifications"] = Object.fromEntries(
      [...extra.unread.threads].map(([thread, counts]) => [thread, { notification_count: counts.notification_count, highlight_count: counts.highlight_count }]),
    );
  }
  return { ...section, ...extraSections };
}
