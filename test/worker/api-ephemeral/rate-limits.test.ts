// Typing, receipts, read markers and presence are rate limited per user: 429 M_LIMIT_EXCEEDED past the rule, generous by default.
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../../../src/platform/server-config";
import { expectStatus, message, path, roomApp, sharedRoom } from "./support";

const tight: RateLimits = {
  ...DEFAULT_RATE_LIMITS,
  typing: { perSecond: 0.001, burst: 2 },
  receipt: { perSecond: 0.001, burst: 2 },
  presence: { perSecond: 0.001, burst: 2 },
  to_device: { perSecond: 0.001, burst: 2 },
};

const typingPath = (roomId: string, userId: string) => path(roomId, `typing/${encodeURIComponent(userId)}`);
const presencePath = (userId: string) => `presence/${encodeURIComponent(userId)}/status`;
/** Every request from one address: the limits are per user, so a shared NAT is not one client. */
const sameIp = { "CF-Connecting-IP": "203.0.113.9" };

describe("ephemeral rate limits", () => {
  const call = roomApp({ auth: { rateLimits: tight } });

  it("limits typing per user, not per address", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const put = (who: typeof alice) =>
      call("PUT", typingPath(roomId, who.userId), { token: who.accessToken, body: { typing: true, timeout: 30000 }, headers: sameIp });
    await expectStatus(put(alice), 200);
    await expectStatus(put(alice), 200);
    const limited = await expectStatus(put(alice), 429, "M_LIMIT_EXCEEDED");
    expect(limited.body["retry_after_ms"]).toBeGreaterThan(0);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    await expectStatus(put(bob), 200);
  });

  it("receipts and read markers share one bucket per user", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const eventId = await message(call, bob, roomId, "read me");
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: alice.accessToken, body: {} }), 200);
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: alice.accessToken, body: { "m.fully_read": eventId } }), 200);
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: alice.accessToken, body: { "m.read": eventId } }), 429, "M_LIMIT_EXCEEDED");
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: alice.accessToken, body: {} }), 429, "M_LIMIT_EXCEEDED");
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: bob.accessToken, body: {} }), 200);
  });

  it("limits setting one's presence; reading it is not limited", async () => {
    const { alice, bob } = await sharedRoom(call);
    const put = () => call("PUT", presencePath(alice.userId), { token: alice.accessToken, body: { presence: "online" } });
    await expectStatus(put(), 200);
    await expectStatus(put(), 200);
    await expectStatus(put(), 429, "M_LIMIT_EXCEEDED");
    for (let i = 0; i < 3; i++) await expectStatus(call("GET", presencePath(alice.userId), { token: bob.accessToken }), 200);
  });

  it("limits send-to-device per user in a bucket of its own, apart from room messages", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const toDevice = (txn: string) =>
      call("PUT", `sendToDevice/m.room_key_request/${txn}`, { token: alice.accessToken, body: { messages: { [bob.userId]: { "*": { n: txn } } } } });
    await expectStatus(toDevice("t1"), 200);
    await expectStatus(toDevice("t2"), 200);
    await expectStatus(toDevice("t3"), 429, "M_LIMIT_EXCEEDED");
    // Room messages count against their own rule.
    await message(call, alice, roomId, "still talking");
  });
});

describe("default ephemeral limits", () => {
  const call = roomApp({ auth: { rateLimits: DEFAULT_RATE_LIMITS } });

  it("let a busy client through: a typing burst, a receipt and read marker per read, presence changes", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const eventId = await message(call, bob, roomId, "hello");
    for (let i = 0; i < 20; i++) {
      await expectStatus(call("PUT", typingPath(roomId, alice.userId), { token: alice.accessToken, body: { typing: i % 2 === 0, timeout: 30000 }, headers: sameIp }), 200);
    }
    for (let i = 0; i < 30; i++) {
      await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: alice.accessToken, body: {}, headers: sameIp }), 200);
      await expectStatus(call("POST", path(roomId, "read_markers"), { token: alice.accessToken, body: { "m.fully_read": eventId }, headers: sameIp }), 200);
    }
    for (const presence of ["online", "unavailable", "online", "offline", "online"]) {
      await expectStatus(call("PUT", presencePath(alice.userId), { token: alice.accessToken, body: { presence }, headers: sameIp }), 200);
    }
  });
});
