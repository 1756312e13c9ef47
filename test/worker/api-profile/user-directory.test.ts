// POST /user_directory/search: who is visible (shared rooms, public rooms), matching, ranking, limits and refusals.
import { describe, expect, it } from "vitest";
import { type Call, createRoom, eventually, expectStatus, path, type Registered, roomApp, setProfile, uniqueName, untilJoined, users } from "./support";

type Result = { user_id: string; display_name?: string; avatar_url?: string };
type Search = { results: Result[]; limited: boolean };

const search = async (call: Call, user: Registered, body: unknown): Promise<Search> => {
  const res = await call("POST", "user_directory/search", { token: user.accessToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Search;
};

const ids = (found: Search) => found.results.map((r) => r.user_id);

describe("user directory search", () => {
  const call = roomApp();

  it("finds users sharing a private room, by displayname or user ID, case-insensitively", async () => {
    const [alice, bob, stranger] = await users(call, 3);
    const tag = uniqueName("dir");
    await setProfile(call, bob!, "displayname", `Bob ${tag.toUpperCase()} Builder`);
    await setProfile(call, bob!, "avatar_url", "mxc://example.org/hardhat");
    const roomId = await createRoom(call, alice!, { preset: "private_chat", invite: [bob!.userId] });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await untilJoined(call, bob!, roomId);

    const byName = await eventually(() => search(call, alice!, { search_term: tag }), (f) => f.results.length > 0, "bob in alice's directory");
    expect(byName).toEqual({
      results: [{ user_id: bob!.userId, display_name: `Bob ${tag.toUpperCase()} Builder`, avatar_url: "mxc://example.org/hardhat" }],
      limited: false,
    });
    expect(ids(await search(call, alice!, { search_term: bob!.username.toUpperCase() }))).toEqual([bob!.userId]);
    // Someone sharing no room with Bob, while Bob is in no public room, does not find him.
    expect(await search(call, stranger!, { search_term: tag })).toEqual({ results: [], limited: false });
  });

  it("finds users in public rooms without sharing one, and stops finding them when they leave", async () => {
    const [carol, dave] = await users(call, 2);
    const tag = uniqueName("pub");
    await setProfile(call, carol!, "displayname", `Carol ${tag}`);
    const roomId = await createRoom(call, carol!, { preset: "public_chat" });
    await untilJoined(call, carol!, roomId);
    const found = await eventually(() => search(call, dave!, { search_term: tag }), (f) => f.results.length > 0, "carol via a public room");
    expect(ids(found)).toEqual([carol!.userId]);

    await expectStatus(call("POST", path(roomId, "leave"), { token: carol!.accessToken }), 200);
    await eventually(() => search(call, dave!, { search_term: tag }), (f) => f.results.length === 0, "carol gone after leaving");
  });

  it("counts world_readable rooms as public", async () => {
    const [erin, frank] = await users(call, 2);
    const tag = uniqueName("wr");
    await setProfile(call, erin!, "displayname", `Erin ${tag}`);
    const roomId = await createRoom(call, erin!, {
      preset: "private_chat",
      initial_state: [{ type: "m.room.history_visibility", content: { history_visibility: "world_readable" } }],
    });
    await untilJoined(call, erin!, roomId);
    const found = await eventually(() => search(call, frank!, { search_term: tag }), (f) => f.results.length > 0, "erin via world_readable");
    expect(ids(found)).toEqual([erin!.userId]);
  });

  it("folds non-ASCII case, ranks prefix matches first, and sets limited", async () => {
    const [gina, h1, h2, h3] = await users(call, 4);
    const tag = uniqueName("rk");
    await setProfile(call, h1!, "displayname", `Zed ÉLODIE${tag}`);
    await setProfile(call, h2!, "displayname", `élodie${tag} Prime`);
    await setProfile(call, h3!, "displayname", `xxélodie${tag}`);
    const roomId = await createRoom(call, gina!, { preset: "public_chat" });
    for (const u of [h1, h2, h3]) await expectStatus(call("POST", path(roomId, "join"), { token: u!.accessToken }), 200);
    for (const u of [h1, h2, h3]) await untilJoined(call, u!, roomId);

    const term = `élodie${tag}`;
    const all = await eventually(() => search(call, gina!, { search_term: term, limit: 10 }), (f) => f.results.length === 3, "three matches");
    // Name prefix first, then word prefix, then substring.
    expect(ids(all)).toEqual([h2!.userId, h1!.userId, h3!.userId]);
    expect(all.limited).toBe(false);
    const upper = await search(call, gina!, { search_term: term.toUpperCase() });
    expect(ids(upper)).toEqual(ids(all));
    const one = await search(call, gina!, { search_term: term, limit: 1 });
    expect(one).toEqual({ results: [all.results[0]], limited: true });
  });

  it("treats LIKE wildcards in the term literally", async () => {
    const [ivan] = await users(call, 1);
    const roomId = await createRoom(call, ivan!, { preset: "public_chat" });
    await untilJoined(call, ivan!, roomId);
    expect((await search(call, ivan!, { search_term: "%_%_%_%_%_%_%_%_%_%_%_%" })).results).toEqual([]);
  });

  it("refuses bad bodies and missing tokens", async () => {
    const [judy] = await users(call, 1);
    await expectStatus(call("POST", "user_directory/search", { token: judy!.accessToken, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "user_directory/search", { token: judy!.accessToken, body: { search_term: 5 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "user_directory/search", { token: judy!.accessToken, body: { search_term: "a", limit: -1 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "user_directory/search", { token: judy!.accessToken, raw: "nope" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", "user_directory/search", { body: { search_term: "a" } }), 401, "M_MISSING_TOKEN");
  });
});
