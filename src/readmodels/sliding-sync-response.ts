// Simplified sliding sync (MSC4186): the user's rooms sorted by recency, the requested windows of
// lists and subscriptions, and the extensions, read with /sync's own queries; and its long-poll.
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { indicesInRanges, type RequiredStatePair, type RoomConfig, type SlidingSyncRequest } from "../protocol/sliding-sync/sliding-sync-request";
import { getAccountData } from "./account-data";
import { formatClientEvent } from "./client-event";
import { relatedRows, type EventRowWithRelated } from "./event-rows";
import type { PositionWaiter } from "./sync-response";
import type { TypingReader } from "./sync-ephemeral";
import { readSummaries, summaryStatements } from "./sync-room-summary";
import { readSyncSnapshot, type SyncMembership } from "./sync-snapshot";
import { readStates, stateStatements, type StateQuery } from "./sync-state";
import { readStrippedState, strippedStateStatement } from "./sync-stripped-state";
import { readTimelines, timelinesStatement, type TimelineQuery, type TimelinesRequest } from "./sync-timeline";
import { formatSyncToken, parseSyncToken, tokenAt, type SyncToken } from "./sync-token";
import { slidingSyncExtensions, watchedStreams } from "./sliding-sync-extensions";
import { readUnread, unreadStatements } from "./unread-counts";

export interface UnknownPos {
  readonly _tag: "UnknownPos";
  readonly reason: string;
}

export interface SlidingSyncInput {
  readonly userId: string;
  readonly deviceId: string;
  readonly pos: string | undefined;
  readonly request: SlidingSyncRequest;
  readonly now: number;
  readonly typing: TypingReader;
}

export interface SlidingSyncResult {
  readonly body: JsonObject;
  readonly token: SyncToken;
  readonly empty: boolean;
}

/** The "proper" activity `bump_stamp` follows (MSC4186); lists are sorted by any event. */
const BUMP_TYPES = ["m.room.create", "m.room.message", "m.room.encrypted", "m.sticker", "m.call.invite", "m.poll.start", "m.beacon_info"];

/** Rooms a list ranges over always: joined, invited, knocked, banned (leaves: see buildSlidingSync). */
const LISTED = new Set(["join", "invite", "knock", "ban"]);

interface Config {
  timelineLimit: number;
  /** Every matching rule's required state: a state event is sent if one of them includes it and does not exclude it. */
  stateRules: StateRule[];
  lists: string[];
}

interface StateRule {
  readonly include: readonly RequiredStatePair[];
  readonly exclude: readonly RequiredStatePair[];
  readonly lazy: boolean;
}

/** A pair that names every member key (under lazy loading it does not). */
const allMembers = ([t, k]: RequiredStatePair): boolean => (t === "*" || t === "m.room.member") && k === "*";

/** A rule's includes as they apply to member events: a lazy rule's wildcards do not reach them. */
const memberPairs = (rule: StateRule): readonly RequiredStatePair[] => (rule.lazy ? rule.include.filter((p) => !allMembers(p)) : rule.include);

const pairsMatch = (pairs: readonly RequiredStatePair[], userId: string, senders: ReadonlySet<string>, type: string, key: string): boolean =>
  pairs.some(
    ([t, k]) =>
      (t === "*" || t === type) &&
      (k === "*" || k === key || (type === "m.room.member" && ((k === "$LAZY" && senders.has(key)) || (k === "$ME" && key === userId)))),
  );

const stateMatches = (config: Config, userId: string, senders: ReadonlySet<string>, type: string, key: string): boolean =>
  config.stateRules.some(
    (r) =>
      pairsMatch(type === "m.room.member" ? memberPairs(r) : r.include, userId, senders, type, key) &&
      !pairsMatch(r.exclude, userId, senders, type, key),
  );

/** The member keys a required_state needs: undefined for all of them. */
function memberKeys(rules: readonly StateRule[], userId: string, senders: ReadonlySet<string>): ReadonlySet<string> | undefined {
  const keys = new Set<string>();
  for (const [t, k] of rules.flatMap(memberPairs)) {
    if (t !== "*" && t !== "m.room.member") continue;
    if (k === "*") return undefined;
    if (k === "$LAZY") for (const s of senders) keys.add(s);
    else if (k === "$ME") keys.add(userId);
    else keys.add(k);
  }
  return keys;
}

