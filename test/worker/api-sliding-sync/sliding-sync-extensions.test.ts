// Sliding sync's list filters (is_invite, is_dm), invite_state, and the account_data, typing and receipts extensions.
import { describe, expect, it } from "vitest";
import { type Call, createRoom, expectStatus, path, type Registered, roomApp, send, syncUntil, users } from "../api-rooms/support";

type Json = Record<string, unknown>;
const SS = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";
const slide = (call: Call, user: Registered, body: Json, query = "") => call("POST", `${SS}${query}`, { token: user.accessToken, body });
const roomsOf = (body: Json) => body["rooms"] as Record<string, Json>;

describe("simplified sliding sync filters and extensions", () => {
  const call = roomApp();

  it("is_invite and is_dm filters; an invite carries invite_state", async () => {
    const [alice, bob] = await users(call, 2);
    const joined = await createRoom(call, bob!);
    const invited = await createRoom(call, alice!, { invite: [bob!.userId], name: "Invite me", is_direct: true });
    await expectStatus(
      call("PUT", `user/${encodeURIComponent(bob!.userId)}/account_data/m.direct`, { token: bob!.accessToken, body: { [alice!.userId]: [joined] } }),
      200,
    );
    const marker = await send(call, bob!, joined, "marker");
    await syncUntil(call, bob!, joined, (events) => events.some((e) => e.event_id === marker));
    const lists = {
      invites: { ranges: [[0, 9]], timeline_limit: 1, required_state: [], filters: { is_invite: true } },
      dms: { ranges: [[0, 9]], timeline_limit: 1, required_state: [], filters: { is_dm: true } },
    };
    const res = await expectStatus(slide(call, bob!, { lists, extensions: { account_data: { enabled: true } } }), 200);
    expect(res.body["lists"]).toEqual({ invites: { count: 1 }, dms: { count: 2 } });
    const rooms = roomsOf(res.body);
    expect(rooms[invited]).toMatchObject({ membership: "invite", initial: true, is_dm: true });
    expect((rooms[invited]!["lists"] as string[]).sort()).toEqual(["dms", "invites"]);
    expect((rooms[invited]!["invite_state"] as Json[]).some((e) => e["type"] === "m.room.name")).toBe(true);
    expect(rooms[joined]).toMatchObject({ membership: "join", is_dm: true, lists: ["dms"] });
    const accountData = (res.body["extensions"] as Record<string, Json>)["account_data"]!;
    expect((accountData["global"] as Json[]).find((e) => e["type"] === "m.direct")?.["content"]).toEqual({ [alice!.userId]: [joined] });
  });

  it("room_types and not_room_types filters", async () => {
    const [alice] = await users(call, 1);
    const space = await createRoom(call, alice!, { creation_content: { type: "m.space" } });
    const plain = await createRoom(call, alice!);
    const marker = await send(call, alice!, plain, "marker");
    await syncUntil(call, alice!, plain, (events) => events.some((e) => e.event_id === marker));
    const lists = {
      spaces: { ranges: [[0, 9]], timeline_limit: 0, required_state: [], filters: { room_types: ["m.space"] } },
      rooms: { ranges: [[0, 9]], timeline_limit: 0, required_state: [], filters: { not_room_types: ["m.space"] } },
      untyped: { ranges: [[0, 9]], timeline_limit: 0, required_state: [], filters: { room_types: [null] } },
    };
    const res = await expectStatus(slide(call, alice!, { lists }), 200);
    expect(res.body["lists"]).toEqual({ spaces: { count: 1 }, rooms: { count: 1 }, untyped: { count: 1 } });
    expect(roomsOf(res.body)[space]!["lists"]).toEqual(["spaces"]);
    expect(roomsOf(res.body)[plain]!["lists"]).toEqual(["rooms", "untyped"]);
  });

  it("a nameless room's heroes carry their display names", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { invite: [bob!.userId] });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("PUT", `profile/${encodeURIComponent(bob!.userId)}/displayname`, { token: bob!.accessToken, body: { displayname: "Bobby" } }), 200);
    const marker = await send(call, bob!, roomId, "marker");
    await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === marker));
    const res = await expectStatus(slide(call, alice!, { room_subscriptions: { [roomId]: { timeline_limit: 1, required_state: [] } } }), 200);
    expect(roomsOf(res.body)[roomId]!["heroes"]).toEqual([{ user_id: bob!.userId, displayname: "Bobby" }]);
  });

  it("tags and not_tags filters", async () => {
    const [alice] = await users(call, 1);
    const favourite = await createRoom(call, alice!);
    const other = await createRoom(call, alice!);
    await expectStatus(
      call("PUT", `user/${encodeURIComponent(alice!.userId)}/rooms/${encodeURIComponent(favourite)}/tags/m.favourite`, { token: alice!.accessToken, body: {} }),
      200,
    );
    const marker = await send(call, alice!, other, "marker");
    await syncUntil(call, alice!, other, (events) => events.some((e) => e.event_id === marker));
    const lists = {
      favourites: { timeline_limit: 0, required_state: [], filters: { tags: ["m.favourite"] } },
      rest: { timeline_limit: 0, required_state: [], filters: { not_tags: ["m.favourite"] } },
    };
    const res = await expectStatus(slide(call, alice!, { lists }), 200);
    expect(res.body["lists"]).toEqual({ favourites: { count: 1 }, rest: { count: 1 } });
    expect(roomsOf(res.body)[favourite]!["lists"]).toEqual(["favourites"]);
    expect(roomsOf(res.body)[other]!["lists"]).toEqual(["rest"]);
  });

  it("typing and receipts extensions", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { invite: [bob!.userId] });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const sent = await send(call, bob!, roomId, "read me");
    await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === sent));
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(sent)}`), { token: alice!.accessToken, body: {} }), 200);
    await expectStatus(
      call("PUT", path(roomId, `typing/${encodeURIComponent(bob!.userId)}`), { token: bob!.accessToken, body: { typing: true, timeout: 30000 } }),
      200,
    );
    const res = await expectStatus(slide(call, alice!, { extensions: { typing: { enabled: true }, receipts: { enabled: true } } }), 200);
    const ext = res.body["extensions"] as Record<string, Json>;
    const typing = (ext["typing"]!["rooms"] as Record<string, Json>)[roomId];
    expect(typing).toMatchObject({ type: "m.typing", content: { user_ids: [bob!.userId] } });
    const receipt = (ext["receipts"]!["rooms"] as Record<string, Json>)[roomId];
    expect(receipt).toMatchObject({ type: "m.receipt", content: { [sent]: { "m.read": { [alice!.userId]: {} } } } });
  });
});
