// A profile change reaches the user's m.room.member join event in every room they are joined to, and only those.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, memberEvent, path, roomApp, setProfile, untilJoined, users } from "./support";

describe("profile changes and member events", () => {
  const call = roomApp();

  it("updates the join event in each joined room, keeping membership join", async () => {
    const [alice, bob] = await users(call, 2);
    const first = await createRoom(call, alice!, { preset: "public_chat" });
    const second = await createRoom(call, alice!, { preset: "private_chat" });
    await expectStatus(call("POST", path(first, "join"), { token: bob!.accessToken }), 200);
    await untilJoined(call, alice!, first);
    await untilJoined(call, alice!, second);

    await setProfile(call, alice!, "displayname", "Queen Alice");
    await setProfile(call, alice!, "avatar_url", "mxc://example.org/crown");
    for (const roomId of [first, second]) {
      const event = await memberEvent(call, alice!, roomId, alice!.userId);
      expect(event["content"]).toEqual({ membership: "join", displayname: "Queen Alice", avatar_url: "mxc://example.org/crown" });
      expect(event["sender"]).toBe(alice!.userId);
    }
    // Bob sees it too, and his own member event is untouched.
    expect((await memberEvent(call, bob!, first, alice!.userId))["content"]).toMatchObject({ displayname: "Queen Alice" });
    expect((await memberEvent(call, bob!, first, bob!.userId))["content"]).not.toHaveProperty("displayname", "Queen Alice");

    // Removing the avatar removes it from the member events.
    await expectStatus(call("DELETE", `profile/${encodeURIComponent(alice!.userId)}/avatar_url`, { token: alice!.accessToken }), 200);
    expect((await memberEvent(call, alice!, first, alice!.userId))["content"]).toEqual({ membership: "join", displayname: "Queen Alice" });
  });

  it("adds no event when the value does not change, nor for custom fields", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    await untilJoined(call, alice!, roomId);
    await setProfile(call, alice!, "displayname", "Same");
    const before = (await memberEvent(call, alice!, roomId, alice!.userId))["event_id"];
    await setProfile(call, alice!, "displayname", "Same");
    await setProfile(call, alice!, "m.tz", "Europe/Paris");
    expect((await memberEvent(call, alice!, roomId, alice!.userId))["event_id"]).toBe(before);
  });

  it("leaves rooms the user has left alone", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const left = await memberEvent(call, alice!, roomId, bob!.userId);
    await setProfile(call, bob!, "displayname", "Gone Bob");
    const after = await memberEvent(call, alice!, roomId, bob!.userId);
    expect(after["event_id"]).toBe(left["event_id"]);
    expect(after["content"]).toMatchObject({ membership: "leave" });
  });
});

describe("profile changes and presence", () => {
  const call = roomApp();

  it("a display name change reaches room-mates as an m.presence update carrying the new name", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await untilJoined(call, alice!, roomId);
    const first = await expectStatus(call("GET", "sync?timeout=0", { token: bob!.accessToken }), 200);
    await setProfile(call, alice!, "displayname", "Presence Alice");
    const next = await expectStatus(call("GET", `sync?timeout=3000&since=${first.body["next_batch"] as string}`, { token: bob!.accessToken }), 200);
    const presence = ((next.body["presence"] as { events: { sender: string; content: Record<string, unknown> }[] }).events ?? []).find(
      (e) => e.sender === alice!.userId,
    );
    expect(presence?.content).toMatchObject({ displayname: "Presence Alice" });
  });
});
