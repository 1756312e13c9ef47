// The ephemeral parts of a /sync response: typing and receipts per joined room, and the presence of room-mates.
import { eventMatchesFilter, roomFilterIncludes } from "../protocol/filters/event-filter-match";
import type { Filter } from "../protocol/filters/filter-definition";
import { receiptEvents, type ReceiptRecord } from "../protocol/ephemeral/receipt-events";
import type { JsonObject } from "../protocol/json-value";
import { presenceChanges } from "./presence-store";
import { receiptChanges } from "./receipt-store";

/** The notifier streams (and sync token parts) these sections advance: "typing", "receipt", "presence". */
export interface EphemeralPositions {
  readonly typing: number;
  readonly receipt: number;
  readonly presence: number;
}

/**
 * The typing lists, as the typing Durable Object answers them. `typingClient(env.TYPING)` from
 * src/durable/typing-client.ts is one (the api layer passes it in; readmodels cannot import it).
 */
export interface TypingReader {
  /**
   * `after` undefined: rooms where someone is typing now. Otherwise rooms whose list changed after
   * that typing position, with the current list (empty: everyone stopped).
   */
  readonly typingIn: (
    roomIds: readonly string[],
    after: number | undefined,
  ) => Promise<{ readonly position: number; readonly rooms: readonly { readonly roomId: string; readonly userIds: readonly string[] }[] }>;
}

export interface EphemeralRequest {
  readonly userId: string;
  /** The rooms the sync answers as joined (its snapshot of the user's memberships). */
  readonly joinedRoomIds: readonly string[];
  /** The positions of the sync's `since` token; undefined for an initial sync. */
  readonly since: EphemeralPositions | undefined;
  /**
   * Joined rooms new to the client in an incremental sync (joined since the token), or all of them
   * with `full_state=true`: these get every current receipt and typing list, and the presence of all
   * their members, whatever `since` says. Ignored in an initial sync, which is full anyway.
   */
  readonly fullRoomIds?: readonly string[];
  /** The sync filter: `presence` applies to presence; `room.rooms`/`not_rooms` and `room.ephemeral` to rooms' ephemeral events. */
  readonly filter?: Filter;
  /** Milliseconds since the epoch: presence's last_active_ago and idle timeout are computed at this time. */
  readonly now: number;
}

export interface EphemeralSections {
  /** Each joined room's `ephemeral.events` (m.typing, then m.receipt), only rooms with something to say. */
  readonly rooms: ReadonlyMap<string, JsonObject[]>;
  /** The top-level `presence.events` (m.presence, with `sender`). */
  readonly presence: readonly JsonObject[];
  /** Where this answer is complete up to, per stream: the next token's typing, receipt and presence parts. */
  readonly positions: EphemeralPositions;
}

/**
 * Reads typing, receipts and presence for one /sync. How to call it from the sync route:
 *
 * 1. Before reading anything for the response, apply `set_presence`: `presenceOnSync(db, userId,
 *    setPresence, now)` (presence-store.ts); when it returns a position, `advance("presence", pos)`
 *    on the sync notifier. Done first, the caller's own change lands in this response, so its next
 *    long-poll is not woken by it.
 * 2. `const eph = await ephemeralForSync(db, typingClient(env.TYPING), { userId, joinedRoomIds,
 *    since: token && { typing: token.typing, receipt: token.receipt, presence: token.presence },
 *    fullRoomIds: roomsJoinedSinceToken, filter, now })`.
 * 3. Put `eph.rooms.get(roomId)` into `rooms.join[roomId].ephemeral.events` and `eph.presence` into
 *    `presence.events`; put `eph.positions` into `next_batch` (new token parts typing, receipt,
 *    presence). A room whose only news is ephemeral must still appear under `rooms.join`.
 * 4. For an incremental sync with nothing new, long-poll `waitForAny` with the token's positions
 *    including `typing`, `receipt` and `presence` (streams of those names on the notifier), then
 *    call this again.
 *
 * Incremental syncs give only what changed after `since` (a room's typing list whole, when it
 * changed; receipts as deltas; presence of users whose presence changed). Other users' private
 * receipts (m.read.private) never appear.
 */
export async function ephemeralForSync(db: D1Database, typing: TypingReader, request: EphemeralRequest): Promise<EphemeralSections> {
  const { userId, joinedRoomIds, since, filter, now } = request;
  const roomFilter = filter?.room;
  const ephemeralRooms = joinedRoomIds.filter((roomId) => roomFilterIncludes(roomFilter, roomId));
  const full = since === undefined ? [] : (request.fullRoomIds ?? []).filter((roomId) => ephemeralRooms.includes(roomId));

  const [typingNow, typingFull, receipts, presence] = await Promise.all([
    typing.typingIn(ephemeralRooms, since?.typing),
    full.length > 0 ? typing.typingIn(full, undefined) : undefined,
    receiptChanges(db, userId, ephemeralRooms, since?.receipt ?? 0, full),
    presenceChanges(db, userId, joinedRoomIds, since?.presence ?? 0, full, now),
  ]);

  const rooms = new Map<string, JsonObject[]>();
  const add = (roomId: string, event: JsonObject) => {
    if (roomFilter?.ephemeral !== undefined && !eventMatchesFilter(roomFilter.ephemeral, event, { roomId })) return;
    const list = rooms.get(roomId);
    if (list === undefined) rooms.set(roomId, [event]);
    else list.push(event);
  };

  const typingLists = new Map<string, readonly string[]>();
  for (const room of typingNow.rooms) typingLists.set(room.roomId, room.userIds);
  for (const room of typingFull?.rooms ?? []) typingLists.set(room.roomId, room.userIds);
  for (const [roomId, userIds] of typingLists) add(roomId, { type: "m.typing", content: { user_ids: [...userIds] } });

  const byRoom = new Map<string, ReceiptRecord[]>();
  for (const receipt of receipts.receipts) {
    const list = byRoom.get(receipt.roomId);
    if (list === undefined) byRoom.set(receipt.roomId, [receipt]);
    else list.push(receipt);
  }
  for (const [roomId, records] of byRoom) for (const event of receiptEvents(records, userId)) add(roomId, event);

  const presenceFilter = filter?.presence;
  const presenceEvents = presenceFilter === undefined ? presence.events : presence.events.filter((e) => eventMatchesFilter(presenceFilter, e));
  return {
    rooms,
    presence: presenceEvents,
    positions: { typing: typingNow.position, receipt: receipts.position, presence: presence.position },
  };
}
