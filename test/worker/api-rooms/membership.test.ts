// Join, invite, leave and /joined_rooms through the routes.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, syncUntil, users } from "./support";

const MISSING_ROOM = "!nosuchroomhereatall:localhost:8008";

describe("membership routes", () => {
  const call = roomApp();

  it("invite, then join by /rooms/{roomId}/join; leave; and joined_rooms follows", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "private_chat" });
    // Not invited yet: the join rule is invite.
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId, reason: "welcome" } }), 200);
    expect((await call("GET", path(roomId, `state/m.room.member/${bob!.userId}`), { token: alice!.accessToken })).body).toMatchObject({
      membership: "invite",
      reason: "welcome",
    });
    const joined = await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    expect(joined.body).toEqual({ room_id: roomId });
    await send(call, bob!, roomId, "hi");
    // joined_rooms reads the read model: wait until the projection has seen Bob's message.
    await syncUntil(call, bob!, roomId, (events) => events.some((e) => e.content["body"] === "hi"));
    expect((await call("GET", "joined_rooms", { token: bob!.accessToken })).body["joined_rooms"]).toContain(roomId);

    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken, raw: "" }), 200);
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/after-leave"), { token: bob!.accessToken, body: { body: "x" } }), 403, "M_FORBIDDEN");
    await send(call, alice!, roomId, "marker");
    await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.content["body"] === "marker"));
    expect((await call("GET", "joined_rooms", { token: bob!.accessToken })).body["joined_rooms"]).not.toContain(roomId);
  });

  it("joins a public room by POST /join/{roomIdOrAlias} with a room ID", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const res = await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: bob!.accessToken }), 200);
    expect(res.body).toEqual({ room_id: roomId });
    await send(call, bob!, roomId, "in");
  });

  it("answers 404 for an unknown room or an alias, 400 for neither an ID nor an alias", async () => {
    const [bob] = await users(call, 1);
    await expectStatus(call("POST", path(MISSING_ROOM, "join"), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", `join/${encodeURIComponent(MISSING_ROOM)}`, { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", `join/${encodeURIComponent("#garden:localhost:8008")}`, { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", "join/garden", { token: bob!.accessToken }), 400, "M_INVALID_PARAM");
  });

  it("refuses invites by non-members, of malformed user IDs, and without a body", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("POST", path(roomId, "invite"), { token: eve!.accessToken, body: { user_id: bob!.userId } }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: "bob" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path(MISSING_ROOM, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 404, "M_NOT_FOUND");
  });

  it("refuses leaving a room one is not in", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("POST", path(roomId, "leave"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(MISSING_ROOM, "leave"), { token: eve!.accessToken }), 404, "M_NOT_FOUND");
  });

  it("joined_rooms needs a token and starts empty", async () => {
    const [carol] = await users(call, 1);
    expect((await call("GET", "joined_rooms", { token: carol!.accessToken })).body).toEqual({ joined_rooms: [] });
    await expectStatus(call("GET", "joined_rooms"), 401, "M_MISSING_TOKEN");
  });
});
