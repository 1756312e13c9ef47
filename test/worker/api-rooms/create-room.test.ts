// POST /createRoom: the body's fields reach the room, and the refusals each have their errcode.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, users } from "./support";

describe("POST /createRoom", () => {
  const call = roomApp();

  it("creates a room with the name, topic, preset, initial state and power level override asked for", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, {
      name: "Garden",
      topic: "Plants",
      preset: "public_chat",
      room_version: "11",
      initial_state: [{ type: "m.room.guest_access", content: { guest_access: "can_join" } }, { type: "org.example.custom", state_key: "k", content: { a: 1 } }],
      power_level_content_override: { events_default: 10 },
      creation_content: { "m.federate": false },
      invite: [bob!.userId],
      is_direct: true,
    });
    expect(roomId).toMatch(/^!.+:/);
    const token = alice!.accessToken;
    const get = (type: string, key = "") => call("GET", path(roomId, `state/${type}/${key}`), { token });
    expect((await get("m.room.name")).body).toEqual({ name: "Garden" });
    expect((await get("m.room.topic")).body).toMatchObject({ topic: "Plants" });
    expect((await get("m.room.join_rules")).body).toEqual({ join_rule: "public" });
    expect((await get("m.room.guest_access")).body).toEqual({ guest_access: "can_join" });
    expect((await get("org.example.custom", "k")).body).toEqual({ a: 1 });
    expect((await get("m.room.power_levels")).body["events_default"]).toBe(10);
    expect((await get("m.room.create")).body).toMatchObject({ "m.federate": false, room_version: "11" });
    expect((await get("m.room.member", bob!.userId)).body).toMatchObject({ membership: "invite", is_direct: true });
  });

  it("defaults to the server's room version and a private room; an empty body is allowed", async () => {
    const [alice] = await users(call, 1);
    const res = await call("POST", "createRoom", { token: alice!.accessToken, raw: "" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const roomId = res.body["room_id"] as string;
    const create = await call("GET", path(roomId, "state/m.room.create"), { token: alice!.accessToken });
    expect(create.body["room_version"]).toBe("12");
    const rules = await call("GET", path(roomId, "state/m.room.join_rules"), { token: alice!.accessToken });
    expect(rules.body).toEqual({ join_rule: "invite" });
  });

  it("refuses an unsupported room version with M_UNSUPPORTED_ROOM_VERSION", async () => {
    const [alice] = await users(call, 1);
    for (const version of ["999", "1", "2"]) {
      await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { room_version: version } }), 400, "M_UNSUPPORTED_ROOM_VERSION");
    }
  });

  it("refuses a room_alias_name that is not a bare localpart with M_INVALID_PARAM", async () => {
    // The alias itself is served by the directory (test/worker/api-directory/wiring.test.ts).
    const [alice] = await users(call, 1);
    await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { room_alias_name: "a:b" } }), 400, "M_INVALID_PARAM");
  });

  it("refuses malformed bodies and bad invitees with 400, and unauthenticated calls with 401", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("POST", "createRoom", { token, body: { preset: "secret" } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "createRoom", { token, body: { name: 5 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "createRoom", { token, raw: "{" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", "createRoom", { token, body: { invite: ["not-a-user"] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", "createRoom", { token, body: { initial_state: [{ type: "m.room.create", content: {} }] } }), 400);
    await expectStatus(call("POST", "createRoom", { body: {} }), 401, "M_MISSING_TOKEN");
  });

  it("is served under r0 too", async () => {
    const [alice] = await users(call, 1);
    const res = await call("POST", "/_matrix/client/r0/createRoom", { token: alice!.accessToken, body: {} });
    expect(res.status).toBe(200);
  });
});
