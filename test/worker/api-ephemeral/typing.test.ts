// PUT /rooms/{roomId}/typing/{userId}: answers and refusals, the typing stream, and expiry waking a long-poll.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { typingClient } from "../../../src/durable/typing-client";
import { ephemeralOf, eventually, expectStatus, ofType, path, roomApp, sharedRoom, users } from "./support";

const typingPath = (roomId: string, userId: string) => path(roomId, `typing/${encodeURIComponent(userId)}`);

describe("typing", () => {
  const call = roomApp();

  it("lists who is typing; stopping takes them off; typing again while typing takes no position", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const typing = typingClient(env.TYPING);
    const before = await typing.position();
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 30000 } }), 200);
    const initial = await ephemeralOf(bob, [roomId]);
    expect(ofType(initial, roomId, "m.typing")).toEqual([{ type: "m.typing", content: { user_ids: [alice.userId] } }]);
    expect(initial.positions.typing).toBeGreaterThan(before);

    // Again while typing: the list is the same, so nothing new for an incremental sync.
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 30000 } }), 200);
    const same = await ephemeralOf(bob, [roomId], { ...initial.positions });
    expect(ofType(same, roomId, "m.typing")).toEqual([]);

    await expectStatus(call("PUT", typingPath(roomId, bob.userId), { token: bob.accessToken, body: { typing: true } }), 200);
    const both = await ephemeralOf(bob, [roomId], { ...initial.positions });
    expect(ofType(both, roomId, "m.typing")[0]?.["content"]).toEqual({ user_ids: [alice.userId, bob.userId].sort() });

    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: false } }), 200);
    await expectStatus(call("PUT", typingPath(roomId, bob.userId), { token: bob.accessToken, body: { typing: false } }), 200);
    const stopped = await ephemeralOf(alice, [roomId], { ...both.positions });
    // The client replaces its list: an empty one tells it everyone stopped.
    expect(ofType(stopped, roomId, "m.typing")).toEqual([{ type: "m.typing", content: { user_ids: [] } }]);
    // An initial sync lists no room where nobody types.
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")).toEqual([]);
    // Stopping when not typing changes nothing.
    const head = await typing.position();
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: false } }), 200);
    const unchanged = await ephemeralOf(alice, [roomId], { ...stopped.positions, typing: head });
    expect(ofType(unchanged, roomId, "m.typing")).toEqual([]);
  });

  it("a timeout running out takes the user off, advances the position and wakes a long-poll", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 400 } }), 200);
    const seen = await ephemeralOf(bob, [roomId]);
    expect(ofType(seen, roomId, "m.typing")[0]?.["content"]).toEqual({ user_ids: [alice.userId] });
    const started = Date.now();
    // The long-poll of a sync that has read up to `seen`: released by the alarm's expiry, not by its timeout.
    const woken = await syncNotifierClient(env.SYNC_NOTIFIER).waitForAny({ typing: seen.positions.typing }, 20_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(woken["typing"]).toBeGreaterThan(seen.positions.typing);
    const after = await ephemeralOf(bob, [roomId], { ...seen.positions });
    expect(ofType(after, roomId, "m.typing")).toEqual([{ type: "m.typing", content: { user_ids: [] } }]);
  });

  it("an expired entry is never listed, even before the alarm has run", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 1 } }), 200);
    await new Promise((r) => setTimeout(r, 20));
    expect(ofType(await ephemeralOf(bob, [roomId]), roomId, "m.typing")).toEqual([]);
  });

  it("caps long timeouts and treats a zero timeout as not typing", async () => {
    const { alice, roomId } = await sharedRoom(call);
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 0 } }), 200);
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")).toEqual([]);
    await expectStatus(
      call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: true, timeout: 9_000_000_000 } }),
      200,
    );
    expect(ofType(await ephemeralOf(alice, [roomId]), roomId, "m.typing")).toHaveLength(1);
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: false } }), 200);
  });

  it("refuses others' typing (403), rooms the caller is not joined to (403), bad bodies (400) and bad room IDs (400)", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const [carol] = await users(call, 1);
    const token = alice.accessToken;
    await expectStatus(call("PUT", typingPath(roomId, bob.userId), { token, body: { typing: true } }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", typingPath(roomId, carol!.userId), { token: carol!.accessToken, body: { typing: true } }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token, body: { typing: "yes" } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token, body: { typing: true, timeout: "1000" } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token, body: { typing: true, timeout: -5 } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token, raw: "{" }), 400, "M_NOT_JSON");
    await expectStatus(call("PUT", typingPath("not-a-room", alice.userId), { token, body: { typing: true } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", typingPath(roomId, alice.userId), { body: { typing: true } }), 401, "M_MISSING_TOKEN");
    // r0 too.
    const r0 = await call("PUT", `/_matrix/client/r0/${typingPath(roomId, alice.userId)}`, { token, body: { typing: false } });
    expect(r0.status).toBe(200);
    // Nobody was marked typing by the refused calls.
    await eventually(() => ephemeralOf(alice, [roomId]), (s) => ofType(s, roomId, "m.typing").length === 0, "no typers");
  });
});
