// GET /rooms/{roomId}/joined_members and /rooms/{roomId}/members: who is in a room, filtered and as of a token.
import { describe, expect, it } from "vitest";
import { eventually, expectStatus, path, roomApp, setProfile, users, type Call, type Registered } from "../api-profile/support";
import { createRoom } from "../api-rooms/support";
import { syncUntil } from "../api-rooms/support";

type JsonRecord = Record<string, unknown>;

async function members(call: Call, user: Registered, roomId: string, query = ""): Promise<Map<string, string>> {
  const res = await call("GET", path(roomId, `members${query}`), { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const chunk = res.body["chunk"] as JsonRecord[];
  for (const e of chunk) {
    expect(e["type"]).toBe("m.room.member");
    expect(e["room_id"]).toBe(roomId);
  }
  return new Map(chunk.map((e) => [e["state_key"] as string, (e["content"] as JsonRecord)["membership"] as string]));
}

const asObject = (m: Map<string, string>) => Object.fromEntries(m);

describe("joined_members", () => {
  const call = roomApp();

  it("maps each joined member to display_name and avatar_url, for members only", async () => {
    const [alice, bob, eve] = await users(call, 3);
    await setProfile(call, alice!, "displayname", "Alice");
    await setProfile(call, alice!, "avatar_url", "mxc://example.org/a");
    await setProfile(call, bob!, "displayname", "Bob");
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const body = await eventually(
      async () => (await call("GET", path(roomId, "joined_members"), { token: alice!.accessToken })).body,
      (b) => Object.keys((b["joined"] as JsonRecord | undefined) ?? {}).length === 2,
      "both members in joined_members",
    );
    expect(body).toEqual({
      joined: {
        [alice!.userId]: { display_name: "Alice", avatar_url: "mxc://example.org/a" },
        // Both keys are always present, null when unset (matrix-nio requires them; Synapse answers the same).
        [bob!.userId]: { display_name: "Bob", avatar_url: null },
      },
    });
    // The r0 prefix answers the same (matrix-nio calls it there).
    const r0 = await call("GET", `/_matrix/client/r0/${path(roomId, "joined_members")}`, { token: bob!.accessToken });
    expect(r0.status).toBe(200);

    await expectStatus(call("GET", path(roomId, "joined_members"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    await eventually(
      async () => (await call("GET", path(roomId, "joined_members"), { token: bob!.accessToken })).status,
      (status) => status === 403,
      "a member who left is refused",
    );
    await expectStatus(call("GET", "rooms/not-a-room/joined_members", { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "joined_members")), 401, "M_MISSING_TOKEN");
  });
});

describe("members", () => {
  const call = roomApp();

  it("lists member events now, at a sync token, filtered; a former member sees them as of leaving", async () => {
    const [alice, bob, carol, dave, eve] = await users(call, 5);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const { nextBatch } = await syncUntil(call, alice!, roomId, (events) =>
      events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId),
    );
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: carol!.userId } }), 200);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: dave!.userId } }), 200);

    const now = await eventually(() => members(call, alice!, roomId), (m) => m.size === 4, "four member events");
    expect(asObject(now)).toEqual({ [alice!.userId]: "join", [bob!.userId]: "leave", [carol!.userId]: "invite", [dave!.userId]: "invite" });
    expect(asObject(await members(call, alice!, roomId, `?at=${nextBatch}`))).toEqual({ [alice!.userId]: "join", [bob!.userId]: "join" });
    expect(asObject(await members(call, alice!, roomId, "?membership=join"))).toEqual({ [alice!.userId]: "join" });
    expect(asObject(await members(call, alice!, roomId, "?not_membership=invite"))).toEqual({ [alice!.userId]: "join", [bob!.userId]: "leave" });
    // Both given: the spec's "or" (equal to membership, or not equal to not_membership).
    expect(asObject(await members(call, alice!, roomId, "?membership=invite&not_membership=join"))).toEqual({
      [bob!.userId]: "leave",
      [carol!.userId]: "invite",
      [dave!.userId]: "invite",
    });
    // Bob left before Dave's invite: he sees the room as it was when he left.
    expect(asObject(await members(call, bob!, roomId))).toEqual({ [alice!.userId]: "join", [bob!.userId]: "leave", [carol!.userId]: "invite" });

    await expectStatus(call("GET", path(roomId, "members"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    // Carol is only invited: not (and never) a member.
    await expectStatus(call("GET", path(roomId, "members"), { token: carol!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path(roomId, "members?at=bogus"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "members?membership=joined"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "members?not_membership=x"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "members")), 401, "M_MISSING_TOKEN");
  });
});
