// GET and POST /dehydrated_device/{id}/events (MSC3814): to-device messages sent to the dehydrated
// device, paged with next_batch; GET deletes nothing, POST with a token deletes what it covers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { queueToDevice } from "../../../src/readmodels/to-device-inbox";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { nextTxn, sendToDevice, syncToDevice } from "../api-to-device/support";
import { dehydrate, eventsPath, rowsFor } from "./support";

type Page = { events: { sender: string; type: string; content: Record<string, unknown> }[]; next_batch?: string };

/** `count` messages from `sender` to the device, one transaction each, numbered from 0. */
async function queue(sender: string, userId: string, deviceId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await queueToDevice(env.DB, {
      sender,
      senderDevice: "SENDER",
      type: "m.room.encrypted",
      txnId: nextTxn(),
      messages: [{ userId, deviceId, content: { n: i } }],
      now: Date.now(),
    });
  }
}

describe("dehydrated device events", () => {
  const call = roomApp();

  it("delivers messages sent to the device by name and by `*` (the `*` one reaches the logged-in devices too)", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    await sendToDevice(call, bob!, { [alice!.userId]: { [id]: { to: "dehydrated" } } }, { type: "m.room.encrypted" });
    await sendToDevice(call, bob!, { [alice!.userId]: { "*": { to: "all" } } }, { type: "m.room_key_request" });
    const res = await call("GET", eventsPath(id), { token: alice!.accessToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      events: [
        { sender: bob!.userId, type: "m.room.encrypted", content: { to: "dehydrated" } },
        { sender: bob!.userId, type: "m.room_key_request", content: { to: "all" } },
      ],
    });
    // The logged-in device gets only the `*` message in its own sync.
    expect((await syncToDevice(call, alice!)).events.map((e) => e.content)).toEqual([{ to: "all" }]);
  });

  it("GET pages with next_batch (present only while more wait) and deletes nothing", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    await queue(bob!.userId, alice!.userId, id, 150);
    const first = (await call("GET", eventsPath(id), { token: alice!.accessToken })).body as Page;
    expect(first.events.map((e) => e.content["n"])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(typeof first.next_batch).toBe("string");
    const second = (await call("GET", eventsPath(id, first.next_batch), { token: alice!.accessToken })).body as Page;
    expect(second.events.map((e) => e.content["n"])).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(second).not.toHaveProperty("next_batch");
    // MSC3814: an interrupted rehydration can start again, so nothing was deleted.
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(150);
    const again = (await call("GET", eventsPath(id), { token: alice!.accessToken })).body as Page;
    expect(again.events).toHaveLength(100);
  });

  it("POST (Synapse, matrix-js-sdk) always carries next_batch and deletes what a token covers", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    await queue(bob!.userId, alice!.userId, id, 130);
    const post = (body?: Record<string, unknown>) => call("POST", eventsPath(id), { token: alice!.accessToken, ...(body === undefined ? {} : { body }) });
    // An empty body is a first page too.
    const first = (await post()).body as Page;
    expect(first.events).toHaveLength(100);
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(130);
    const second = (await post({ next_batch: first.next_batch })).body as Page;
    expect(second.events.map((e) => e.content["n"])).toEqual(Array.from({ length: 30 }, (_, i) => 100 + i));
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(30);
    const last = (await post({ next_batch: second.next_batch })).body as Page;
    expect(last.events).toEqual([]);
    expect(last.next_batch).toBe(second.next_batch);
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(0);
    // A message arriving later comes after the token.
    await sendToDevice(call, bob!, { [alice!.userId]: { [id]: { late: true } } });
    expect(((await post({ next_batch: last.next_batch })).body as Page).events.map((e) => e.content)).toEqual([{ late: true }]);
  });

  it("is 403 M_FORBIDDEN for any device but the user's dehydrated one, and for a replaced one", async () => {
    const [alice, bob] = await users(call, 2);
    await expectStatus(call("GET", eventsPath("NOPE"), { token: alice!.accessToken }), 403, "M_FORBIDDEN");
    const id = await dehydrate(call, alice!);
    await expectStatus(call("GET", eventsPath(alice!.deviceId), { token: alice!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", eventsPath(alice!.deviceId), { token: alice!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    // Another user's dehydrated device is not the caller's.
    await expectStatus(call("GET", eventsPath(id), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await dehydrate(call, alice!);
    await expectStatus(call("GET", eventsPath(id), { token: alice!.accessToken }), 403, "M_FORBIDDEN");
  });

  it("refuses tokens it did not issue and a non-string next_batch", async () => {
    const [alice] = await users(call, 1);
    const id = await dehydrate(call, alice!);
    await expectStatus(call("GET", eventsPath(id, "s12_3"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", eventsPath(id), { token: alice!.accessToken, body: { next_batch: "x" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", eventsPath(id), { token: alice!.accessToken, body: { next_batch: 5 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", eventsPath(id), { token: alice!.accessToken, raw: "{nope" }), 400, "M_NOT_JSON");
  });
});
