// POST /rooms/{roomId}/report/{eventId} and POST /rooms/{roomId}/report: stored reports and every error answer.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { recentReports } from "../../../src/readmodels/report-store";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { waitForEvent } from "../api-events/support";

describe("POST /rooms/{roomId}/report/{eventId}", () => {
  const call = roomApp();

  it("stores a member's report of an event it can see, with reason and score", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const id = await send(call, alice!, roomId, "rude");
    await waitForEvent(call, bob!, roomId, id);
    const res = await expectStatus(
      call("POST", path(roomId, `report/${encodeURIComponent(id)}`), { token: bob!.accessToken, body: { reason: "spam", score: -100 } }),
      200,
    );
    expect(res.body).toEqual({});
    await expectStatus(call("POST", path(roomId, `report/${encodeURIComponent(id)}`), { token: bob!.accessToken, body: {} }), 200);
    const stored = await recentReports(env.DB, 10, roomId);
    expect(stored.map((r) => [r.kind, r.event_id, r.reporter, r.reason, r.score])).toEqual([
      ["event", id, bob!.userId, null, null],
      ["event", id, bob!.userId, "spam", -100],
    ]);
  });

  it("answers 404 for unknown, unseen or non-member reports and 400 for bad bodies", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const id = await send(call, alice!, roomId, "hello");
    await waitForEvent(call, alice!, roomId, id);
    const report = (who: typeof alice, eventId: string, body: unknown = { reason: "x" }) =>
      call("POST", path(roomId, `report/${encodeURIComponent(eventId)}`), { token: who!.accessToken, body });
    await expectStatus(report(eve, id), 404, "M_NOT_FOUND");
    await expectStatus(report(alice, "$unknown"), 404, "M_NOT_FOUND");
    // Bob joined and left: he may still see the event but is no longer joined.
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    // The room's log projects in order: once a later event is read, the leave is too.
    await waitForEvent(call, alice!, roomId, await send(call, alice!, roomId, "after bob left"));
    await expectStatus(report(bob, id), 404, "M_NOT_FOUND");
    await expectStatus(report(alice, id, { reason: 5 }), 400, "M_BAD_JSON");
    await expectStatus(report(alice, id, { score: -101 }), 400, "M_BAD_JSON");
    await expectStatus(report(alice, id, { score: 1.5 }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path(roomId, `report/${encodeURIComponent(id)}`), { token: alice!.accessToken, raw: "nope" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", path(roomId, `report/${encodeURIComponent(id)}`), { body: {} }), 401, "M_MISSING_TOKEN");
    expect(await recentReports(env.DB, 10, roomId)).toEqual([]);
  });
});

describe("POST /rooms/{roomId}/report", () => {
  const call = roomApp();

  it("stores a room report from anyone, member or not", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("POST", path(roomId, "report"), { token: eve!.accessToken, body: { reason: "bad room" } }), 200);
    await expectStatus(call("POST", path(roomId, "report"), { token: alice!.accessToken, body: { reason: "" } }), 200);
    // The reason is optional.
    await expectStatus(call("POST", path(roomId, "report"), { token: alice!.accessToken, body: {} }), 200);
    const stored = await recentReports(env.DB, 10, roomId);
    expect(stored.map((r) => [r.kind, r.event_id, r.reporter, r.reason])).toEqual([
      ["room", null, alice!.userId, null],
      ["room", null, alice!.userId, ""],
      ["room", null, eve!.userId, "bad room"],
    ]);
  });

  it("answers 404 for an unknown room and 400 for bad bodies", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("POST", path("!unknown:nowhere.example", "report"), { token: alice!.accessToken, body: { reason: "x" } }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", path(roomId, "report"), { token: alice!.accessToken, raw: "" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", path(roomId, "report"), { token: alice!.accessToken, body: { reason: ["x"] } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path("bad", "report"), { token: alice!.accessToken, body: { reason: "x" } }), 400, "M_INVALID_PARAM");
  });
});

describe("POST /users/{userId}/report", () => {
  const call = roomApp();
  const userReports = async (target: string) =>
    (await env.DB.prepare("SELECT reporter, reason, kind FROM reports WHERE target_user_id = ? ORDER BY id").bind(target).all()).results;

  it("stores a report of any local user, shared room or not, and of remote users", async () => {
    const [alice, eve] = await users(call, 2);
    await expectStatus(call("POST", `users/${encodeURIComponent(eve!.userId)}/report`, { token: alice!.accessToken, body: { reason: "spammer" } }), 200);
    expect(await userReports(eve!.userId)).toEqual([{ reporter: alice!.userId, reason: "spammer", kind: "user" }]);
    await expectStatus(call("POST", `users/${encodeURIComponent("@someone:remote.example")}/report`, { token: alice!.accessToken, body: { reason: "" } }), 200);
    expect(await userReports("@someone:remote.example")).toHaveLength(1);
    // The reason is optional.
    await expectStatus(call("POST", `users/${encodeURIComponent(eve!.userId)}/report`, { token: alice!.accessToken, body: {} }), 200);
    expect(await userReports(eve!.userId)).toHaveLength(2);
  });

  it("answers 404 for an unknown local user and 400 for bad requests", async () => {
    const [alice] = await users(call, 1);
    const local = alice!.userId.slice(alice!.userId.indexOf(":") + 1);
    await expectStatus(call("POST", `users/${encodeURIComponent(`@nobody-here:${local}`)}/report`, { token: alice!.accessToken, body: { reason: "x" } }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", `users/not-a-user/report`, { token: alice!.accessToken, body: { reason: "x" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", `users/${encodeURIComponent(alice!.userId)}/report`, { token: alice!.accessToken, body: { reason: 1 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", `users/${encodeURIComponent(alice!.userId)}/report`, { body: { reason: "x" } }), 401, "M_MISSING_TOKEN");
  });
});
