// Helpers for the history visibility route tests: rooms with a given setting, and what one user reads of them.
import { expect } from "vitest";
import { waitForEvent } from "../api-events/support";
import { createRoom, expectStatus, path, send, type Call, type Registered } from "../api-rooms/support";

export type Json = Record<string, unknown>;

/** A word no other test sends, so tests sharing the database find only their own events. */
export const unique = (): string => `w${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;

/** A public room (anyone may join) with `visibility` set at creation. */
export const roomWithVisibility = (call: Call, creator: Registered, visibility: string, preset = "public_chat"): Promise<string> =>
  createRoom(call, creator, {
    preset,
    initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: visibility } }],
  });

/** Sends a message and waits until the read models have it (so every earlier event is projected too). */
export async function sendProjected(call: Call, sender: Registered, roomId: string, body: string): Promise<string> {
  const id = await send(call, sender, roomId, body);
  await waitForEvent(call, sender, roomId, id);
  return id;
}

export async function act(call: Call, user: Registered, roomId: string, action: "join" | "leave", body: Json = {}): Promise<void> {
  await expectStatus(call("POST", path(roomId, action), { token: user.accessToken, body }), 200);
}

export async function invite(call: Call, by: Registered, roomId: string, user: Registered): Promise<void> {
  await expectStatus(call("POST", path(roomId, "invite"), { token: by.accessToken, body: { user_id: user.userId } }), 200);
}

/** Every event `user` reads with /messages paging backwards from the newest, oldest first. */
export async function readAll(call: Call, user: Registered, roomId: string): Promise<Json[]> {
  const out: Json[] = [];
  let from: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const query = `messages?dir=b&limit=3${from === undefined ? "" : `&from=${encodeURIComponent(from)}`}`;
    const res = await expectStatus(call("GET", path(roomId, query), { token: user.accessToken }), 200);
    out.push(...(res.body["chunk"] as Json[]));
    from = res.body["end"] as string | undefined;
    if (from === undefined) return out.reverse();
  }
  throw new Error("/messages never ended");
}

/** The message bodies among `events`, in order. */
export const bodies = (events: readonly Json[]): string[] =>
  events.filter((e) => e["type"] === "m.room.message").map((e) => (e["content"] as Json)["body"] as string);

/** The `membership` values of `user`'s own member events among `events`, in order. */
export const ownMemberships = (events: readonly Json[], user: Registered): string[] =>
  events.filter((e) => e["type"] === "m.room.member" && e["state_key"] === user.userId).map((e) => (e["content"] as Json)["membership"] as string);

export async function eventStatus(call: Call, user: Registered, roomId: string, eventId: string): Promise<number> {
  const res = await call("GET", path(roomId, `event/${encodeURIComponent(eventId)}`), { token: user.accessToken });
  if (res.status !== 200) expect(res.body["errcode"]).toBe("M_NOT_FOUND");
  return res.status;
}

export async function contextStatus(call: Call, user: Registered, roomId: string, eventId: string): Promise<number> {
  const res = await call("GET", path(roomId, `context/${encodeURIComponent(eventId)}`), { token: user.accessToken });
  if (res.status !== 200) expect(res.body["errcode"]).toBe("M_NOT_FOUND");
  return res.status;
}

/** The event IDs POST /search finds for `term`, optionally only in `rooms`. */
export async function searchIds(call: Call, user: Registered, term: string, rooms?: readonly string[]): Promise<string[]> {
  const res = await expectStatus(
    call("POST", "search", {
      token: user.accessToken,
      body: { search_categories: { room_events: { search_term: term, ...(rooms === undefined ? {} : { filter: { rooms } }) } } },
    }),
    200,
  );
  const results = ((res.body["search_categories"] as Json)["room_events"] as Json)["results"] as Json[];
  return results.map((r) => (r["result"] as Json)["event_id"] as string);
}
