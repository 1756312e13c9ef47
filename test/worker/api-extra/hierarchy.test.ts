// GET /_matrix/client/v1/rooms/{roomId}/hierarchy: the space tree of local rooms, room chunks, paging and every error answer.
import { describe, expect, it } from "vitest";
import { type Call, createRoom, expectStatus, path, type Registered, roomApp, users } from "../api-rooms/support";
import { v1Path, waitForEvent } from "../api-events/support";

type Json = Record<string, unknown>;

async function addChild(call: Call, user: Registered, spaceId: string, childId: string, content: Json = {}): Promise<void> {
  const res = await expectStatus(
    call("PUT", path(spaceId, `state/m.space.child/${encodeURIComponent(childId)}`), { token: user.accessToken, body: { via: ["example.org"], ...content } }),
    200,
  );
  await waitForEvent(call, user, spaceId, res.body["event_id"] as string);
}

const space = (call: Call, user: Registered, extra: Json = {}) => createRoom(call, user, { creation_content: { type: "m.space" }, ...extra });
const roomIds = (body: Json): string[] => (body["rooms"] as Json[]).map((r) => r["room_id"] as string);

describe("GET /rooms/{roomId}/hierarchy", () => {
  const call = roomApp();

  it("walks the space depth first with the spec's room chunks, for rooms the user may see", async () => {
    const [alice, bob] = await users(call, 2);
    const root = await space(call, alice!, { preset: "public_chat", name: "Root space", topic: "all of it" });
    const sub = await space(call, alice!, { preset: "public_chat", name: "Sub space" });
    const general = await createRoom(call, alice!, { preset: "public_chat", name: "General" });
    const secret = await createRoom(call, alice!, { preset: "private_chat", name: "Secret" });
    const nested = await createRoom(call, alice!, { preset: "public_chat", name: "Nested" });
    await addChild(call, alice!, root, general, { order: "b" });
    await addChild(call, alice!, root, sub, { order: "a", suggested: true });
    await addChild(call, alice!, root, secret, { order: "c" });
    await addChild(call, alice!, sub, nested);
    await addChild(call, alice!, sub, root);

    const forAlice = await expectStatus(call("GET", v1Path(root, "hierarchy"), { token: alice!.accessToken }), 200);
    expect(roomIds(forAlice.body)).toEqual([root, sub, nested, general, secret]);
    expect(forAlice.body["next_batch"]).toBeUndefined();
    const rootChunk = (forAlice.body["rooms"] as Json[])[0]!;
    expect(rootChunk).toMatchObject({
      room_id: root,
      name: "Root space",
      topic: "all of it",
      room_type: "m.space",
      join_rule: "public",
      num_joined_members: 1,
      world_readable: false,
      guest_can_join: false,
    });
    const children = rootChunk["children_state"] as Json[];
    expect(children.map((c) => c["state_key"])).toEqual([sub, general, secret]);
    expect(children[0]).toMatchObject({ type: "m.space.child", sender: alice!.userId, content: { via: ["example.org"], order: "a", suggested: true } });
    expect(typeof children[0]!["origin_server_ts"]).toBe("number");

    // Bob is in none of the rooms: the private one is left out.
    const forBob = await expectStatus(call("GET", v1Path(root, "hierarchy"), { token: bob!.accessToken }), 200);
    expect(roomIds(forBob.body)).toEqual([root, sub, nested, general]);
    const suggested = await expectStatus(call("GET", v1Path(root, "hierarchy?suggested_only=true"), { token: bob!.accessToken }), 200);
    expect(roomIds(suggested.body)).toEqual([root, sub]);
    const shallow = await expectStatus(call("GET", v1Path(root, "hierarchy?max_depth=1"), { token: bob!.accessToken }), 200);
    expect(roomIds(shallow.body)).toEqual([root, sub, general]);

    // Pages of two, each continuing where the last stopped.
    const page1 = await expectStatus(call("GET", v1Path(root, "hierarchy?limit=2"), { token: alice!.accessToken }), 200);
    expect(roomIds(page1.body)).toEqual([root, sub]);
    const page2 = await expectStatus(call("GET", v1Path(root, `hierarchy?limit=2&from=${page1.body["next_batch"] as string}`), { token: alice!.accessToken }), 200);
    expect(roomIds(page2.body)).toEqual([nested, general]);
    const page3 = await expectStatus(call("GET", v1Path(root, `hierarchy?limit=2&from=${page2.body["next_batch"] as string}`), { token: alice!.accessToken }), 200);
    expect(roomIds(page3.body)).toEqual([secret]);
    expect(page3.body["next_batch"]).toBeUndefined();
    await expectStatus(
      call("GET", v1Path(root, `hierarchy?limit=2&max_depth=1&from=${page1.body["next_batch"] as string}`), { token: alice!.accessToken }),
      400,
      "M_INVALID_PARAM",
    );
  });

  it("follows children of space-rooms only and hides rooms the user is banned from", async () => {
    const [alice, bob] = await users(call, 2);
    const root = await space(call, alice!, { preset: "public_chat" });
    const plain = await createRoom(call, alice!, { preset: "public_chat" });
    const behind = await createRoom(call, alice!, { preset: "public_chat" });
    const banned = await createRoom(call, alice!, { preset: "public_chat" });
    await addChild(call, alice!, root, plain);
    await addChild(call, alice!, root, banned);
    // A child event in a room that is not a space is not followed.
    await addChild(call, alice!, plain, behind);
    await expectStatus(call("POST", path(banned, "ban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    const forAlice = await expectStatus(call("GET", v1Path(root, "hierarchy"), { token: alice!.accessToken }), 200);
    expect(roomIds(forAlice.body)).toEqual([root, plain, banned]);
    expect((forAlice.body["rooms"] as Json[])[1]!["children_state"]).toEqual([]);
    const forBob = await expectStatus(call("GET", v1Path(root, "hierarchy"), { token: bob!.accessToken }), 200);
    expect(roomIds(forBob.body)).toEqual([root, plain]);
    await expectStatus(call("GET", v1Path(banned, "hierarchy"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
  });

  it("answers 403 for a room the user may not see and 400 for bad parameters", async () => {
    const [alice, eve] = await users(call, 2);
    const root = await space(call, alice!);
    const at = (q: string, token = alice!.accessToken) => call("GET", v1Path(root, `hierarchy${q}`), { token });
    await expectStatus(at("", eve!.accessToken), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", v1Path("!unknown:nowhere.example", "hierarchy"), { token: alice!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(at("?limit=0"), 400, "M_INVALID_PARAM");
    await expectStatus(at("?limit=x"), 400, "M_INVALID_PARAM");
    await expectStatus(at("?max_depth=-1"), 400, "M_INVALID_PARAM");
    await expectStatus(at("?suggested_only=yes"), 400, "M_INVALID_PARAM");
    await expectStatus(at("?from=garbage"), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", v1Path("bad", "hierarchy"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", v1Path(root, "hierarchy")), 401, "M_MISSING_TOKEN");
    const own = await expectStatus(at(""), 200);
    expect(roomIds(own.body)).toEqual([root]);
    expect((own.body["rooms"] as Json[])[0]!["children_state"]).toEqual([]);
  });
});
