// Kick, ban, unban and knock through the routes, with the power and join rules the room DO enforces.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, users } from "./support";

const call = roomApp();

describe("kick, ban and unban routes", () => {
  it("a moderator kicks, bans and unbans; the target cannot act back or rejoin while banned", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const memberOf = async (userId: string) =>
      (await call("GET", path(roomId, `state/m.room.member/${encodeURIComponent(userId)}`), { token: alice!.accessToken })).body;
    for (const user of [bob!, carol!]) await expectStatus(call("POST", path(roomId, "join"), { token: user.accessToken, body: {} }), 200);

    // Bob has power 0: he may neither kick nor ban Carol.
    await expectStatus(call("POST", path(roomId, "kick"), { token: bob!.accessToken, body: { user_id: carol!.userId } }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "ban"), { token: bob!.accessToken, body: { user_id: carol!.userId } }), 403, "M_FORBIDDEN");

    await expectStatus(call("POST", path(roomId, "kick"), { token: alice!.accessToken, body: { user_id: bob!.userId, reason: "spam" } }), 200);
    expect(await memberOf(bob!.userId)).toMatchObject({ membership: "leave", reason: "spam" });

    await expectStatus(call("POST", path(roomId, "ban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    expect(await memberOf(bob!.userId)).toMatchObject({ membership: "ban" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");

    await expectStatus(call("POST", path(roomId, "unban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    expect(await memberOf(bob!.userId)).toMatchObject({ membership: "leave" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
  });

  it("answers bad bodies with 400 and unknown rooms with 404", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, {});
    await expectStatus(call("POST", path(roomId, "ban"), { token: alice!.accessToken, body: {} }), 400);
    await expectStatus(call("POST", path(roomId, "kick"), { token: alice!.accessToken, body: { user_id: "not-a-user" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", path(roomId, "kick"), { token: alice!.accessToken, raw: "{" }), 400, "M_NOT_JSON");
    await expectStatus(
      call("POST", path("!nosuchroomhereatall:localhost:8008", "ban"), { token: alice!.accessToken, body: { user_id: alice!.userId } }),
      404,
      "M_NOT_FOUND",
    );
  });
});

describe("knock route", () => {
  it("knocks on a knock room, is invited in; a public room refuses the knock", async () => {
    const [alice, bob] = await users(call, 2);
    const knockRoom = await createRoom(call, alice!, {
      room_version: "12",
      initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
    });
    const res = await expectStatus(call("POST", `knock/${encodeURIComponent(knockRoom)}`, { token: bob!.accessToken, body: { reason: "let me in" } }), 200);
    expect(res.body).toEqual({ room_id: knockRoom });
    expect((await call("GET", path(knockRoom, `state/m.room.member/${encodeURIComponent(bob!.userId)}`), { token: alice!.accessToken })).body).toMatchObject({
      membership: "knock",
      reason: "let me in",
    });
    await expectStatus(call("POST", path(knockRoom, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    await expectStatus(call("POST", path(knockRoom, "join"), { token: bob!.accessToken, body: {} }), 200);

    const publicRoom = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", `knock/${encodeURIComponent(publicRoom)}`, { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");
  });
});
