// PUT /sendToDevice and /sync's to_device section: delivery to one device and to every device (`*`),
// idempotent transactions, acknowledgement by the next token, long-poll wake-up, paging, bad requests.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deleteDeviceStatements } from "../../../src/accounts/device-store";
import { queueToDevice } from "../../../src/readmodels/to-device-inbox";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { loginAgain, nextTxn, sendPath, sendToDevice, syncToDevice } from "./support";

const waitingFor = async (userId: string, deviceId: string): Promise<number> =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM to_device_inbox WHERE recipient_user = ? AND recipient_device = ?")
    .bind(userId, deviceId)
    .first<{ n: number }>())!.n;

describe("send-to-device messaging", () => {
  const call = roomApp();

  it("delivers to the named device only, as {sender, type, content}", async () => {
    const [alice, bob] = await users(call, 2);
    const bobPhone = await loginAgain(call, bob!);
    await sendToDevice(call, alice!, { [bob!.userId]: { [bob!.deviceId]: { hello: "laptop", n: 1.5 } } }, { type: "m.greeting" });
    const laptop = await syncToDevice(call, bob!);
    expect(laptop.events).toEqual([{ sender: alice!.userId, type: "m.greeting", content: { hello: "laptop", n: 1.5 } }]);
    expect((await syncToDevice(call, bobPhone)).events).toEqual([]);
    // The sender's own device is not sent anything either.
    expect((await syncToDevice(call, alice!)).events).toEqual([]);
  });

  it("`*` reaches every device of the user; a device the same request names gets its own message", async () => {
    const [alice, bob] = await users(call, 2);
    const phone = await loginAgain(call, bob!);
    const tablet = await loginAgain(call, bob!);
    await sendToDevice(call, alice!, { [bob!.userId]: { "*": { to: "all" } } });
    for (const device of [bob!, phone, tablet]) {
      expect((await syncToDevice(call, device)).events.map((e) => e.content)).toEqual([{ to: "all" }]);
    }
    await sendToDevice(call, alice!, { [bob!.userId]: { "*": { to: "all" }, [phone.deviceId]: { to: "phone" } } });
    expect((await syncToDevice(call, phone)).events.map((e) => e.content)).toEqual([{ to: "all" }, { to: "phone" }]);
    expect((await syncToDevice(call, tablet)).events.map((e) => e.content)).toEqual([{ to: "all" }, { to: "all" }]);
  });

  it("skips unknown devices, unknown local users and users of other servers", async () => {
    const [alice, bob] = await users(call, 2);
    await sendToDevice(call, alice!, {
      [bob!.userId]: { NOSUCHDEVICE: { x: 1 }, [bob!.deviceId]: { x: 2 } },
      [`@nobody-${Date.now()}:${env.SERVER_NAME}`]: { "*": { x: 3 } },
      "@carol:elsewhere.example": { "*": { x: 4 } },
    });
    expect((await syncToDevice(call, bob!)).events.map((e) => e.content)).toEqual([{ x: 2 }]);
  });

  it("a retried transaction delivers nothing twice; the same txnId on another event type is another request", async () => {
    const [alice, bob] = await users(call, 2);
    const txnId = nextTxn();
    const messages = { [bob!.userId]: { [bob!.deviceId]: { once: true } } };
    await sendToDevice(call, alice!, messages, { txnId });
    await sendToDevice(call, alice!, messages, { txnId });
    // The same txnId from another device of the sender is a new transaction.
    const alicePhone = await loginAgain(call, alice!);
    await sendToDevice(call, alicePhone, messages, { txnId });
    await sendToDevice(call, alice!, messages, { txnId, type: "m.other" });
    const { events } = await syncToDevice(call, bob!);
    expect(events.map((e) => e.type)).toEqual(["m.test", "m.test", "m.other"]);
  });

  it("keeps messages until a sync with the token that delivered them, then deletes them", async () => {
    const [alice, bob] = await users(call, 2);
    await sendToDevice(call, alice!, { [bob!.userId]: { [bob!.deviceId]: { n: 1 } } });
    const first = await syncToDevice(call, bob!);
    expect(first.events).toHaveLength(1);
    // The response may have been lost: without the new token the message comes again.
    expect((await syncToDevice(call, bob!)).events).toHaveLength(1);
    expect(await waitingFor(bob!.userId, bob!.deviceId)).toBe(1);
    const next = await syncToDevice(call, bob!, first.nextBatch);
    expect(next.events).toEqual([]);
    expect(await waitingFor(bob!.userId, bob!.deviceId)).toBe(0);
    // A later message is delivered once, after the acknowledged ones.
    await sendToDevice(call, alice!, { [bob!.userId]: { [bob!.deviceId]: { n: 2 } } });
    const later = await syncToDevice(call, bob!, next.nextBatch);
    expect(later.events.map((e) => e.content)).toEqual([{ n: 2 }]);
    expect((await syncToDevice(call, bob!, later.nextBatch)).events).toEqual([]);
  });

  it("wakes a waiting long-poll", async () => {
    const [alice, bob] = await users(call, 2);
    // Settle: whatever else is pending for bob is read first.
    let since = (await syncToDevice(call, bob!)).nextBatch;
    since = (await syncToDevice(call, bob!, since)).nextBatch;
    const started = Date.now();
    const waiting = syncToDevice(call, bob!, since, 8000);
    await new Promise((r) => setTimeout(r, 300));
    await sendToDevice(call, alice!, { [bob!.userId]: { [bob!.deviceId]: { wake: "up" } } });
    const woken = await waiting;
    expect(Date.now() - started).toBeLessThan(6000);
    expect(woken.events.map((e) => e.content)).toEqual([{ wake: "up" }]);
  });

  it("sends at most 100 a response, in order, and the token carries on from the last one delivered", async () => {
    const [alice, bob] = await users(call, 2);
    for (let i = 0; i < 230; i++) {
      await queueToDevice(env.DB, {
        sender: alice!.userId,
        senderDevice: alice!.deviceId,
        type: "m.page",
        txnId: `page${i}`,
        messages: [{ userId: bob!.userId, deviceId: bob!.deviceId, content: { i } }],
        now: Date.now(),
      });
    }
    const seen: number[] = [];
    let since: string | undefined;
    const sizes: number[] = [];
    for (let round = 0; round < 4; round++) {
      const page = await syncToDevice(call, bob!, since);
      sizes.push(page.events.length);
      seen.push(...page.events.map((e) => e.content["i"] as number));
      since = page.nextBatch;
    }
    expect(sizes).toEqual([100, 100, 30, 0]);
    expect(seen).toEqual(Array.from({ length: 230 }, (_, i) => i));
    expect(await waitingFor(bob!.userId, bob!.deviceId)).toBe(0);
  });

  it("a deleted device's messages go with it", async () => {
    const [alice, bob] = await users(call, 2);
    const phone = await loginAgain(call, bob!);
    await sendToDevice(call, alice!, { [bob!.userId]: { [phone.deviceId]: { gone: true } } });
    expect(await waitingFor(bob!.userId, phone.deviceId)).toBe(1);
    await env.DB.batch(deleteDeviceStatements(env.DB, bob!.userId, phone.deviceId));
    expect(await waitingFor(bob!.userId, phone.deviceId)).toBe(0);
  });

  it("refuses bad bodies and paths with the spec's errcodes", async () => {
    const [alice, bob] = await users(call, 2);
    const put = (options: { body?: unknown; raw?: string }, type = "m.test") =>
      call("PUT", sendPath(type, nextTxn()), { token: alice!.accessToken, ...options });
    await expectStatus(put({ raw: "{not json" }), 400, "M_NOT_JSON");
    await expectStatus(put({ body: [] }), 400, "M_BAD_JSON");
    await expectStatus(put({ body: {} }), 400, "M_BAD_JSON");
    await expectStatus(put({ body: { messages: [] } }), 400, "M_BAD_JSON");
    await expectStatus(put({ body: { messages: { [bob!.userId]: "x" } } }), 400, "M_BAD_JSON");
    await expectStatus(put({ body: { messages: { [bob!.userId]: { [bob!.deviceId]: "x" } } } }), 400, "M_BAD_JSON");
    await expectStatus(put({ raw: `{"messages":{},"messages":{}}` }), 400, "M_BAD_JSON");
    await expectStatus(put({ body: { messages: { "not-a-user": { D: {} } } } }), 400, "M_INVALID_PARAM");
    await expectStatus(put({ body: { messages: { [bob!.userId]: { "": {} } } } }), 400, "M_INVALID_PARAM");
    await expectStatus(put({ body: { messages: {} } }, "x".repeat(300)), 400, "M_INVALID_PARAM");
    const big = { [bob!.userId]: { [bob!.deviceId]: { blob: "x".repeat(70_000) } } };
    await expectStatus(put({ body: { messages: big } }), 413, "M_TOO_LARGE");
    await expectStatus(put({ raw: JSON.stringify({ messages: {}, pad: "x".repeat(1024 * 1024) }) }), 413, "M_TOO_LARGE");
    // None of them queued anything.
    expect(await waitingFor(bob!.userId, bob!.deviceId)).toBe(0);
    // An empty map is a valid request that sends nothing.
    await expectStatus(put({ body: { messages: {} } }), 200);
  });

  it("needs an access token", async () => {
    const res = await call("PUT", sendPath("m.test", nextTxn()), { body: { messages: {} } });
    expect(res.status).toBe(401);
    expect(res.body["errcode"]).toBe("M_MISSING_TOKEN");
  });
});
