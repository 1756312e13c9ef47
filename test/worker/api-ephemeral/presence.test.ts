// GET/PUT /presence/{userId}/status, presence on /sync (set_presence), and who may see whose presence.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { presenceAfterProfileChange, presenceOnSync } from "../../../src/readmodels/presence-store";
import { ephemeralOf, expectStatus, roomApp, sharedRoom, users } from "./support";

const statusPath = (userId: string) => `presence/${encodeURIComponent(userId)}/status`;
const T0 = 1_800_000_000_000;
const localpart = (userId: string) => userId.slice(1).split(":")[0];

describe("presence", () => {
  const call = roomApp({ nowMs: T0 });
  const later = (ms: number) => roomApp({ nowMs: T0 + ms });

  it("sets your own status and reads it back with last_active_ago computed at read time", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    // Never set: offline.
    expect((await expectStatus(call("GET", statusPath(alice!.userId), { token }), 200)).body).toEqual({ presence: "offline" });
    await expectStatus(call("PUT", statusPath(alice!.userId), { token, body: { presence: "online", status_msg: "here" } }), 200);
    expect((await expectStatus(later(5_000)("GET", statusPath(alice!.userId), { token }), 200)).body).toEqual({
      presence: "online",
      last_active_ago: 5_000,
      currently_active: true,
      status_msg: "here",
      displayname: localpart(alice!.userId),
    });
    // Past the active window: not currently active; past the idle timeout: unavailable.
    expect((await later(90_000)("GET", statusPath(alice!.userId), { token })).body["currently_active"]).toBe(false);
    expect((await later(10 * 60_000)("GET", statusPath(alice!.userId), { token })).body["presence"]).toBe("unavailable");
    // A status without a message clears the message.
    await expectStatus(call("PUT", statusPath(alice!.userId), { token, body: { presence: "unavailable" } }), 200);
    expect((await call("GET", statusPath(alice!.userId), { token })).body).toEqual({
      presence: "unavailable",
      last_active_ago: 0,
      currently_active: false,
      displayname: localpart(alice!.userId),
    });
  });

  it("shows presence to users sharing a room (403 otherwise, 404 for nobody) and refuses setting others'", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const [carol] = await users(call, 1);
    await expectStatus(call("PUT", statusPath(alice.userId), { token: alice.accessToken, body: { presence: "online" } }), 200);
    expect((await expectStatus(call("GET", statusPath(alice.userId), { token: bob.accessToken }), 200)).body["presence"]).toBe("online");
    await expectStatus(call("GET", statusPath(alice.userId), { token: carol!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", statusPath("@nobody:test.example"), { token: bob.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", statusPath(alice.userId), { token: bob.accessToken, body: { presence: "offline" } }), 403, "M_FORBIDDEN");

    // In /sync: room-mates' presence (and your own), never a stranger's.
    await expectStatus(call("PUT", statusPath(carol!.userId), { token: carol!.accessToken, body: { presence: "online" } }), 200);
    const sync = await ephemeralOf(bob, [roomId], undefined, { now: T0 });
    const senders = sync.presence.map((e) => e["sender"]);
    expect(senders).toContain(alice.userId);
    expect(senders).not.toContain(carol!.userId);
    expect(sync.presence.find((e) => e["sender"] === alice.userId)).toEqual({
      type: "m.presence",
      sender: alice.userId,
      content: { presence: "online", last_active_ago: 0, currently_active: true, displayname: localpart(alice.userId) },
    });
    // Incrementally, only changes after the token.
    expect((await ephemeralOf(bob, [roomId], { ...sync.positions }, { now: T0 })).presence).toEqual([]);
    await expectStatus(call("PUT", statusPath(alice.userId), { token: alice.accessToken, body: { presence: "unavailable", status_msg: "away" } }), 200);
    const next = await ephemeralOf(bob, [roomId], { ...sync.positions }, { now: T0 });
    expect(next.presence.map((e) => [e["sender"], (e["content"] as Record<string, unknown>)["status_msg"]])).toEqual([[alice.userId, "away"]]);
    // The presence filter applies.
    const filtered = await ephemeralOf(bob, [roomId], undefined, { now: T0, filter: { presence: { not_senders: [alice.userId] } } });
    expect(filtered.presence.map((e) => e["sender"])).not.toContain(alice.userId);
  });

  it("refuses bodies the spec does not allow with 400", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const put = (body: unknown) => call("PUT", statusPath(alice!.userId), { token, body });
    await expectStatus(put({}), 400, "M_BAD_JSON");
    await expectStatus(put({ presence: "busy" }), 400, "M_BAD_JSON");
    await expectStatus(put({ presence: "online", status_msg: 3 }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", statusPath(alice!.userId), { token, raw: "x" }), 400, "M_NOT_JSON");
    await expectStatus(call("GET", statusPath(alice!.userId)), 401, "M_MISSING_TOKEN");
  });

  it("set_presence on sync: marks online once, then refreshes activity quietly; unavailable and offline as the spec says", async () => {
    const [alice] = await users(call, 1);
    const userId = alice!.userId;
    const first = await presenceOnSync(env.DB, userId, undefined, T0);
    expect(first).toBeGreaterThan(0);
    // Still currently active: no new position (nobody woken), though the activity time moves.
    expect(await presenceOnSync(env.DB, userId, "online", T0 + 30_000)).toBeUndefined();
    expect((await later(30_000)("GET", statusPath(userId), { token: alice!.accessToken })).body["last_active_ago"]).toBe(0);
    // offline leaves presence alone.
    expect(await presenceOnSync(env.DB, userId, "offline", T0 + 40_000)).toBeUndefined();
    // unavailable is a change others see, once.
    const idle = await presenceOnSync(env.DB, userId, "unavailable", T0 + 50_000);
    expect(idle).toBeGreaterThan(first!);
    expect(await presenceOnSync(env.DB, userId, "unavailable", T0 + 60_000)).toBeUndefined();
    // Back online after a long silence: a change.
    expect(await presenceOnSync(env.DB, userId, undefined, T0 + 10 * 60_000)).toBeGreaterThan(idle!);
  });

  it("a profile change goes out as an m.presence update carrying the new displayname and avatar_url", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const seen = await ephemeralOf(bob, [roomId], undefined, { now: T0 });
    await expectStatus(
      call("PUT", `profile/${encodeURIComponent(alice.userId)}/displayname`, { token: alice.accessToken, body: { displayname: "Alice A." } }),
      200,
    );
    await expectStatus(
      call("PUT", `profile/${encodeURIComponent(alice.userId)}/avatar_url`, { token: alice.accessToken, body: { avatar_url: "mxc://test.example/abc" } }),
      200,
    );
    expect(await presenceAfterProfileChange(env.DB, alice.userId, T0)).toBeGreaterThan(seen.positions.presence);
    const next = await ephemeralOf(bob, [roomId], { ...seen.positions }, { now: T0 });
    expect(next.presence).toEqual([
      {
        type: "m.presence",
        sender: alice.userId,
        content: { presence: "offline", last_active_ago: 0, currently_active: false, displayname: "Alice A.", avatar_url: "mxc://test.example/abc" },
      },
    ]);
  });
});
