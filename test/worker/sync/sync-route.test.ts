// GET /sync through the route: set_presence is checked and handed on, filters reach the rooms, joined rooms carry summary and unread counts.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncWithLongPoll, type SetPresence } from "../../../src/readmodels/sync-response";
import { createRoom, expectStatus, joinedSection, roomApp, send, syncUntil, users } from "../api-rooms/support";

describe("GET /sync parameters", () => {
  const call = roomApp();

  it("refuses a set_presence other than online, offline or unavailable", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    for (const value of ["online", "offline", "unavailable"]) await expectStatus(call("GET", `sync?set_presence=${value}`, { token }), 200);
    for (const value of ["busy", "", "ONLINE"]) await expectStatus(call("GET", `sync?set_presence=${value}`, { token }), 400, "M_INVALID_PARAM");
  });

  it("a joined room carries summary and unread_notifications; a room filter leaves rooms out", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { invite: [bob!.userId] });
    const other = await createRoom(call, alice!);
    await expectStatus(call("POST", `rooms/${encodeURIComponent(roomId)}/join`, { token: bob!.accessToken }), 200);
    const sent = await send(call, bob!, roomId, "hello alice");
    await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === sent));
    const res = await expectStatus(call("GET", `sync?filter=${encodeURIComponent(JSON.stringify({ room: { not_rooms: [other] } }))}`, { token: alice!.accessToken }), 200);
    const section = joinedSection(res.body, roomId)!;
    expect(section["unread_notifications"]).toEqual({ notification_count: 1, highlight_count: 0 });
    expect(section["summary"]).toMatchObject({ "m.joined_member_count": 2, "m.invited_member_count": 0, "m.heroes": [bob!.userId] });
    expect(joinedSection(res.body, other)).toBeUndefined();
  });
});

it("syncWithLongPoll hands set_presence (online when absent) to setPresence once per request", async () => {
  const seen: [string, SetPresence][] = [];
  const setPresence = async (userId: string, presence: SetPresence) => {
    seen.push([userId, presence]);
  };
  const waiter = { waitForAny: async (after: Readonly<Record<string, number>>) => after };
  await syncWithLongPoll(env.DB, { userId: "@presence:test", now: 0, setPresence }, waiter);
  await syncWithLongPoll(env.DB, { userId: "@presence:test", now: 0, presence: "unavailable", setPresence }, waiter);
  expect(seen).toEqual([
    ["@presence:test", "online"],
    ["@presence:test", "unavailable"],
  ]);
});
