// GET /notifications with threads: a thread's receipt (or an unthreaded one) reads that thread; `main` reads only the main timeline.
import { describe, expect, it } from "vitest";
import { expectStatus, path, projectedPosition, roomApp, sendContent, sharedRoom, users, type Call, type Registered } from "../api-push/support";

type Json = Record<string, unknown>;
const text = (body: string, extra: Json = {}) => ({ msgtype: "m.text", body, ...extra });
const inThread = (root: string, body: string) => text(body, { "m.relates_to": { rel_type: "m.thread", event_id: root } });

/** Each notification's event ID with whether it is read. */
async function readState(call: Call, user: Registered): Promise<Record<string, boolean>> {
  const res = await expectStatus(call("GET", "notifications", { token: user.accessToken }), 200);
  return Object.fromEntries((res.body["notifications"] as Json[]).map((n) => [(n["event"] as Json)["event_id"] as string, n["read"] as boolean]));
}

async function receipt(call: Call, user: Registered, roomId: string, eventId: string, threadId?: string): Promise<void> {
  const body = threadId === undefined ? {} : { thread_id: threadId };
  await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: user.accessToken, body }), 200);
}

/** Alice and bob share a room; alice writes a thread root, t1 in its thread, m2 in the main timeline, then t2 in the thread. */
async function threadedRoom(call: Call): Promise<{ bob: Registered; alice: Registered; roomId: string; root: string; t1: string; m2: string; t2: string }> {
  const [alice, bob] = await users(call, 2);
  const roomId = await sharedRoom(call, alice!, bob!);
  const root = await sendContent(call, alice!, roomId, text("root"));
  const t1 = await sendContent(call, alice!, roomId, inThread(root, "t1"));
  const m2 = await sendContent(call, alice!, roomId, text("m2"));
  const t2 = await sendContent(call, alice!, roomId, inThread(root, "t2"));
  return { alice: alice!, bob: bob!, roomId, root, t1, m2, t2 };
}

describe("GET /notifications and threaded receipts", () => {
  const call = roomApp();

  it("marks a thread's events read by that thread's receipt, main-timeline events by `main`, all by an unthreaded one", async () => {
    const { bob, roomId, root, t1, m2, t2 } = await threadedRoom(call);
    await projectedPosition(t2);
    expect(await readState(call, bob)).toEqual({ [root]: false, [t1]: false, [m2]: false, [t2]: false });

    // `main` at m2 reads the main timeline up to it, not the thread's t1 though t1 is older.
    await receipt(call, bob, roomId, m2, "main");
    expect(await readState(call, bob)).toEqual({ [root]: true, [t1]: false, [m2]: true, [t2]: false });

    // The thread's receipt at t1 reads t1 only.
    await receipt(call, bob, roomId, t1, root);
    expect(await readState(call, bob)).toEqual({ [root]: true, [t1]: true, [m2]: true, [t2]: false });

    // At t2 it reads the whole thread.
    await receipt(call, bob, roomId, t2, root);
    expect(await readState(call, bob)).toEqual({ [root]: true, [t1]: true, [m2]: true, [t2]: true });
  });

  it("an unthreaded receipt reads every timeline up to it; a thread's receipt never reads the main timeline", async () => {
    const { alice, bob, roomId, root, t1, m2, t2 } = await threadedRoom(call);
    const m3 = await sendContent(call, alice, roomId, text("m3"));
    await projectedPosition(m3);

    await receipt(call, bob, roomId, t2, root);
    expect(await readState(call, bob)).toEqual({ [root]: false, [t1]: true, [m2]: false, [t2]: true, [m3]: false });

    await receipt(call, bob, roomId, m2);
    expect(await readState(call, bob)).toEqual({ [root]: true, [t1]: true, [m2]: true, [t2]: true, [m3]: false });
  });

  it("the user's own event reads what came before it in its own timeline only", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const root = await sendContent(call, alice!, roomId, text("root"));
    const t1 = await sendContent(call, alice!, roomId, inThread(root, "t1"));
    const m2 = await sendContent(call, alice!, roomId, text("m2"));
    await projectedPosition(await sendContent(call, bob!, roomId, text("bob in main")));
    expect(await readState(call, bob!)).toEqual({ [root]: true, [t1]: false, [m2]: true });

    await projectedPosition(await sendContent(call, bob!, roomId, inThread(root, "bob in thread")));
    expect(await readState(call, bob!)).toEqual({ [root]: true, [t1]: true, [m2]: true });
  });
});
