// Helpers for the per-user data route tests: paths under /user/{userId}/ and reading account data out of /sync.
import { expect } from "vitest";
import type { Call, Registered } from "../api-rooms/support";

export { createRoom, expectStatus, roomApp, users, type Call, type Registered } from "../api-rooms/support";

type JsonRecord = Record<string, unknown>;
export type AccountDataEvent = { type: string; content: JsonRecord };

export const userPath = (user: Registered | string, rest: string): string =>
  `user/${encodeURIComponent(typeof user === "string" ? user : user.userId)}/${rest}`;

export const roomDataPath = (user: Registered | string, roomId: string, rest: string): string =>
  userPath(user, `rooms/${encodeURIComponent(roomId)}/${rest}`);

export const globalAccountData = (sync: JsonRecord): AccountDataEvent[] =>
  ((sync["account_data"] as JsonRecord | undefined)?.["events"] as AccountDataEvent[] | undefined) ?? [];

export const roomAccountData = (sync: JsonRecord, roomId: string): AccountDataEvent[] | undefined => {
  const room = ((sync["rooms"] as JsonRecord)["join"] as JsonRecord)[roomId] as JsonRecord | undefined;
  return (room?.["account_data"] as JsonRecord | undefined)?.["events"] as AccountDataEvent[] | undefined;
};

/** Initial syncs until the user is joined to `roomId` (the projection is asynchronous); returns the body. */
export async function syncUntilJoined(call: Call, user: Registered, roomId: string): Promise<JsonRecord> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await call("GET", "sync", { token: user.accessToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (roomAccountData(res.body, roomId) !== undefined) return res.body;
    if (Date.now() > deadline) throw new Error("room never appeared in /sync");
    await new Promise((r) => setTimeout(r, 50));
  }
}
