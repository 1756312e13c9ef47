// Helpers for the profile and user directory route tests: profile paths, and waiting for the read models.
import { expect } from "vitest";
import type { Call, Registered } from "../api-rooms/support";

export { createRoom, expectStatus, path, roomApp, users, type Call, type Registered } from "../api-rooms/support";
export { uniqueName } from "../api-accounts/support";

export const profilePath = (user: Registered | string, key?: string): string =>
  `profile/${encodeURIComponent(typeof user === "string" ? user : user.userId)}${key === undefined ? "" : `/${key}`}`;

/** Repeats `read` until `done` holds (the projection into D1 is asynchronous); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the memberships read model lists `user` as joined to `roomId`. */
export async function untilJoined(call: Call, user: Registered, roomId: string): Promise<void> {
  await eventually(
    async () => (await call("GET", "joined_rooms", { token: user.accessToken })).body["joined_rooms"] as string[],
    (rooms) => rooms.includes(roomId),
    `${user.userId} joined to ${roomId} in the read model`,
  );
}

export async function setProfile(call: Call, user: Registered, key: string, value: unknown): Promise<void> {
  const res = await call("PUT", profilePath(user, key), { token: user.accessToken, body: { [key]: value } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toEqual({});
}

type JsonRecord = Record<string, unknown>;

/** The m.room.member event of `userId` in the room's current state, as GET /rooms/{roomId}/state lists it. */
export async function memberEvent(call: Call, viewer: Registered, roomId: string, userId: string): Promise<JsonRecord> {
  const res = await call("GET", `rooms/${encodeURIComponent(roomId)}/state`, { token: viewer.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const events = res.body as unknown as JsonRecord[];
  const found = events.find((e) => e["type"] === "m.room.member" && e["state_key"] === userId);
  expect(found, `member event of ${userId}`).toBeDefined();
  return found!;
}
