// Builds the /sync response body for one user and device from a since token (room events, account data,
// ephemeral, to-device messages, device lists and key counts), and long-polls.
import type { Filter } from "../protocol/filters/filter-definition";
import type { JsonObject } from "../protocol/json-value";
import { emptyUserPushRules, mergePushRules } from "../protocol/push/user-push-rules";
import { err, ok, type Result } from "../protocol/result";
import { accountDataChanges } from "./account-data";
import { deviceListsForSync } from "./device-lists-for-sync";
import { forgottenRoomIds } from "./forgotten-rooms";
import { oneTimeKeyCounts, unusedFallbackKeyTypes } from "./one-time-key-counts";
import { PUSH_RULES_ACCOUNT_DATA_TYPE, pushRulesAccountDataContent } from "./push-rule-store";
import { accountDataSections } from "./sync-account-data";
import { ephemeralForSync, type EphemeralPositions, type TypingReader } from "./sync-ephemeral";
import { buildRoomSections, type RoomsSections } from "./sync-rooms";
import { readSyncSnapshot } from "./sync-snapshot";
import { formatSyncToken, parseSyncToken, SYNC_STREAMS, type InvalidSyncToken, type SyncToken } from "./sync-token";
import { toDeviceForSync, type ToDeviceEvent } from "./to-device-for-sync";

/** The `set_presence` query parameter's values. */
export type SetPresence = "online" | "offline" | "unavailable";

