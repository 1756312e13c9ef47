// POST /rooms/{roomId}/forget: only once out of the room; the record holds until a rejoin, re-invite or knock.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { forgottenRoomIds, isForgotten } from "../../../src/readmodels/forgotten-rooms";
import { createRoom, expectStatus, path, roomApp, users } from "./support";

describe("forget", () => {
  const call = roomApp();

  it("refuses a joined member (400 M_UNKNOWN), forgets after leaving, and a rejoin ends it", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, body: {} }), 400, "M_UNKNOWN");
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(false);

    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const res = await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, body: {} }), 200);
    expect(res.body).toEqual({});
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(true);
    expect(await forgottenRoomIds(env.DB, bob!.userId)).toEqual(new Set([roomId]));
    // Forgetting twice is harmless.
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, raw: "" }), 200);

    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(false);
    // Leaving again does not bring the old forgetting back.
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(false);
    expect(await forgottenRoomIds(env.DB, bob!.userId)).toEqual(new Set());
  });

  it("a re-invite ends the forgetting; an invited user must reject before forgetting", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "private_chat" });
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, body: {} }), 400, "M_UNKNOWN");
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, body: {} }), 200);
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(true);
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(false);
  });

  it("a banned user may forget; a room never joined is accepted and records nothing; bad requests are refused", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "ban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken }), 200);
    expect(await isForgotten(env.DB, bob!.userId, roomId)).toBe(true);

    await expectStatus(call("POST", path(roomId, "forget"), { token: carol!.accessToken }), 200);
    expect(await isForgotten(env.DB, carol!.userId, roomId)).toBe(false);

    await expectStatus(call("POST", "rooms/not-a-room/forget", { token: bob!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", path(roomId, "forget"), { token: bob!.accessToken, raw: "[]" }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path(roomId, "forget")), 401, "M_MISSING_TOKEN");
  });
});
