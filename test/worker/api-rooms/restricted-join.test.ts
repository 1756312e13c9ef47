// Joining restricted and knock_restricted rooms: a member of an allowed room joins, the server names a local authoriser.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, users, type Call, type Registered } from "./support";

type JsonRecord = Record<string, unknown>;

async function memberContent(call: Call, user: Registered, roomId: string, userId: string): Promise<JsonRecord> {
  const res = await call("GET", path(roomId, `state/m.room.member/${encodeURIComponent(userId)}`), { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const restrictedRoom = (call: Call, creator: Registered, version: string, joinRule: string, allowed: string[], extra: JsonRecord = {}) =>
  createRoom(call, creator, {
    room_version: version,
    preset: "private_chat",
    initial_state: [{ type: "m.room.join_rules", content: { join_rule: joinRule, allow: allowed.map((room_id) => ({ type: "m.room_membership", room_id })) } }],
    ...extra,
  });

describe("restricted joins", () => {
  const call = roomApp();

  for (const [version, joinRule] of [
    ["10", "restricted"],
    ["10", "knock_restricted"],
    ["12", "restricted"],
  ] as const) {
    it(`v${version} ${joinRule}: a member of an allowed room joins; the join names a local member able to invite`, async () => {
      const [alice, bob, carol] = await users(call, 3);
      const space = await createRoom(call, alice!, { preset: "public_chat", room_version: version });
      await expectStatus(call("POST", path(space, "join"), { token: bob!.accessToken }), 200);
      const roomId = await restrictedRoom(call, alice!, version, joinRule, ["!elsewhere:remote.example", space]);

      const joined = await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
      expect(joined.body).toEqual({ room_id: roomId });
      expect(await memberContent(call, alice!, roomId, bob!.userId)).toMatchObject({ membership: "join", join_authorised_via_users_server: alice!.userId });

      // Carol is in no allowed room.
      await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 403, "M_FORBIDDEN");
      await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: carol!.accessToken }), 403, "M_FORBIDDEN");
    });
  }

  it("an invited user joins without an authoriser; a member who left the allowed room no longer qualifies", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const space = await createRoom(call, alice!, { preset: "public_chat", room_version: "10" });
    const roomId = await restrictedRoom(call, alice!, "10", "restricted", [space], { invite: [carol!.userId] });
    await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 200);
    const content = await memberContent(call, alice!, roomId, carol!.userId);
    expect(content["membership"]).toBe("join");
    expect(content["join_authorised_via_users_server"]).toBeUndefined();

    await expectStatus(call("POST", path(space, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(space, "leave"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
  });

  it("refuses when no local member may invite (the authoriser must hold the invite level)", async () => {
    const [alice, bob] = await users(call, 2);
    const space = await createRoom(call, alice!, { preset: "public_chat", room_version: "10" });
    await expectStatus(call("POST", path(space, "join"), { token: bob!.accessToken }), 200);
    // invite needs 101: nobody, not even the creator at 100, may authorise.
    const roomId = await restrictedRoom(call, alice!, "10", "restricted", [space], { power_level_content_override: { invite: 101 } });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
  });
});