export interface SyncRequest {
  readonly userId: string;
  /** The requesting device: its to-device messages and key counts. Without it those sections are left out. */
  readonly deviceId?: string;
  /** The `since` query parameter, unparsed. */
  readonly since?: string;
  readonly fullState?: boolean;
  /** `use_state_after` (spec v1.16): state at the end of each timeline, as `state_after`. */
  readonly useStateAfter?: boolean;
  /** Timeline events per room; defaults to the filter's `room.timeline.limit`. */
  readonly timelineLimit?: number;
  readonly filter?: Filter;
  readonly now: number;
  /** `set_presence` (the spec's default is online). */
  readonly presence?: SetPresence;
  /** Records `presence` for the user; called once per request by syncWithLongPoll, before the first read. */
  readonly setPresence?: (userId: string, presence: SetPresence) => Promise<void>;
  /**
   * Who is typing where (the typing Durable Object, which readmodels cannot import; the route
   * passes `typingClient(env.TYPING)`). Without it no typing is read and the token's typing part
   * stays where the request's token had it (tests of other sections).
   */
  readonly typing?: TypingReader;
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
const MAX_TIMELINE_LIMIT = 1000;

/**
 * The parts a response is empty without; each new section of the response adds its check here.
 * Key counts are not among them: a count alone does not end a long-poll.
 */
function isEmpty(parts: {
  readonly globalAccountData: readonly unknown[];
  readonly presence: readonly unknown[];
  readonly rooms: RoomsSections;
  readonly toDevice: readonly ToDeviceEvent[];
  readonly deviceLists: { readonly changed: readonly string[]; readonly left: readonly string[] };
}): boolean {
  return (
    parts.globalAccountData.length === 0 &&
    parts.presence.length === 0 &&
    parts.toDevice.length === 0 &&
    parts.deviceLists.changed.length === 0 &&
    parts.deviceLists.left.length === 0 &&
    Object.values(parts.rooms).every((section) => Object.keys(section).length === 0)
  );
}

/** The device's unclaimed one-time keys per algorithm and its unused fallback key algorithms. */
async function keyCountsOf(db: D1Database, userId: string, deviceId: string): Promise<JsonObject> {
  const [counts, fallback] = await Promise.all([oneTimeKeyCounts(db, userId, deviceId), unusedFallbackKeyTypes(db, userId, deviceId)]);
  return { device_one_time_keys_count: counts, device_unused_fallback_key_types: fallback };
}

/** Reads no typing: the token's typing part stays at `position`. */
const noTyping = (position: number): TypingReader => ({ typingIn: async () => ({ position, rooms: [] }) });

/**
 * One /sync response. Round trips do not grow with the number of rooms: one for the snapshot
 * (positions, rooms, which rooms moved since the token, account data) beside the device's
 * to-device batch and key counts, then device lists beside the ephemeral read, then the room
 * sections (see sync-rooms) in two more.
 */
export async function buildSync(db: D1Database, request: SyncRequest): Promise<Result<SyncResult, InvalidSyncToken>> {
  let since: number | undefined;
  let sinceAccount = 0;
  let sinceEphemeral: EphemeralPositions | undefined;
  let sinceToken: SyncToken | undefined;
  if (request.since !== undefined && request.since !== "") {
    const parsed = parseSyncToken(request.since);
    if (!parsed.ok) return err(parsed.error);
    sinceToken = parsed.value;
    since = parsed.value.pdu;
    sinceAccount = parsed.value.account_data;
    sinceEphemeral = { typing: parsed.value.typing, receipt: parsed.value.receipt, presence: parsed.value.presence };
  }
  const includeLeave = request.filter?.room?.include_leave === true;
  const deviceId = request.deviceId;
  const [snapshot, forgotten, toDevice, keyCounts] = await Promise.all([
    readSyncSnapshot(db, request.userId, since, sinceAccount),
    // Only include_leave brings old leaves back; forgotten rooms stay out of those.
    includeLeave ? forgottenRoomIds(db, request.userId) : Promise.resolve(new Set<string>()),
    // Syncing with a token acknowledges the to-device messages it covers (spec): they are deleted here.
    deviceId === undefined
      ? Promise.resolve(undefined)
      : toDeviceForSync(db, { userId: request.userId, deviceId, since: sinceToken?.to_device ?? 0 }),
    deviceId === undefined ? Promise.resolve(undefined) : keyCountsOf(db, request.userId, deviceId),
  ]);
  // A token above every position was issued before a replay renumbered the stream: start afresh.
  if (since !== undefined && since > snapshot.position) {
    since = undefined;
    sinceEphemeral = undefined;
  }
  // Starting afresh means all account data too; a position above the head cannot be trusted either.
  const freshAccountData = since === undefined || sinceAccount > snapshot.accountPosition;
  const changes =
    freshAccountData && sinceAccount !== 0 ? await accountDataChanges(db, request.userId, 0, snapshot.accountPosition) : [...snapshot.accountData];
  // Clients expect m.push_rules in a full account-data sync; a user who never edited a rule has
  // no row for it, so the defaults stand in (position 0: they are no change of the stream). Only
  // when starting afresh: an incremental sync from account position 0 must stay empty, or a
  // long-poll on a server without account data would never wait.
  if (freshAccountData && !changes.some((c) => c.roomId === undefined && c.type === PUSH_RULES_ACCOUNT_DATA_TYPE)) {
    const defaults = pushRulesAccountDataContent(mergePushRules(request.userId, emptyUserPushRules()));
    changes.unshift({ roomId: undefined, type: PUSH_RULES_ACCOUNT_DATA_TYPE, content: defaults, streamPos: 0 });
  }
  const accountData = accountDataSections(changes, request.filter);
  // Typing, receipts and presence of the rooms the user is joined to; rooms new to the client (joined
  // since the token) get all of theirs. A room with ephemeral news is sent even if nothing else moved.
  const joinedRooms = snapshot.memberships.filter((m) => m.membership === "join");
  const fullRoomIds = joinedRooms
    .filter((m) => request.fullState === true || (since !== undefined && m.stream_pos > since && !snapshot.joinedAtSince.has(m.room_id)))
    .map((m) => m.room_id);
  const [ephemeral, deviceLists] = await Promise.all([
    ephemeralForSync(db, request.typing ?? noTyping(sinceEphemeral?.typing ?? 0), {
      userId: request.userId,
      joinedRoomIds: joinedRooms.map((m) => m.room_id),
      since: sinceEphemeral,
      fullRoomIds,
      ...(request.filter === undefined ? {} : { filter: request.filter }),
      now: request.now,
    }),
    // Only an incremental sync reports device-list changes (spec); an initial one just learns the head.
    deviceListsForSync(db, {
      userId: request.userId,
      since: since === undefined ? undefined : (sinceToken?.device_lists ?? 0),
      sincePdu: since,
      pduPosition: snapshot.position,
    }),
  ]);
  const extraSections = new Map([...ephemeral.rooms].map(([roomId, events]) => [roomId, { ephemeral: { events } }] as const));
  const requested = request.timelineLimit ?? request.filter?.room?.timeline?.limit ?? DEFAULT_TIMELINE_LIMIT;
  const rooms = await buildRoomSections({
    db,
    userId: request.userId,
    deviceId: request.deviceId,
    now: request.now,
    filter: request.filter,
    fullState: request.fullState === true,
    useStateAfter: request.useStateAfter === true,
    limit: Math.max(1, Math.min(requested, MAX_TIMELINE_LIMIT)),
    position: snapshot.position,
    since,
    accountPosition: snapshot.accountPosition,
    memberships: snapshot.memberships,
    joinedAtSince: snapshot.joinedAtSince,
    movedRooms: since === undefined ? undefined : snapshot.movedRooms,
    accountData,
    visible: snapshot.visible,
    hiddenLeftRooms: forgotten,
    extraSections,
  });
  const token: SyncToken = {
    pdu: snapshot.position,
    account_data: snapshot.accountPosition,
    ...ephemeral.positions,
    to_device: toDevice?.position ?? sinceToken?.to_device ?? 0,
    device_lists: deviceLists.position,
  };
  const toDeviceEvents = toDevice?.events ?? [];
  const body: JsonObject = {
    next_batch: formatSyncToken(token),
    account_data: { events: accountData.global },
    presence: { events: [...ephemeral.presence] },
    rooms: { ...rooms },
    ...(toDevice === undefined ? {} : { to_device: { events: toDeviceEvents.map((e) => ({ ...e })) } }),
    ...(since === undefined ? {} : { device_lists: { changed: deviceLists.changed, left: deviceLists.left } }),
    ...keyCounts,
  };
  const empty = isEmpty({ globalAccountData: accountData.global, presence: ephemeral.presence, rooms, toDevice: toDeviceEvents, deviceLists });
  return ok({ body, position: snapshot.position, token, empty });
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
  const presence = request.presence ?? "online";
  // Presence first: the user's own change is then in this response, so it does not wake their next long-poll.
  await request.setPresence?.(request.userId, presence);
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
