// Builds the /sync response body for one user from a since token (room events and account data), and long-polls.
import type { Filter } from "../protocol/filters/filter-definition";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { accountDataPosition, accountDataChanges, roomAccountData } from "./account-data";
import { PUSH_RULES_ACCOUNT_DATA_TYPE, pushRulesForSync } from "./push-rule-store";
import { accountDataSections, type AccountDataSections } from "./sync-account-data";
import { toClientEvents, type EventRow } from "./event-rows";
import {
  currentStateOfTypes,
  latestEvents,
  memberSummary,
  stateAt,
  stateDelta,
  userSnapshot,
  type MembershipRow,
} from "./room-queries";
import { formatSyncToken, parseSyncToken, SYNC_STREAMS, tokenAt, type InvalidSyncToken, type SyncToken } from "./sync-token";

export interface SyncRequest {
  readonly userId: string;
  readonly deviceId?: string;
  /** The `since` query parameter, unparsed. */
  readonly since?: string;
  readonly fullState?: boolean;
  /** Timeline events per room (a filter's `room.timeline.limit`). */
  readonly timelineLimit?: number;
  /** The request's filter; only its account-data parts are applied here so far. */
  readonly filter?: Filter;
  readonly now: number;
}

export interface SyncResult {
  readonly body: JsonObject;
  /** The room event position this response read up to. */
  readonly position: number;
  /** Every stream's position this response read up to (its `next_batch`). */
  readonly token: SyncToken;
  /** Nothing for the client: a long-poll keeps waiting. */
  readonly empty: boolean;
}

export const DEFAULT_TIMELINE_LIMIT = 10;

// The stripped state an invitee or knocker sees (the spec's recommended set).
const STRIPPED_STATE_TYPES = [
  "m.room.create",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.join_rules",
  "m.room.canonical_alias",
  "m.room.encryption",
];

interface Ctx {
  readonly db: D1Database;
  readonly request: SyncRequest;
  readonly position: number;
  /** Undefined: initial sync (or a token this server never issued at this height). */
  readonly since: number | undefined;
  readonly limit: number;
  readonly accountData: AccountDataSections;
  readonly accountPosition: number;
}

