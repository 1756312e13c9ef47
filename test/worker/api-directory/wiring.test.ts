// The directory seen through the room routes: createRoom's alias and visibility, join by alias, canonical alias checks.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uniqueName } from "../api-accounts/support";
import { createRoom, expectStatus, path, roomApp, users } from "../api-rooms/support";
import { aliasPath, freshAlias, publicRoomsUntil, visibilityPath } from "./support";

describe("the directory in the room routes", () => {
  const call = roomApp();

  it("createRoom maps room_alias_name, makes it the canonical alias and publishes a public room", async () => {
    const [alice] = await users(call, 1);
    const name = uniqueName("made");
    const roomId = await createRoom(call, alice!, { room_alias_name: name, visibility: "public", preset: "public_chat", name: `R ${name}` });
    const alias = `#${name}:${env.SERVER_NAME}`;
    expect((await expectStatus(call("GET", aliasPath(alias)), 200)).body["room_id"]).toBe(roomId);
    expect((await call("GET", path(roomId, "state/m.room.canonical_alias"), { token: alice!.accessToken })).body).toEqual({ alias });
    expect((await call("GET", visibilityPath(roomId))).body).toEqual({ visibility: "public" });
    const page = await publicRoomsUntil(call, alice!, { filter: { generic_search_term: name } }, (c) => c[0]?.["canonical_alias"] === alias);
    expect((page["chunk"] as Record<string, unknown>[])[0]?.["room_id"]).toBe(roomId);
    // The alias is taken now: a second room asking for it is refused before it is made.
    await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { room_alias_name: name } }), 400, "M_ROOM_IN_USE");
    await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { room_alias_name: `${name}:elsewhere` } }), 400, "M_INVALID_PARAM");
    const plain = await createRoom(call, alice!, { visibility: "private" });
    expect((await call("GET", visibilityPath(plain))).body).toEqual({ visibility: "private" });
  });

  it("joins by alias, and answers an unknown alias with 404", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const alias = freshAlias();
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    const joined = await expectStatus(call("POST", `join/${encodeURIComponent(alias)}`, { token: bob!.accessToken, body: {} }), 200);
    expect(joined.body).toEqual({ room_id: roomId });
    expect((await call("GET", path(roomId, `state/m.room.member/${encodeURIComponent(bob!.userId)}`), { token: bob!.accessToken })).body).toMatchObject({
      membership: "join",
    });
    await expectStatus(call("POST", `join/${encodeURIComponent(freshAlias())}`, { token: bob!.accessToken, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", `join/${encodeURIComponent("#x:elsewhere.example")}`, { token: bob!.accessToken, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", "join/neither", { token: bob!.accessToken, body: {} }), 400, "M_INVALID_PARAM");
  });

  it("refuses a canonical alias that does not exist or names another room with M_BAD_ALIAS", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const other = await createRoom(call, alice!);
    const mine = freshAlias("mine");
    const theirs = freshAlias("theirs");
    await expectStatus(call("PUT", aliasPath(mine), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    await expectStatus(call("PUT", aliasPath(theirs), { token: alice!.accessToken, body: { room_id: other } }), 200);
    const put = (content: unknown) => call("PUT", path(roomId, "state/m.room.canonical_alias/"), { token: alice!.accessToken, body: content });
    await expectStatus(put({ alias: freshAlias("ghost") }), 400, "M_BAD_ALIAS");
    await expectStatus(put({ alias: theirs }), 400, "M_BAD_ALIAS");
    await expectStatus(put({ alias: mine, alt_aliases: [theirs] }), 400, "M_BAD_ALIAS");
    await expectStatus(put({ alias: "#x:elsewhere.example" }), 400, "M_BAD_ALIAS");
    await expectStatus(put({ alias: "not an alias" }), 400, "M_INVALID_PARAM");
    await expectStatus(put({ alt_aliases: "not a list" }), 400, "M_INVALID_PARAM");
    await expectStatus(put({ alias: mine, alt_aliases: [mine] }), 200);
    await expectStatus(put({}), 200);
    // Other state keys and event types are not canonical aliases and are not checked.
    await expectStatus(call("PUT", path(roomId, "state/m.room.canonical_alias/other"), { token: alice!.accessToken, body: { alias: "junk" } }), 200);
  });

  it("allows deleting the alias the room publishes as canonical, and later edits keep it without a new check", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const main = freshAlias("main");
    const extra = freshAlias("extra");
    for (const alias of [main, extra]) {
      await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: roomId } }), 200);
    }
    const put = (content: unknown) => call("PUT", path(roomId, "state/m.room.canonical_alias/"), { token: alice!.accessToken, body: content });
    await expectStatus(put({ alias: main }), 200);
    await expectStatus(call("DELETE", aliasPath(main), { token: alice!.accessToken }), 200);
    // The read model must have the current canonical alias event before an edit can rely on it.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await put({ alias: main, alt_aliases: [extra] });
      if (res.status === 200) break;
      expect(res.body["errcode"]).toBe("M_BAD_ALIAS");
      if (Date.now() > deadline) throw new Error("the canonical alias never reached the read model");
      await new Promise((r) => setTimeout(r, 50));
    }
    await expectStatus(put({ alias: extra }), 200);
  });
});
