// Join events, including the creator's join at createRoom, carry the joiner's profile.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, memberEvent, path, roomApp, setProfile, users } from "../api-profile/support";

describe("profile in join events", () => {
  const call = roomApp();

  it("the creator's join and a later join carry displayname and avatar_url", async () => {
    const [alice, bob] = await users(call, 2);
    await setProfile(call, alice!, "displayname", "Alice A");
    await setProfile(call, alice!, "avatar_url", "mxc://example.org/alice");
    await setProfile(call, bob!, "displayname", "Bob B");
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    expect((await memberEvent(call, alice!, roomId, alice!.userId))["content"]).toEqual({
      membership: "join",
      displayname: "Alice A",
      avatar_url: "mxc://example.org/alice",
    });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    expect((await memberEvent(call, alice!, roomId, bob!.userId))["content"]).toEqual({ membership: "join", displayname: "Bob B" });
  });

  it("a user who never set a profile joins under the default displayname (the localpart)", async () => {
    const [alice, carol] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: carol!.accessToken }), 200);
    const localpart = carol!.userId.slice(1, carol!.userId.indexOf(":"));
    expect((await memberEvent(call, alice!, roomId, carol!.userId))["content"]).toEqual({ membership: "join", displayname: localpart });
  });
});