export async function buildSync(db: D1Database, request: SyncRequest): Promise<Result<SyncResult, InvalidSyncToken>> {
  let since: number | undefined;
  let sinceAccount = 0;
  if (request.since !== undefined && request.since !== "") {
    const parsed = parseSyncToken(request.since);
    if (!parsed.ok) return err(parsed.error);
    since = parsed.value.pdu;
    sinceAccount = parsed.value.account_data;
  }
  // Account data first: a change committed between the two reads then shows up in the next sync
  // at the latest, never falls between the token's positions.
  const accountPosition = await accountDataPosition(db);
  const snapshot = await userSnapshot(db, request.userId);
  // A token above every position was issued before a replay renumbered the stream: start afresh.
  if (since !== undefined && since > snapshot.position) since = undefined;
  // Starting afresh means all account data too; a position above the head cannot be trusted either.
  const freshAccountData = since === undefined || sinceAccount > accountPosition;
  if (freshAccountData) sinceAccount = 0;
  const changes = await accountDataChanges(db, request.userId, sinceAccount, accountPosition);
  // Clients expect m.push_rules in a full account-data sync; a user who never edited a rule has
  // no row for it, so the defaults stand in (position 0: they are no change of the stream). Only
  // when starting afresh: an incremental sync from account position 0 must stay empty, or a
  // long-poll on a server without account data would never wait.
  const isPushRules = (c: { roomId: string | undefined; type: string }) => c.roomId === undefined && c.type === PUSH_RULES_ACCOUNT_DATA_TYPE;
  if (freshAccountData && !changes.some(isPushRules)) {
    changes.unshift({ roomId: undefined, type: PUSH_RULES_ACCOUNT_DATA_TYPE, content: await pushRulesForSync(db, request.userId), streamPos: 0 });
  }
  const accountData = accountDataSections(changes, request.filter);
  const limit = Math.max(1, Math.min(request.timelineLimit ?? DEFAULT_TIMELINE_LIMIT, 1000));
  const ctx: Ctx = { db, request, position: snapshot.position, since, limit, accountData, accountPosition };

  const join: Record<string, JsonValue> = {};
  const invite: Record<string, JsonValue> = {};
  const knock: Record<string, JsonValue> = {};
  const leave: Record<string, JsonValue> = {};
  for (const membership of snapshot.memberships) {
    const changedSince = since === undefined || membership.stream_pos > since;
    switch (membership.membership) {
      case "join": {
        const room = await joinedRoom(ctx, membership);
        if (room !== undefined) join[membership.room_id] = room;
        break;
      }
      case "invite":
        if (changedSince) invite[membership.room_id] = { invite_state: { events: await strippedState(ctx, membership) } };
        break;
      case "knock":
        if (changedSince) knock[membership.room_id] = { knock_state: { events: await strippedState(ctx, membership) } };
        break;
      case "leave":
      case "ban":
        // Left rooms appear once, in the sync that sees the leave; initial syncs skip them.
        if (since !== undefined && changedSince) {
          const section = await roomSection(ctx, membership, membership.stream_pos, false);
          leave[membership.room_id] = { ...section, account_data: { events: accountData.rooms.get(membership.room_id) ?? [] } };
        }
        break;
    }
  }
  const empty =
    accountData.global.length === 0 && [join, invite, knock, leave].every((section) => Object.keys(section).length === 0);
  const token: SyncToken = { pdu: snapshot.position, account_data: accountPosition };
  const body: JsonObject = {
    next_batch: formatSyncToken(token),
    account_data: { events: accountData.global },
    rooms: { join, invite, knock, leave },
  };
  return ok({ body, position: snapshot.position, token, empty });
}

async function joinedRoom(ctx: Ctx, membership: MembershipRow): Promise<JsonObject | undefined> {
  // A room joined since the token is new to the client: it gets full state, as in an initial sync.
  const fresh = ctx.since === undefined || membership.stream_pos > ctx.since;
  const section = await roomSection(ctx, membership, ctx.position, fresh);
  const timeline = section["timeline"] as { events: unknown[] };
  const state = section["state"] as { events: unknown[] };
  // ctx.accountData holds what changed since the token; a room joined since then is new to the
  // client, so it gets all of that room's account data (tags set before joining, say).
  const accountData =
    fresh && ctx.since !== undefined
      ? (accountDataSections(await roomAccountData(ctx.db, ctx.request.userId, membership.room_id, ctx.accountPosition), ctx.request.filter).rooms.get(membership.room_id) ?? [])
      : (ctx.accountData.rooms.get(membership.room_id) ?? []);
  const quiet = timeline.events.length === 0 && state.events.length === 0 && accountData.length === 0;
  if (!fresh && !ctx.request.fullState && quiet) return undefined;
  return { ...section, account_data: { events: accountData }, summary: await summary(ctx, membership.room_id) };
}

/** timeline + state of one room up to `upTo`; `fresh`: the client has none of this room's state. */
async function roomSection(ctx: Ctx, membership: MembershipRow, upTo: number, fresh: boolean): Promise<JsonObject> {
  const { db, request } = ctx;
  // A fresh room is loaded as in an initial sync: its newest events, whatever the token says.
  const after = fresh ? 0 : (ctx.since ?? 0);
  const window = await latestEvents(db, membership.room_id, after, upTo, ctx.limit);
  const first = window.events[0];
  const beforeTimeline = first === undefined ? upTo : first.stream_pos - 1;
  let state: EventRow[];
  if (fresh || request.fullState) state = await stateAt(db, membership.room_id, beforeTimeline);
  else if (window.limited) state = await stateDelta(db, membership.room_id, ctx.since ?? 0, beforeTimeline);
  else state = [];
  const options = {
    now: request.now,
    includeRoomId: false,
    viewer: { userId: request.userId, ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }) },
  };
  return {
    timeline: {
      events: await toClientEvents(db, window.events, options),
      limited: window.limited,
      prev_batch: formatSyncToken(tokenAt(beforeTimeline)),
    },
    state: { events: await toClientEvents(db, state, options) },
  };
}

