// Leaving, being kicked or banned ends typing in that room at once, not when the typing timeout runs out.
import { describe, expect, it } from "vitest";
import { ephemeralOf, expectStatus, ofType, path, roomApp, sharedRoom } from "./support";

describe("typing after leaving", () => {
  const call = roomApp();
  const typing = (roomId: string, userId: string) => path(roomId, `typing/${encodeURIComponent(userId)}`);

  it("a user who leaves, or is kicked, is off the room's typing list", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    await expectStatus(call("PUT", typing(roomId, bob.userId), { token: bob.accessToken, body: { typing: true, timeout: 60000 } }), 200);
    await expectStatus(call("PUT", typing(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 60000 } }), 200);
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")[0]?.["content"]).toEqual({ user_ids: [alice.userId, bob.userId].sort() });

    await expectStatus(call("POST", path(roomId, "kick"), { token: alice.accessToken, body: { user_id: bob.userId } }), 200);
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")[0]?.["content"]).toEqual({ user_ids: [alice.userId] });

    await expectStatus(call("POST", path(roomId, "leave"), { token: alice.accessToken, body: {} }), 200);
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")).toEqual([]);
  });
});
