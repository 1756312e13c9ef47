// Helpers for the ephemeral route tests: two users in one room (projected), and direct reads of the /sync sections.
import { env } from "cloudflare:test";
import { typingClient } from "../../../src/durable/typing-client";
import { ephemeralForSync, type EphemeralPositions, type EphemeralSections } from "../../../src/readmodels/sync-ephemeral";
import type { Filter } from "../../../src/protocol/filters/filter-definition";
import { type Call, createRoom, path, type Registered, users } from "../api-rooms/support";
import { sendContent, text, waitForEvent } from "../api-events/support";

export { expectStatus, path, roomApp, users } from "../api-rooms/support";
export type { Call, Registered } from "../api-rooms/support";

/** Polls until `check` holds (the projection lands a moment after the write answers). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} never happened: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export async function joinedRooms(call: Call, user: Registered): Promise<string[]> {
  const res = await call("GET", "joined_rooms", { token: user.accessToken });
  return (res.body["joined_rooms"] as string[] | undefined) ?? [];
}

/** Alice creates a public room and Bob joins it; both memberships are in the read models when this returns. */
export async function sharedRoom(call: Call): Promise<{ alice: Registered; bob: Registered; roomId: string }> {
  const [alice, bob] = await users(call, 2);
  const roomId = await createRoom(call, alice!, { preset: "public_chat" });
  const joined = await call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} });
  if (joined.status !== 200) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
  await eventually(() => joinedRooms(call, bob!), (rooms) => rooms.includes(roomId), "bob's join projected");
  await eventually(() => joinedRooms(call, alice!), (rooms) => rooms.includes(roomId), "alice's join projected");
  return { alice: alice!, bob: bob!, roomId };
}

/** Sends a text message and waits until the read models have it. */
export async function message(call: Call, user: Registered, roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
  const eventId = await sendContent(call, user, roomId, text(body, extra));
  await waitForEvent(call, user, roomId, eventId);
  return eventId;
}

/** The ephemeral /sync sections for `user` over `rooms`, as the sync route will read them. */
export function ephemeralOf(
  user: Registered,
  rooms: readonly string[],
  since?: EphemeralPositions,
  extra: { fullRoomIds?: readonly string[]; filter?: Filter; now?: number } = {},
): Promise<EphemeralSections> {
  return ephemeralForSync(env.DB, typingClient(env.TYPING), {
    userId: user.userId,
    joinedRoomIds: rooms,
    since,
    now: extra.now ?? Date.now(),
    ...(extra.fullRoomIds === undefined ? {} : { fullRoomIds: extra.fullRoomIds }),
    ...(extra.filter === undefined ? {} : { filter: extra.filter }),
  });
}

type Json = Record<string, unknown>;

/** The room's ephemeral events of one type. */
export const ofType = (sections: EphemeralSections, roomId: string, type: string): Json[] =>
  ((sections.rooms.get(roomId) ?? []) as Json[]).filter((e) => e["type"] === type);

/** Every receipt in a room's m.receipt events, flattened to `{eventId, type, userId, ts, thread_id?}`. */
export function receiptsOf(sections: EphemeralSections, roomId: string): { eventId: string; type: string; userId: string; threadId?: string }[] {
  const out: { eventId: string; type: string; userId: string; threadId?: string }[] = [];
  for (const event of ofType(sections, roomId, "m.receipt")) {
    for (const [eventId, byType] of Object.entries(event["content"] as Record<string, Record<string, Record<string, Json>>>)) {
      for (const [type, byUser] of Object.entries(byType)) {
        for (const [userId, data] of Object.entries(byUser)) {
          const threadId = data["thread_id"];
          out.push({ eventId, type, userId, ...(typeof threadId === "string" ? { threadId } : {}) });
        }
      }
    }
  }
  return out;
}