async function strippedState(ctx: Ctx, membership: MembershipRow): Promise<JsonValue[]> {
  const rows = await currentStateOfTypes(ctx.db, membership.room_id, STRIPPED_STATE_TYPES);
  const own = await ctx.db
    .prepare("SELECT event_json FROM events WHERE event_id = ?")
    .bind(membership.event_id)
    .first<{ event_json: string }>();
  const events = [...rows.map((r) => r.event_json), ...(own ? [own.event_json] : [])];
  return events.map((json) => {
    const pdu = JSON.parse(json) as JsonObject;
    const stripped: Record<string, JsonValue> = {};
    for (const key of ["type", "state_key", "sender", "content"]) {
      const value = pdu[key];
      if (value !== undefined) stripped[key] = value;
    }
    return stripped;
  });
}

async function summary(ctx: Ctx, roomId: string): Promise<JsonObject> {
  const named = await currentStateOfTypes(ctx.db, roomId, ["m.room.name", "m.room.canonical_alias"]);
  const hasName = named.some((row) => {
    const content = (JSON.parse(row.event_json) as JsonObject)["content"] as JsonObject | undefined;
    const value = content?.[row.type === "m.room.name" ? "name" : "alias"];
    return typeof value === "string" && value !== "";
  });
  const counts = await memberSummary(ctx.db, roomId, 6);
  const out: Record<string, JsonValue> = {
    "m.joined_member_count": counts.joined,
    "m.invited_member_count": counts.invited,
  };
  if (!hasName) out["m.heroes"] = counts.members.filter((m) => m !== ctx.request.userId).slice(0, 5);
  return out;
}

/** Releases a long-poll when positions pass the ones it has read (the sync notifier in production). */
export interface PositionWaiter {
  /**
   * Resolves with every stream's latest position once some stream passes the one `after` names,
   * or with positions none of which passes `after` on timeout.
   */
  readonly waitForAny: (after: Readonly<Record<string, number>>, timeoutMs: number) => Promise<Readonly<Record<string, number>>>;
}

const passes = (reached: Readonly<Record<string, number>>, token: SyncToken): boolean =>
  SYNC_STREAMS.some((stream) => (reached[stream] ?? 0) > token[stream]);

/**
 * /sync with `timeout`: answers at once when there is something to say; otherwise waits for the
 * notifier. The wait names the position the read reached, so a commit landing between the read
 * and the wait releases it at once (no lost wake-up).
 */
export async function syncWithLongPoll(
  db: D1Database,
  request: SyncRequest & { readonly timeoutMs?: number },
  waiter: PositionWaiter,
  clock: () => number = Date.now,
): Promise<Result<SyncResult, InvalidSyncToken>> {
  const timeout = Math.max(0, request.timeoutMs ?? 0);
  let result = await buildSync(db, request);
  if (!result.ok || !result.value.empty || request.since === undefined || request.fullState || timeout === 0) return result;
  const deadline = clock() + timeout;
  for (;;) {
    const remaining = deadline - clock();
    if (remaining <= 0) return result;
    const reached = await waiter.waitForAny(result.value.token, remaining);
    if (!passes(reached, result.value.token)) return result;
    const next = await buildSync(db, { ...request, now: clock() });
    if (!next.ok || !next.value.empty) return next;
    // New positions, none of them this user's: keep waiting from the new position.
    result = next;
  }
}
