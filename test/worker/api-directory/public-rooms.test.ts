// Room directory visibility and /publicRooms: who may publish, what the listing shows, search, types and paging.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { uniqueName } from "../api-accounts/support";
import { createRoom, expectStatus, path, roomApp, users } from "../api-rooms/support";
import { aliasPath, freshAlias, publicRoomsUntil, visibilityPath } from "./support";

type Chunk = Record<string, unknown>;

describe("room directory visibility", () => {
  const call = roomApp();

  it("is private until a member with power publishes the room; anyone may read it", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    expect((await expectStatus(call("GET", visibilityPath(roomId)), 200)).body).toEqual({ visibility: "private" });
    await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: bob!.accessToken, body: {} }), 200);
    await expectStatus(call("PUT", visibilityPath(roomId), { token: bob!.accessToken, body: { visibility: "public" } }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", visibilityPath(roomId), { token: carol!.accessToken, body: { visibility: "public" } }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", visibilityPath(roomId), { token: alice!.accessToken, body: { visibility: "public" } }), 200);
    expect((await call("GET", visibilityPath(roomId))).body).toEqual({ visibility: "public" });
    await expectStatus(call("PUT", visibilityPath(roomId), { token: alice!.accessToken, body: { visibility: "private" } }), 200);
    expect((await call("GET", visibilityPath(roomId))).body).toEqual({ visibility: "private" });
    // The spec's default for a body without visibility is public.
    await expectStatus(call("PUT", visibilityPath(roomId), { token: alice!.accessToken, body: {} }), 200);
    expect((await call("GET", visibilityPath(roomId))).body).toEqual({ visibility: "public" });
  });

  it("answers unknown rooms with 404, malformed input with 400 and a missing token with 401", async () => {
    const [alice] = await users(call, 1);
    const unknown = `!nosuchroom${uniqueName()}:${env.SERVER_NAME}`;
    await expectStatus(call("GET", visibilityPath(unknown)), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", visibilityPath(unknown), { token: alice!.accessToken, body: { visibility: "public" } }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", visibilityPath("not-a-room")), 400, "M_INVALID_PARAM");
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("PUT", visibilityPath(roomId), { token: alice!.accessToken, body: { visibility: "hidden" } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", visibilityPath(roomId), { body: { visibility: "public" } }), 401, "M_MISSING_TOKEN");
  });
});

