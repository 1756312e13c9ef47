// GET /rooms/{roomId}/members for users who are not members: world_readable rooms answer, as far as they were readable; others refuse.
import { describe, expect, it } from "vitest";
import { eventually, expectStatus, path, roomApp, users, type Call, type Registered } from "../api-profile/support";
import { createRoom } from "../api-rooms/support";

type JsonRecord = Record<string, unknown>;

async function memberMap(call: Call, user: Registered, roomId: string, query = ""): Promise<Record<string, string>> {
  const res = await call("GET", path(roomId, `members${query}`), { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const chunk = res.body["chunk"] as JsonRecord[];
  return Object.fromEntries(chunk.map((e) => [e["state_key"] as string, (e["content"] as JsonRecord)["membership"] as string]));
}

const setVisibility = (call: Call, user: Registered, roomId: string, value: string) =>
  expectStatus(call("PUT", path(roomId, "state/m.room.history_visibility/"), { token: user.accessToken, body: { history_visibility: value } }), 200);

describe("members of a world_readable room", () => {
  const call = roomApp();

  it("answers a user who never joined with the members where the room was last readable", async () => {
    const [alice, bob, carol, dave, eve] = await users(call, 5);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await setVisibility(call, alice!, roomId, "world_readable");
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: dave!.userId } }), 200);
    await eventually(() => memberMap(call, alice!, roomId), (m) => Object.keys(m).length === 3, "three member events");

    // Eve never joined; Dave is only invited: both read the current members while the room is world_readable.
    const now = { [alice!.userId]: "join", [bob!.userId]: "join", [dave!.userId]: "invite" };
    expect(await memberMap(call, eve!, roomId)).toEqual(now);
    expect(await memberMap(call, dave!, roomId)).toEqual(now);
    expect(await memberMap(call, eve!, roomId, "?membership=join")).toEqual({ [alice!.userId]: "join", [bob!.userId]: "join" });
    // /joined_members stays for current members only (spec: "The current user must be in the room").
    await expectStatus(call("GET", path(roomId, "joined_members"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");

    // The room stops being world_readable, then Carol joins: Eve sees the members as of the change, without Carol.
    await setVisibility(call, alice!, roomId, "shared");
    await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 200);
    await eventually(() => memberMap(call, alice!, roomId), (m) => m[carol!.userId] === "join", "carol joined");
    expect(await memberMap(call, eve!, roomId)).toEqual(now);
    expect(await memberMap(call, dave!, roomId)).toEqual(now);
    // Alice, a member, sees Carol.
    expect((await memberMap(call, alice!, roomId))[carol!.userId]).toBe("join");
  });

  it("refuses a user who never joined a room that was never world_readable, and honours `at` below the readable part", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await eventually(() => memberMap(call, alice!, roomId), (m) => m[alice!.userId] === "join", "alice joined");
    await expectStatus(call("GET", path(roomId, "members"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path("!unknown:test", "members"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");

    await setVisibility(call, alice!, roomId, "world_readable");
    const open = await eventually(
      async () => (await call("GET", path(roomId, "members"), { token: eve!.accessToken })).status,
      (status) => status === 200,
      "the room became world_readable",
    );
    expect(open).toBe(200);
    // `at` before the room became readable: there is nothing Eve may read there.
    await expectStatus(call("GET", path(roomId, "members?at=s1"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path(roomId, "members?at=nonsense"), { token: eve!.accessToken }), 400, "M_INVALID_PARAM");
  });
});
