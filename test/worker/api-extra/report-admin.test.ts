// The admin's view of reports: /_synapse/admin/v1/reports lists (newest first, paged, filtered), shows and resolves them; others get 403.
import { describe, expect, it } from "vitest";
import { makeAdmin } from "../api-accounts/support";
import { waitForEvent } from "../api-events/support";
import { createRoom, expectStatus, path, roomApp, send, users, type Call, type Registered } from "../api-rooms/support";

type Json = Record<string, unknown>;
const ADMIN = "/_synapse/admin/v1/reports";

/** A room with an event report, a room report and a user report in it (in that order), by bob about alice. */
async function reportedRoom(call: Call): Promise<{ alice: Registered; bob: Registered; roomId: string; eventId: string }> {
  const [alice, bob] = await users(call, 2);
  const roomId = await createRoom(call, alice!, { preset: "public_chat" });
  await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
  const eventId = await send(call, alice!, roomId, "rude");
  await waitForEvent(call, bob!, roomId, eventId);
  await expectStatus(call("POST", path(roomId, `report/${encodeURIComponent(eventId)}`), { token: bob!.accessToken, body: { reason: "spam", score: -100 } }), 200);
  await expectStatus(call("POST", path(roomId, "report"), { token: bob!.accessToken, body: { reason: "bad room" } }), 200);
  await expectStatus(call("POST", `users/${encodeURIComponent(alice!.userId)}/report`, { token: bob!.accessToken, body: { reason: "bad user" } }), 200);
  return { alice: alice!, bob: bob!, roomId, eventId };
}

const reportsOf = (body: Json): Json[] => body["reports"] as Json[];

describe("admin reports", () => {
  const call = roomApp();

  it("lists the newest first, filtered by room, reporter or reported user, and pages with from/limit", async () => {
    const admin = await makeAdmin(call);
    const { alice, bob, roomId, eventId } = await reportedRoom(call);

    const byRoom = await expectStatus(call("GET", `${ADMIN}?room_id=${encodeURIComponent(roomId)}`, { token: admin.token }), 200);
    expect(reportsOf(byRoom.body).map((r) => [r["kind"], r["event_id"] ?? null, r["reason"]])).toEqual([
      ["room", null, "bad room"],
      ["event", eventId, "spam"],
    ]);
    expect(reportsOf(byRoom.body)[1]).toMatchObject({ room_id: roomId, reporter: bob.userId, score: -100, resolved: false, sender: alice.userId });
    expect(typeof reportsOf(byRoom.body)[1]!["received_ts"]).toBe("number");
    expect(byRoom.body["next_token"]).toBeUndefined();

    const byReporter = await expectStatus(call("GET", `${ADMIN}?user_id=${encodeURIComponent(bob.userId)}`, { token: admin.token }), 200);
    expect(reportsOf(byReporter.body).map((r) => r["kind"])).toEqual(["user", "room", "event"]);
    const ids = reportsOf(byReporter.body).map((r) => r["id"] as number);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    // The reported user: a user report of them, or a report of an event they sent.
    const aboutAlice = await expectStatus(call("GET", `${ADMIN}?target_user_id=${encodeURIComponent(alice.userId)}`, { token: admin.token }), 200);
    expect(reportsOf(aboutAlice.body).map((r) => r["kind"])).toEqual(["user", "event"]);
    expect(reportsOf(aboutAlice.body)[0]).toMatchObject({ target_user_id: alice.userId });

    const page1 = await expectStatus(call("GET", `${ADMIN}?user_id=${encodeURIComponent(bob.userId)}&limit=2`, { token: admin.token }), 200);
    expect(reportsOf(page1.body).map((r) => r["id"])).toEqual(ids.slice(0, 2));
    const token = page1.body["next_token"];
    expect(typeof token).toBe("string");
    const page2 = await expectStatus(call("GET", `${ADMIN}?user_id=${encodeURIComponent(bob.userId)}&limit=2&from=${token as string}`, { token: admin.token }), 200);
    expect(reportsOf(page2.body).map((r) => r["id"])).toEqual(ids.slice(2));
    expect(page2.body["next_token"]).toBeUndefined();

    // Unfiltered: these are the newest of all.
    const all = await expectStatus(call("GET", `${ADMIN}?limit=3`, { token: admin.token }), 200);
    const allIds = reportsOf(all.body).map((r) => r["id"] as number);
    expect([...allIds].sort((a, b) => b - a)).toEqual(allIds);
  });

  it("shows one report with the reported event, and resolves it once", async () => {
    const admin = await makeAdmin(call);
    const { roomId, eventId } = await reportedRoom(call);
    const listed = await expectStatus(call("GET", `${ADMIN}?room_id=${encodeURIComponent(roomId)}`, { token: admin.token }), 200);
    const eventReport = reportsOf(listed.body).find((r) => r["kind"] === "event")!;
    const one = await expectStatus(call("GET", `${ADMIN}/${eventReport["id"] as number}`, { token: admin.token }), 200);
    expect(one.body).toMatchObject({ id: eventReport["id"], kind: "event", event_id: eventId, resolved: false });
    expect((one.body["event_json"] as Json)["content"]).toMatchObject({ body: "rude" });

    const resolved = await expectStatus(call("POST", `${ADMIN}/${eventReport["id"] as number}/resolve`, { token: admin.token, body: {} }), 200);
    expect(resolved.body).toMatchObject({ id: eventReport["id"], resolved: true, resolved_by: admin.userId });
    expect(typeof resolved.body["resolved_ts"]).toBe("number");
    // Resolving again keeps the first resolution.
    const again = await expectStatus(call("POST", `${ADMIN}/${eventReport["id"] as number}/resolve`, { token: admin.token }), 200);
    expect(again.body["resolved_ts"]).toBe(resolved.body["resolved_ts"]);

    const open = await expectStatus(call("GET", `${ADMIN}?room_id=${encodeURIComponent(roomId)}&resolved=false`, { token: admin.token }), 200);
    expect(reportsOf(open.body).map((r) => r["kind"])).toEqual(["room"]);
    const done = await expectStatus(call("GET", `${ADMIN}?room_id=${encodeURIComponent(roomId)}&resolved=true`, { token: admin.token }), 200);
    expect(reportsOf(done.body).map((r) => r["id"])).toEqual([eventReport["id"]]);
  });

  it("answers 404 for an unknown report and 400 for bad parameters", async () => {
    const admin = await makeAdmin(call);
    await expectStatus(call("GET", `${ADMIN}/999999999`, { token: admin.token }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", `${ADMIN}/999999999/resolve`, { token: admin.token }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", `${ADMIN}/abc`, { token: admin.token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", `${ADMIN}?limit=-1`, { token: admin.token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", `${ADMIN}?from=x`, { token: admin.token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", `${ADMIN}?resolved=maybe`, { token: admin.token }), 400, "M_INVALID_PARAM");
  });

  it("refuses non-admins with 403 M_FORBIDDEN and anonymous callers with 401", async () => {
    const [user] = await users(call, 1);
    for (const [method, route] of [["GET", ADMIN], ["GET", `${ADMIN}/1`], ["POST", `${ADMIN}/1/resolve`]] as const) {
      await expectStatus(call(method, route, { token: user!.accessToken }), 403, "M_FORBIDDEN");
      expect((await call(method, route)).status).toBe(401);
    }
  });
});
