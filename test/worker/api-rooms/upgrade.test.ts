// POST /rooms/{roomId}/upgrade: replacement room with predecessor and copied state, tombstone, aliases, directory, closed old room.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, joinedSection, path, roomApp, send, users, type Call, type Registered } from "./support";

type JsonRecord = Record<string, unknown>;

const MISSING_ROOM = "!nosuchroomhereatall:localhost:8008";
let aliasCounter = 0;

async function state(call: Call, user: Registered, roomId: string, key: string): Promise<JsonRecord> {
  const res = await call("GET", path(roomId, `state/${key}`), { token: user.accessToken });
  expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

async function upgradeRoom(call: Call, user: Registered, roomId: string, body: JsonRecord): Promise<string> {
  const res = await expectStatus(call("POST", path(roomId, "upgrade"), { token: user.accessToken, body }), 200);
  expect(Object.keys(res.body)).toEqual(["replacement_room"]);
  return res.body["replacement_room"] as string;
}

describe("room upgrade", () => {
  const call = roomApp();

  it("v10 → v11: predecessor, copied state, tombstone, alias and directory move, old room closed", async () => {
    const [alice, bob] = await users(call, 2);
    const localpart = `upgrade${Date.now()}x${aliasCounter++}`;
    const oldRoomId = await createRoom(call, alice!, {
      room_version: "10",
      preset: "public_chat",
      visibility: "public",
      room_alias_name: localpart,
      name: "Garden",
      topic: "Plants",
      creation_content: { type: "org.example.garden" },
    });
    const alias = (await state(call, alice!, oldRoomId, "m.room.canonical_alias"))["alias"] as string;
    await expectStatus(call("POST", path(oldRoomId, "join"), { token: bob!.accessToken }), 200);
    await send(call, bob!, oldRoomId, "before the upgrade");

    const newRoomId = await upgradeRoom(call, alice!, oldRoomId, { new_version: "11" });
    expect(newRoomId).not.toBe(oldRoomId);

    const create = await state(call, alice!, newRoomId, "m.room.create");
    expect(create["room_version"]).toBe("11");
    expect(create["type"]).toBe("org.example.garden");
    const predecessor = create["predecessor"] as JsonRecord;
    expect(predecessor["room_id"]).toBe(oldRoomId);
    expect(typeof predecessor["event_id"]).toBe("string");
    expect(await state(call, alice!, newRoomId, "m.room.name")).toEqual({ name: "Garden" });
    expect((await state(call, alice!, newRoomId, "m.room.topic"))["topic"]).toBe("Plants");
    expect(await state(call, alice!, newRoomId, "m.room.join_rules")).toEqual({ join_rule: "public" });
    expect(await state(call, alice!, newRoomId, "m.room.canonical_alias")).toEqual({ alias });
    const oldLevels = await state(call, alice!, oldRoomId, "m.room.power_levels");
    const newLevels = await state(call, alice!, newRoomId, "m.room.power_levels");
    expect(newLevels["users"]).toEqual({ [alice!.userId]: 100 });

    expect(await state(call, alice!, oldRoomId, "m.room.tombstone")).toEqual({ body: "This room has been replaced", replacement_room: newRoomId });
    expect(oldLevels["events_default"]).toBe(50);
    expect(oldLevels["invite"]).toBe(50);
    expect(await state(call, alice!, oldRoomId, "m.room.canonical_alias")).toEqual({});
    // Bob (level 0) can no longer talk in the old room.
    await expectStatus(call("PUT", path(oldRoomId, "send/m.room.message/late"), { token: bob!.accessToken, body: { body: "x" } }), 403, "M_FORBIDDEN");

    const resolved = await expectStatus(call("GET", `directory/room/${encodeURIComponent(alias)}`, { token: bob!.accessToken }), 200);
    expect(resolved.body["room_id"]).toBe(newRoomId);
    expect((await call("GET", `directory/list/room/${encodeURIComponent(newRoomId)}`)).body).toEqual({ visibility: "public" });
    expect((await call("GET", `directory/list/room/${encodeURIComponent(oldRoomId)}`)).body).toEqual({ visibility: "private" });

    // The upgrader's next /sync already holds the new room; Bob follows by the alias.
    const sync = await expectStatus(call("GET", "sync?timeout=0", { token: alice!.accessToken }), 200);
    expect(joinedSection(sync.body, newRoomId)).toBeDefined();
    const joined = await expectStatus(call("POST", `join/${encodeURIComponent(alias)}`, { token: bob!.accessToken }), 200);
    expect(joined.body).toEqual({ room_id: newRoomId });
  });

  it("an upgrader with only the tombstone level copies state it could not send, and the old levels hold in the new room", async () => {
    const [alice, bob] = await users(call, 2);
    const oldRoomId = await createRoom(call, alice!, {
      room_version: "10",
      preset: "private_chat",
      invite: [bob!.userId],
      power_level_content_override: { users: { [alice!.userId]: 100, [bob!.userId]: 50 }, events: { "m.room.tombstone": 50, "m.room.encryption": 100, "m.room.power_levels": 50 } },
      initial_state: [{ type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    await expectStatus(call("POST", path(oldRoomId, "join"), { token: bob!.accessToken }), 200);
    const before = await state(call, bob!, oldRoomId, "m.room.power_levels");
    const newRoomId = await upgradeRoom(call, bob!, oldRoomId, { new_version: "11" });
    expect(await state(call, bob!, newRoomId, "m.room.encryption")).toEqual({ algorithm: "m.megolm.v1.aes-sha2" });
    expect(await state(call, bob!, newRoomId, "m.room.power_levels")).toEqual(before);
  });

  it("→ v12: additional_creators become creators, creators leave users, the predecessor names only the room", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const oldRoomId = await createRoom(call, alice!, {
      room_version: "11",
      preset: "public_chat",
      power_level_content_override: { users: { [alice!.userId]: 100, [bob!.userId]: 100, [carol!.userId]: 50 } },
    });
    const newRoomId = await upgradeRoom(call, alice!, oldRoomId, { new_version: "12", additional_creators: [bob!.userId] });
    const create = await state(call, alice!, newRoomId, "m.room.create");
    expect(create).toMatchObject({ room_version: "12", predecessor: { room_id: oldRoomId }, additional_creators: [bob!.userId] });
    expect((create["predecessor"] as JsonRecord)["event_id"]).toBeUndefined();
    expect((await state(call, alice!, newRoomId, "m.room.power_levels"))["users"]).toEqual({ [carol!.userId]: 50 });
  });

  it("the upgrader and members who follow keep their tags of the old room; a tag set on the new room is kept", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const oldRoomId = await createRoom(call, alice!, { room_version: "11", preset: "public_chat" });
    await expectStatus(call("POST", path(oldRoomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(oldRoomId, "join"), { token: carol!.accessToken }), 200);
    const tag = (user: Registered, roomId: string, name: string) =>
      call("PUT", `user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent(roomId)}/tags/${name}`, { token: user.accessToken, body: { order: 0.5 } });
    const tagsOf = async (user: Registered, roomId: string) =>
      (await call("GET", `user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent(roomId)}/tags`, { token: user.accessToken })).body["tags"];
    await expectStatus(tag(alice!, oldRoomId, "m.favourite"), 200);
    await expectStatus(tag(bob!, oldRoomId, "u.work"), 200);
    await expectStatus(tag(carol!, oldRoomId, "u.old"), 200);

    const newRoomId = await upgradeRoom(call, alice!, oldRoomId, { new_version: "12" });
    expect(await tagsOf(alice!, newRoomId)).toEqual({ "m.favourite": { order: 0.5 } });
    await expectStatus(call("POST", path(newRoomId, "join"), { token: bob!.accessToken }), 200);
    expect(await tagsOf(bob!, newRoomId)).toEqual({ "u.work": { order: 0.5 } });
    await expectStatus(tag(carol!, newRoomId, "u.new"), 200);
    await expectStatus(call("POST", path(newRoomId, "join"), { token: carol!.accessToken }), 200);
    expect(await tagsOf(carol!, newRoomId)).toEqual({ "u.new": { order: 0.5 } });
  });

  it("a member's push rule for the old room (e.g. muted) is copied when they join the replacement", async () => {
    const [alice, bob] = await users(call, 2);
    const oldRoomId = await createRoom(call, alice!, { room_version: "11", preset: "public_chat" });
    await expectStatus(call("POST", path(oldRoomId, "join"), { token: bob!.accessToken }), 200);
    const rule = (roomId: string) => `pushrules/global/room/${encodeURIComponent(roomId)}`;
    await expectStatus(call("PUT", rule(oldRoomId), { token: bob!.accessToken, body: { actions: [] } }), 200);
    const newRoomId = await upgradeRoom(call, alice!, oldRoomId, { new_version: "12" });
    await expectStatus(call("GET", rule(newRoomId), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", path(newRoomId, "join"), { token: bob!.accessToken }), 200);
    const copied = await expectStatus(call("GET", rule(newRoomId), { token: bob!.accessToken }), 200);
    expect(copied.body).toMatchObject({ rule_id: newRoomId, actions: [], enabled: true });
  });

  it("refuses bad bodies, unsupported versions, users without the tombstone level, non-members and unknown rooms", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { room_version: "11", preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const up = (user: Registered, body: unknown, room = roomId) =>
      call("POST", path(room, "upgrade"), { token: user.accessToken, ...(typeof body === "string" ? { raw: body } : { body: body as JsonRecord }) });
    await expectStatus(up(alice!, { new_version: "999" }), 400, "M_UNSUPPORTED_ROOM_VERSION");
    await expectStatus(up(alice!, { new_version: "1" }), 400, "M_UNSUPPORTED_ROOM_VERSION");
    await expectStatus(up(alice!, {}), 400, "M_BAD_JSON");
    await expectStatus(up(alice!, { new_version: 11 }), 400, "M_BAD_JSON");
    await expectStatus(up(alice!, "not json"), 400, "M_NOT_JSON");
    await expectStatus(up(alice!, { new_version: "11", additional_creators: [bob!.userId] }), 400, "M_INVALID_PARAM");
    await expectStatus(up(alice!, { new_version: "12", additional_creators: ["bob"] }), 400, "M_INVALID_PARAM");
    await expectStatus(up(bob!, { new_version: "12" }), 403, "M_FORBIDDEN");
    await expectStatus(up(eve!, { new_version: "12" }), 403, "M_FORBIDDEN");
    await expectStatus(up(alice!, { new_version: "12" }, MISSING_ROOM), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", "rooms/not-a-room/upgrade", { token: alice!.accessToken, body: { new_version: "12" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", path(roomId, "upgrade"), { body: { new_version: "12" } }), 401, "M_MISSING_TOKEN");
    // None of the refusals touched the room.
    await expectStatus(call("GET", path(roomId, "state/m.room.tombstone"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
  });
});
