// The sync notifier with several streams: a waiter is released by any stream passing what it has read, and only then.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("sync notifier streams", () => {
  it("releases a waiter when any one stream passes its position; lower pokes and other streams' old positions do not", async () => {
    const stub = env.SYNC_NOTIFIER.get(env.SYNC_NOTIFIER.idFromName("streams-notifier"));
    await stub.poke(10);
    await stub.advance("account_data", 4);
    expect(await stub.positions()).toEqual({ pdu: 10, account_data: 4 });
    // Already past on one stream: no wait at all.
    expect(await stub.waitForAny({ pdu: 10, account_data: 3 }, 10_000)).toEqual({ pdu: 10, account_data: 4 });
    // A stream the waiter does not name is not watched.
    const pduWatcher = stub.waitForAny({ pdu: 10 }, 10_000);
    await stub.advance("account_data", 5);
    expect(await stub.waiting()).toBe(1);
    await stub.poke(10);
    expect(await stub.waiting()).toBe(1);
    await stub.poke(11);
    expect(await pduWatcher).toEqual({ pdu: 11, account_data: 5 });

    const waiting = stub.waitForAny({ pdu: 11, account_data: 5 }, 10_000);
    await stub.advance("account_data", 5);
    await stub.advance("account_data", 2);
    await stub.poke(9);
    expect(await stub.waiting()).toBe(1);
    await stub.advance("account_data", 6);
    expect(await waiting).toEqual({ pdu: 11, account_data: 6 });

    // The single-number API is the room event stream alone: account data does not release it.
    const pduOnly = stub.waitBeyond(11, 10_000);
    await stub.advance("account_data", 7);
    expect(await stub.waiting()).toBe(1);
    await stub.poke(12);
    expect(await pduOnly).toBe(12);

    const started = Date.now();
    expect(await stub.waitForAny({ pdu: 12, account_data: 7 }, 150)).toEqual({ pdu: 12, account_data: 7 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await stub.waiting()).toBe(0);
  });

  it("a replay reset releases every waiter and keeps the other streams' positions", async () => {
    const stub = env.SYNC_NOTIFIER.get(env.SYNC_NOTIFIER.idFromName("streams-reset"));
    await stub.poke(50);
    await stub.advance("account_data", 7);
    const waiting = stub.waitForAny({ pdu: 50, account_data: 7 }, 10_000);
    // Calls on one stub may overtake each other under load: reset only once the waiter is registered.
    while ((await stub.waiting()) === 0) await new Promise((r) => setTimeout(r, 5));
    await stub.reset(20);
    expect((await waiting)["pdu"]).toBe(Number.MAX_SAFE_INTEGER);
    expect(await stub.positions()).toEqual({ pdu: 20, account_data: 7 });
  });
});