describe("/publicRooms", () => {
  const call = roomApp();

  /** A published public_chat room; each test names its rooms with a unique tag and searches for it, so tests see only their own rooms. */
  async function publishedRoom(owner: Parameters<typeof createRoom>[1], extra: Record<string, unknown> = {}): Promise<string> {
    const roomId = await createRoom(call, owner, { preset: "public_chat", ...extra });
    await expectStatus(call("PUT", visibilityPath(roomId), { token: owner.accessToken, body: { visibility: "public" } }), 200);
    return roomId;
  }

  it("lists published rooms with the spec's chunk fields, largest first, and leaves private ones out", async () => {
    const [alice, bob] = await users(call, 2);
    const tag = uniqueName("garden");
    const big = await publishedRoom(alice!, { name: `Big ${tag}`, topic: "All about plants", room_version: "11" });
    const alias = freshAlias("big");
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: big } }), 200);
    await expectStatus(call("PUT", path(big, "state/m.room.canonical_alias/"), { token: alice!.accessToken, body: { alias } }), 200);
    await expectStatus(call("PUT", path(big, "state/m.room.avatar/"), { token: alice!.accessToken, body: { url: "mxc://x/y" } }), 200);
    await expectStatus(call("PUT", path(big, "state/m.room.guest_access/"), { token: alice!.accessToken, body: { guest_access: "can_join" } }), 200);
    await expectStatus(
      call("PUT", path(big, "state/m.room.history_visibility/"), { token: alice!.accessToken, body: { history_visibility: "world_readable" } }),
      200,
    );
    await expectStatus(call("POST", `join/${encodeURIComponent(big)}`, { token: bob!.accessToken, body: {} }), 200);
    const small = await publishedRoom(alice!, { name: `Small ${tag}`, creation_content: { type: "m.space" } });
    await createRoom(call, alice!, { preset: "public_chat", name: `Hidden ${tag}` });

    const body = { filter: { generic_search_term: tag } };
    const page = await publicRoomsUntil(call, alice!, body, (chunk) => chunk.length === 2 && chunk[0]?.["num_joined_members"] === 2 && chunk[0]?.["avatar_url"] !== undefined);
    const chunk = page["chunk"] as Chunk[];
    expect(chunk[0]).toEqual({
      room_id: big,
      name: `Big ${tag}`,
      topic: "All about plants",
      canonical_alias: alias,
      avatar_url: "mxc://x/y",
      num_joined_members: 2,
      world_readable: true,
      guest_can_join: true,
      join_rule: "public",
    });
    expect(chunk[1]).toEqual({
      room_id: small,
      name: `Small ${tag}`,
      num_joined_members: 1,
      world_readable: false,
      guest_can_join: false,
      join_rule: "public",
      room_type: "m.space",
    });
    expect(page["total_room_count_estimate"]).toBe(2);
    expect(page["next_batch"]).toBeUndefined();
    expect(page["prev_batch"]).toBeUndefined();
  });

  it("searches name, topic and canonical alias ignoring case, and filters by room type", async () => {
    const [alice] = await users(call, 1);
    const tag = uniqueName("srch");
    const byName = await publishedRoom(alice!, { name: `N ${tag.toUpperCase()}` });
    const byTopic = await publishedRoom(alice!, { topic: `about ${tag}` });
    const byAlias = await publishedRoom(alice!, { creation_content: { type: "m.space" } });
    const alias = `#${tag}x:${env.SERVER_NAME}`;
    await expectStatus(call("PUT", aliasPath(alias), { token: alice!.accessToken, body: { room_id: byAlias } }), 200);
    await expectStatus(call("PUT", path(byAlias, "state/m.room.canonical_alias/"), { token: alice!.accessToken, body: { alias } }), 200);
    const all = await publicRoomsUntil(call, alice!, { filter: { generic_search_term: tag } }, (c) => c.length === 3);
    expect((all["chunk"] as Chunk[]).map((r) => r["room_id"]).sort()).toEqual([byName, byTopic, byAlias].sort());
    const spaces = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter: { generic_search_term: tag, room_types: ["m.space"] } } });
    expect((spaces.body["chunk"] as Chunk[]).map((r) => r["room_id"])).toEqual([byAlias]);
    const plain = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter: { generic_search_term: tag, room_types: [null] } } });
    expect((plain.body["chunk"] as Chunk[]).map((r) => r["room_id"]).sort()).toEqual([byName, byTopic].sort());
    const none = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter: { generic_search_term: `${tag}-nothing` } } });
    expect(none.body).toEqual({ chunk: [], total_room_count_estimate: 0 });
  });

  it("pages forward with next_batch and back with prev_batch", async () => {
    const [alice] = await users(call, 1);
    const tag = uniqueName("page");
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publishedRoom(alice!, { name: `${tag} ${i}` }));
    const filter = { generic_search_term: tag };
    await publicRoomsUntil(call, alice!, { filter }, (c) => c.length === 3);
    const seen: string[] = [];
    const first = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter, limit: 2 } });
    expect(first.body["total_room_count_estimate"]).toBe(3);
    expect(first.body["prev_batch"]).toBeUndefined();
    seen.push(...(first.body["chunk"] as Chunk[]).map((r) => r["room_id"] as string));
    const second = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter, limit: 2, since: first.body["next_batch"] } });
    expect(second.body["next_batch"]).toBeUndefined();
    const secondIds = (second.body["chunk"] as Chunk[]).map((r) => r["room_id"] as string);
    expect(secondIds.length).toBe(1);
    seen.push(...secondIds);
    expect(seen.sort()).toEqual([...ids].sort());
    const back = await call("POST", "publicRooms", { token: alice!.accessToken, body: { filter, limit: 2, since: second.body["prev_batch"] } });
    expect(back.body["chunk"]).toEqual(first.body["chunk"]);
    expect(back.body["prev_batch"]).toBeUndefined();
    expect(back.body["next_batch"]).toBeDefined();
  });

  it("serves GET without a token, and refuses bad limits, tokens and other servers", async () => {
    const [alice] = await users(call, 1);
    const open = await expectStatus(call("GET", "publicRooms?limit=1"), 200);
    expect(Array.isArray(open.body["chunk"])).toBe(true);
    expect(typeof open.body["total_room_count_estimate"]).toBe("number");
    await expectStatus(call("GET", `publicRooms?server=${encodeURIComponent(env.SERVER_NAME)}`), 200);
    await expectStatus(call("GET", "publicRooms?limit=-1"), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "publicRooms?since=garbage"), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "publicRooms?server=elsewhere.example"), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", "publicRooms", { body: {} }), 401, "M_MISSING_TOKEN");
    await expectStatus(call("POST", "publicRooms", { token: alice!.accessToken, body: { limit: "ten" } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "publicRooms", { token: alice!.accessToken, body: { limit: -5 } }), 400, "M_INVALID_PARAM");
    await expectStatus(
      call("POST", "publicRooms", { token: alice!.accessToken, body: { include_all_networks: true, third_party_instance_id: "irc" } }),
      400,
      "M_INVALID_PARAM",
    );
    const irc = await expectStatus(call("POST", "publicRooms", { token: alice!.accessToken, body: { third_party_instance_id: "irc" } }), 200);
    expect(irc.body).toEqual({ chunk: [], total_room_count_estimate: 0 });
    await expectStatus(call("POST", "publicRooms", { token: alice!.accessToken, raw: "" }), 200);
  });
});