/** The rooms the `m.direct` account data names (user ID → room IDs). */
function directRooms(content: JsonObject | undefined): Set<string> {
  const direct = content ?? {};
  return new Set(Object.values(direct).flatMap((v) => (Array.isArray(v) ? v.filter((r): r is string => typeof r === "string") : [])));
}

export async function buildSlidingSync(db: D1Database, input: SlidingSyncInput): Promise<Result<SlidingSyncResult, UnknownPos>> {
  const { userId, deviceId, request } = input;
  let sinceToken: SyncToken | undefined;
  if (input.pos !== undefined) {
    const parsed = parseSyncToken(input.pos);
    if (!parsed.ok) return err({ _tag: "UnknownPos", reason: "pos was not issued by this server" });
    sinceToken = parsed.value;
  }
  const since = sinceToken?.pdu;
  const [snapshot, directContent] = await Promise.all([
    readSyncSnapshot(db, userId, since, sinceToken?.account_data ?? 0),
    getAccountData(db, { userId, type: "m.direct" }),
  ]);
  if (sinceToken !== undefined && (sinceToken.pdu > snapshot.position || sinceToken.account_data > snapshot.accountPosition)) {
    return err({ _tag: "UnknownPos", reason: "pos is ahead of this server's streams" });
  }
  const position = snapshot.position;
  // Leaves: a kick is listed (the user may not know of it); the user's own leave only when it
  // happened after pos (the client has the room from before; with no per-connection record, pos
  // stands for "sent on this connection").
  // Leaves (was it a kick?) and invites (`is_direct`) need their membership event.
  const leavesAndInvites = snapshot.memberships.filter((m) => m.membership === "leave" || m.membership === "invite");
  const joinedIds = snapshot.memberships.filter((m) => m.membership === "join").map((m) => m.room_id);
  // Recency: a joined room's last event; another room's the user's membership event.
  const bans = snapshot.memberships.filter((m) => m.membership === "ban").map((m) => m.room_id);
  const [lastEvents, membershipEvents, createTypes, tagRows, everJoined] = await db.batch([
    db
      .prepare(
        `SELECT j.value AS room_id, (SELECT MAX(e.stream_pos) FROM events e WHERE e.room_id = j.value AND e.stream_pos <= ?1) AS pos,
           (SELECT e.stream_pos FROM events e WHERE e.room_id = j.value AND e.stream_pos <= ?1 AND e.type IN (SELECT value FROM json_each(?3))
            ORDER BY e.stream_pos DESC LIMIT 1) AS bump
         FROM json_each(?2) j`,
      )
      .bind(position, JSON.stringify(joinedIds), JSON.stringify(BUMP_TYPES)),
    db
      .prepare(
        `SELECT event_id, sender <> ?2 AS by_other, json_extract(event_json, '$.content.is_direct') IS 1 AS is_direct
         FROM events WHERE event_id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(leavesAndInvites.map((m) => m.event_id)), userId),
    db
      .prepare(
        `SELECT cs.room_id, json_extract(e.event_json, '$.content.type') AS room_type FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value FROM json_each(?)) AND cs.type = 'm.room.create' AND cs.state_key = ''`,
      )
      .bind(JSON.stringify(snapshot.memberships.map((m) => m.room_id))),
    db.prepare("SELECT room_id, content FROM account_data WHERE user_id = ? AND type = 'm.tag' AND stream_pos <= ?").bind(userId, snapshot.accountPosition),
    // A room the user is banned from is listed only if they were ever joined to it (MSC4186).
    db
      .prepare(
        `SELECT DISTINCT sc.room_id FROM state_changes sc JOIN events e ON e.event_id = sc.event_id
         WHERE sc.room_id IN (SELECT value FROM json_each(?)) AND sc.type = 'm.room.member' AND sc.state_key = ?
           AND json_extract(e.event_json, '$.content.membership') = 'join'`,
      )
      .bind(JSON.stringify(bans), userId),
  ]);
  const wasJoined = new Set(((everJoined?.results ?? []) as { room_id: string }[]).map((r) => r.room_id));
  const tagsOf = new Map(
    ((tagRows?.results ?? []) as { room_id: string; content: string }[]).map((r) => {
      const tags = (JSON.parse(r.content) as { tags?: unknown }).tags;
      return [r.room_id, new Set(tags !== null && typeof tags === "object" ? Object.keys(tags) : [])] as const;
    }),
  );
  const tagged = (roomId: string, tags: readonly string[]) => tags.some((t) => tagsOf.get(roomId)?.has(t) === true);
  const roomType = new Map(
    ((createTypes?.results ?? []) as { room_id: string; room_type: unknown }[]).map((r) => [r.room_id, typeof r.room_type === "string" ? r.room_type : null]),
  );
  const membershipRows = (membershipEvents?.results ?? []) as { event_id: string; by_other: number; is_direct: number }[];
  const kickedOrInvitedByOther = new Set(membershipRows.filter((r) => r.by_other === 1).map((r) => r.event_id));
  const directInvites = new Set(membershipRows.filter((r) => r.is_direct === 1).map((r) => r.event_id));
  const kicked = (m: SyncMembership) => m.membership === "leave" && kickedOrInvitedByOther.has(m.event_id);
  const listed = snapshot.memberships.filter(
    (m) => (LISTED.has(m.membership) && (m.membership !== "ban" || wasJoined.has(m.room_id))) || (m.membership === "leave" && (kicked(m) || (since !== undefined && m.stream_pos > since))),
  );
  const recency = new Map(listed.map((m) => [m.room_id, m.stream_pos]));
  const bump = new Map(recency);
  for (const row of (lastEvents?.results ?? []) as { room_id: string; pos: number | null; bump: number | null }[]) {
    if (row.pos !== null) recency.set(row.room_id, row.pos);
    if (row.bump !== null) bump.set(row.room_id, row.bump);
  }
  const sorted = [...listed].sort((a, b) => recency.get(b.room_id)! - recency.get(a.room_id)! || a.room_id.localeCompare(b.room_id));
  // DMs: the m.direct account data, and invites marked is_direct (the client has not recorded them yet).
  const direct = directRooms(directContent);
  for (const m of snapshot.memberships) if (m.membership === "invite" && directInvites.has(m.event_id)) direct.add(m.room_id);

  // Which rooms the rules select, with their combined config.
  const configs = new Map<string, Config>();
  const add = (roomId: string, room: RoomConfig, list?: string) => {
    const c = configs.get(roomId) ?? { timelineLimit: 0, stateRules: [], lists: [] };
    c.timelineLimit = Math.max(c.timelineLimit, room.timelineLimit);
    if (room.requiredState.length > 0) c.stateRules.push({ include: room.requiredState, exclude: room.excludeState, lazy: room.lazyMembers });
    if (list !== undefined) c.lists.push(list);
    configs.set(roomId, c);
  };
  const lists: Record<string, JsonValue> = {};
  for (const [name, list] of request.lists) {
    const matching = sorted.filter(
      (m) =>
        (list.filters.isDm === undefined || direct.has(m.room_id) === list.filters.isDm) &&
        (list.filters.isInvite === undefined || (m.membership === "invite") === list.filters.isInvite) &&
        (list.filters.roomTypes === undefined || list.filters.roomTypes.includes(roomType.get(m.room_id) ?? null)) &&
        (list.filters.notRoomTypes === undefined || !list.filters.notRoomTypes.includes(roomType.get(m.room_id) ?? null)) &&
        (list.filters.tags === undefined || tagged(m.room_id, list.filters.tags)) &&
        (list.filters.notTags === undefined || !tagged(m.room_id, list.filters.notTags)),
    );
    lists[name] = { count: matching.length };
    for (const i of indicesInRanges(list.ranges, matching.length)) add(matching[i]!.room_id, list, name);
  }
  const byRoom = new Map(snapshot.memberships.map((m) => [m.room_id, m]));
  for (const [roomId, sub] of request.roomSubscriptions) if (byRoom.has(roomId)) add(roomId, sub);

  // On an incremental request only rooms with events after pos are sent; a room whose membership
  // changed after pos is new to the client (initial). Events after the user's invite, knock or leave
  // are not theirs to see, so such rooms are sent only when that membership is new.
  const initialOf = (m: SyncMembership) => since === undefined || m.stream_pos > since;
  const selected = [...configs.keys()]
    .map((roomId) => byRoom.get(roomId)!)
    .filter((m) => initialOf(m) || (m.membership === "join" && snapshot.movedRooms?.has(m.room_id) === true));
  const withTimeline = selected.filter((m) => m.membership !== "invite" && m.membership !== "knock");
  const invites = selected.filter((m) => m.membership === "invite" || m.membership === "knock");

  // Round trip 1: timelines (one statement per distinct limit), summaries, unread counts, stripped state.
  const statements: D1PreparedStatement[] = [];
  const slot = (s: D1PreparedStatement | undefined): number => (s === undefined ? -1 : statements.push(s) - 1);
  const byLimit = new Map<number, TimelineQuery[]>();
  for (const m of withTimeline) {
    const limit = configs.get(m.room_id)!.timelineLimit;
    if (limit === 0) continue;
    const query: TimelineQuery = {
      roomId: m.room_id,
      after: initialOf(m) ? 0 : since!,
      upTo: m.membership === "join" ? position : m.stream_pos,
      visible: snapshot.visible.get(m.room_id) ?? [],
    };
    byLimit.set(limit, [...(byLimit.get(limit) ?? []), query]);
  }
  const timelineRequests: [TimelinesRequest, number][] = [...byLimit].map(([limit, rooms]) => {
    const req: TimelinesRequest = { userId, rooms, limit, filter: undefined };
    return [req, slot(timelinesStatement(db, req))];
  });
  const roomIds = withTimeline.map((m) => m.room_id);
  const summarySlots = roomIds.length === 0 ? [] : summaryStatements(db, userId, roomIds, since).map(slot);
  const unreadRooms = withTimeline.filter((m) => m.membership === "join").map((m) => ({ roomId: m.room_id, roomVersion: m.room_version, floor: m.stream_pos }));
  const unreadOptions = { upTo: position, byThread: false };
  const unreadSlots = unreadStatements(db, userId, unreadRooms, unreadOptions).map(slot);
  const strippedSlot = invites.length === 0 ? -1 : slot(strippedStateStatement(db, invites.map((m) => ({ roomId: m.room_id, membershipEventId: m.event_id }))));
  const results = statements.length === 0 ? [] : await db.batch(statements);
  const at = (i: number): D1Result | undefined => (i < 0 ? undefined : results[i]);
  const timelines = new Map(timelineRequests.flatMap(([req, i]) => [...readTimelines(req, at(i))]));
  const summaries = readSummaries(roomIds, summarySlots.map(at));
  const unread = readUnread(userId, unreadRooms, unreadOptions, unreadSlots.map(at));
  const stripped = readStrippedState(at(strippedSlot));

  // Round trip 2: required_state (whole state for a room new to the client, else the changes since pos) and name/avatar.
  const sendersOf = new Map(
    withTimeline.map((m) => [m.room_id, new Set([userId, ...(timelines.get(m.room_id)?.events ?? []).map((e) => e.sender)])] as const),
  );
  const stateQueryList: StateQuery[] = withTimeline.flatMap((m): StateQuery[] => {
    const config = configs.get(m.room_id)!;
    if (config.stateRules.length === 0) return [];
    const members = memberKeys(config.stateRules, userId, sendersOf.get(m.room_id)!);
    const atPos = m.membership === "join" ? position : m.stream_pos;
    const base = members === undefined ? {} : { members };
    return [initialOf(m) ? { kind: "full", roomId: m.room_id, at: atPos, ...base } : { kind: "delta", roomId: m.room_id, from: since!, at: atPos, ...base }];
  });
  // Name, avatar and the heroes' member events (their display names and avatars).
  const nameQueries: StateQuery[] = withTimeline.map((m) => ({
    kind: "full",
    roomId: m.room_id,
    at: m.membership === "join" ? position : m.stream_pos,
    members: new Set(summaries.get(m.room_id)?.heroes ?? []),
  }));
  const stateBatch = stateStatements(db, stateQueryList, undefined);
  const nameBatch = nameQueries.length === 0 ? [] : stateStatements(db, nameQueries, { types: ["m.room.name", "m.room.avatar", "m.room.member"] });
  const stateResults = stateBatch.length + nameBatch.length === 0 ? [] : await db.batch([...stateBatch, ...nameBatch]);
  const states = readStates(stateResults.slice(0, stateBatch.length));
  const names = readStates(stateResults.slice(stateBatch.length));

  const toClient = (rows: readonly EventRowWithRelated[], roomVersion: string): JsonObject[] => {
    const related = relatedRows(rows);
    return rows.map((row) => formatClientEvent(row, { now: input.now, includeRoomId: false, viewer: { userId, deviceId }, roomVersion, related }));
  };
  const rooms: Record<string, JsonValue> = {};
  for (const m of withTimeline) {
    const config = configs.get(m.room_id)!;
    const initial = initialOf(m);
    const timeline = timelines.get(m.room_id) ?? { events: [], limited: false, start: position };
    const senders = sendersOf.get(m.room_id)!;
    const state = (states.get(m.room_id) ?? []).filter((row) => stateMatches(config, userId, senders, row.type, row.state_key ?? ""));
    const room: Record<string, JsonValue> = {
      membership: m.membership,
      bump_stamp: bump.get(m.room_id)!,
      required_state: toClient(state, m.room_version),
      timeline: toClient(timeline.events, m.room_version),
      prev_batch: formatSyncToken(tokenAt(timeline.start)),
      limited: timeline.limited,
      num_live: since === undefined ? 0 : timeline.events.filter((e) => e.stream_pos > since).length,
    };
    if (initial) room["initial"] = true;
    if (config.lists.length > 0) room["lists"] = config.lists;
    const heroProfiles = new Map<string, JsonObject>();
    for (const row of names.get(m.room_id) ?? []) {
      if (row.type === "m.room.member") {
        const content = (JSON.parse(row.event_json) as { content?: Record<string, JsonValue> }).content ?? {};
        const hero: Record<string, JsonValue> = { user_id: row.state_key ?? "" };
        if (row.redacted_because === null && typeof content["displayname"] === "string") hero["displayname"] = content["displayname"];
        if (row.redacted_because === null && typeof content["avatar_url"] === "string") hero["avatar_url"] = content["avatar_url"];
        heroProfiles.set(row.state_key ?? "", hero);
        continue;
      }
      if (!initial && row.stream_pos <= since!) continue;
      const content = (JSON.parse(row.event_json) as { content?: Record<string, JsonValue> }).content ?? {};
      const value = row.type === "m.room.name" ? content["name"] : content["url"];
      room[row.type === "m.room.name" ? "name" : "avatar"] = typeof value === "string" && row.redacted_because === null ? value : null;
    }
    const summary = summaries.get(m.room_id);
    if (summary !== undefined) {
      room["joined_count"] = summary.joined;
      room["invited_count"] = summary.invited;
      if (summary.heroes !== undefined && (initial || summary.changed)) room["heroes"] = summary.heroes.map((id) => heroProfiles.get(id) ?? { user_id: id });
    }
    if (direct.has(m.room_id)) room["is_dm"] = true;
    const counts = unread.get(m.room_id)?.room;
    room["notification_count"] = counts?.notification_count ?? 0;
    room["highlight_count"] = counts?.highlight_count ?? 0;
    rooms[m.room_id] = room;
  }
  for (const m of invites) {
    const key = m.membership === "invite" ? "invite_state" : "knock_state";
    const room: Record<string, JsonValue> = { membership: m.membership, initial: true, bump_stamp: bump.get(m.room_id)!, [key]: stripped.get(m.room_id) ?? [] };
    if (direct.has(m.room_id)) room["is_dm"] = true;
    const lists = configs.get(m.room_id)!.lists;
    if (lists.length > 0) room["lists"] = lists;
    rooms[m.room_id] = room;
  }

  const ext = await slidingSyncExtensions(db, { userId, deviceId, now: input.now, typing: input.typing, request: request.extensions, snapshot, since: sinceToken });
  const token: SyncToken = { ...(sinceToken ?? tokenAt(0)), ...ext.positions, pdu: position, account_data: snapshot.accountPosition };
  const body: JsonObject = { pos: formatSyncToken(token), lists, rooms, extensions: ext.extensions };
  return ok({ body, token, empty: Object.keys(rooms).length === 0 && !ext.news });
}
/** Answers at once when there is something to say or no `pos`; otherwise waits on the notifier up to `timeoutMs`. */
export async function slidingSyncWithLongPoll(
  db: D1Database,
  input: SlidingSyncInput & { readonly timeoutMs: number },
  waiter: PositionWaiter,
  clock: () => number,
): Promise<Result<SlidingSyncResult, UnknownPos>> {
  let result = await buildSlidingSync(db, input);
  if (!result.ok || !result.value.empty || input.pos === undefined || input.timeoutMs <= 0) return result;
  const deadline = clock() + input.timeoutMs;
  const watched = watchedStreams(input.request.extensions);
  for (;;) {
    const remaining = deadline - clock();
    if (remaining <= 0) return result;
    // Only the streams this answer reads are waited on: a change elsewhere would wake it for nothing.
    const token = result.value.token;
    const after = Object.fromEntries(watched.map((s) => [s, token[s]]));
    const reached = await waiter.waitForAny(after, remaining);
    if (!watched.some((s) => (reached[s] ?? 0) > token[s])) return result;
    const next = await buildSlidingSync(db, { ...input, now: clock() });
    if (!next.ok || !next.value.empty) return next;
    result = next;
  }
}
