// Room alias routes: create, resolve, delete and list, with each refusal's errcode.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, users } from "../api-rooms/support";
import { aliasPath, freshAlias } from "./support";

describe("room aliases", () => {
  const call = roomApp();

  it("maps an alias to a room, resolves it without a token and refuses a second mapping with 409", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const alias = freshAlias();
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    const got = await expectStatus(call("GET", aliasPath(alias)), 200);
    expect(got.body["room_id"]).toBe(roomId);
    expect((got.body["servers"] as string[])[0]).toBe(env.SERVER_NAME);
    const again = await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: roomId } }), 409, "M_UNKNOWN");
    expect(again.body["error"]).toContain(alias);
    // The r0 prefix reaches the same routes.
    const r0 = await call("GET", `/_matrix/client/r0/${aliasPath(alias)}`);
    expect(r0.body["room_id"]).toBe(roomId);
  });

  it("answers unknown aliases with 404 and malformed ones with 400 M_INVALID_PARAM", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("GET", aliasPath(freshAlias())), 404, "M_NOT_FOUND");
    for (const bad of ["nosigil:x", "#nodomain", "#bad:not a server"]) {
      await expectStatus(call("GET", aliasPath(bad)), 400, "M_INVALID_PARAM");
      await expectStatus(call("PUT", aliasPath(bad), { token: alice!.accessToken, body: { room_id: roomId } }), 400, "M_INVALID_PARAM");
      await expectStatus(call("DELETE", aliasPath(bad), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    }
  });

  it("manages only this server's aliases; another server's cannot be resolved without federation", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const foreign = "#garden:elsewhere.example";
    await expectStatus(call("PUT", aliasPath(foreign), { token: alice!.accessToken, body: { room_id: roomId } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("DELETE", aliasPath(foreign), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", aliasPath(foreign)), 404, "M_NOT_FOUND");
  });

  it("refuses non-members (403), unknown rooms (404), bad room IDs and bodies (400) and missing tokens (401)", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const alias = freshAlias();
    await expectStatus(call("PUT", aliasPath(alias), { token: bob!.accessToken, body: { room_id: roomId } }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: `!nosuchroom:${env.SERVER_NAME}` } }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: "not-a-room" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", aliasPath(alias), { body: { room_id: roomId } }), 401, "M_MISSING_TOKEN");
    await expectStatus(call("DELETE", aliasPath(alias)), 401, "M_MISSING_TOKEN");
    await expectStatus(call("GET", aliasPath(alias)), 404, "M_NOT_FOUND");
  });

  it("lets the alias's creator, or a member with power over the canonical alias, delete it; others get 403", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: bob!.accessToken, body: {} }), 200);
    const bobs = freshAlias("bob");
    await expectStatus(call("PUT", aliasPath(bobs), { token: bob!.accessToken, body: { room_id: roomId } }), 200);
    const alices = freshAlias("alice");
    await expectStatus(call("PUT", aliasPath(alices), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    // Bob is a plain member: not his alias, and too little power for m.room.canonical_alias (50).
    await expectStatus(call("DELETE", aliasPath(alices), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("DELETE", aliasPath(alices), { token: carol!.accessToken }), 403, "M_FORBIDDEN");
    // Alice created the room, so she holds the power to delete an alias Bob made.
    await expectStatus(call("DELETE", aliasPath(bobs), { token: alice!.accessToken }), 200);
    await expectStatus(call("GET", aliasPath(bobs)), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", aliasPath(bobs), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", aliasPath(alices), { token: alice!.accessToken }), 200);
  });

  it("lets the creator delete their own alias after losing power in the room", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: bob!.accessToken, body: {} }), 200);
    const alias = freshAlias();
    await expectStatus(call("PUT", aliasPath(alias), { token: bob!.accessToken, body: { room_id: roomId } }), 200);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken, body: {} }), 200);
    await expectStatus(call("DELETE", aliasPath(alias), { token: bob!.accessToken }), 200);
  });

  it("lists a room's local aliases to members, to anyone when world_readable, and refuses others", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const one = freshAlias("x");
    const two = freshAlias("y");
    for (const alias of [one, two]) {
      await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    }
    const listed = await expectStatus(call("GET", path(roomId, "aliases"), { token: alice!.accessToken }), 200);
    expect([...(listed.body["aliases"] as string[])].sort()).toEqual([one, two].sort());
    await expectStatus(call("GET", path(roomId, "aliases"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(
      call("PUT", path(roomId, "state/m.room.history_visibility/"), { token: alice!.accessToken, body: { history_visibility: "world_readable" } }),
      200,
    );
    const open = await expectStatus(call("GET", path(roomId, "aliases"), { token: bob!.accessToken }), 200);
    expect((open.body["aliases"] as string[]).length).toBe(2);
    const empty = await createRoom(call, alice!);
    expect((await expectStatus(call("GET", path(empty, "aliases"), { token: alice!.accessToken }), 200)).body).toEqual({ aliases: [] });
    await expectStatus(call("GET", "rooms/not-a-room/aliases", { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "aliases")), 401, "M_MISSING_TOKEN");
  });
});
