// GET /notifications: the events that notified the user, newest first, with actions, read state, highlight filter and paging.
import { describe, expect, it } from "vitest";
import { createRoom } from "../api-rooms/support";
import { expectStatus, path, projectedPosition, roomApp, sendContent, sharedRoom, users } from "../api-push/support";

type Json = Record<string, unknown>;
const text = (body: string, extra: Json = {}) => ({ msgtype: "m.text", body, ...extra });
const eventIds = (body: Json): string[] => (body["notifications"] as Json[]).map((n) => (n["event"] as Json)["event_id"] as string);

describe("GET /notifications", () => {
  const call = roomApp();

  it("lists notifying events newest first with actions, room, ts and read state", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const hello = await sendContent(call, alice!, roomId, text("hello"));
    const notice = await sendContent(call, alice!, roomId, { msgtype: "m.notice", body: "a bot speaks" });
    const mention = await sendContent(call, alice!, roomId, text("hey bob", { "m.mentions": { user_ids: [bob!.userId] } }));
    await projectedPosition(mention);
    void notice;

    const res = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect(eventIds(res.body)).toEqual([mention, hello]);
    const [first, second] = res.body["notifications"] as Json[];
    expect(first).toMatchObject({ room_id: roomId, read: false, event: { type: "m.room.message", sender: alice!.userId } });
    // The event is in the format without room_id (spec); the notification carries it.
    expect((first!["event"] as Json)["room_id"]).toBeUndefined();
    expect(first!["actions"]).toEqual(expect.arrayContaining(["notify", { set_tweak: "highlight" }]));
    expect(typeof first!["ts"]).toBe("number");
    expect(second!["actions"]).toContain("notify");
    expect(res.body["next_token"]).toBeUndefined();

    const highlights = await expectStatus(call("GET", "notifications?only=highlight", { token: bob!.accessToken }), 200);
    expect(eventIds(highlights.body)).toEqual([mention]);

    // A read receipt on the first message marks it read, not the later mention.
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(hello)}`), { token: bob!.accessToken, body: {} }), 200);
    const afterReceipt = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect((afterReceipt.body["notifications"] as Json[]).map((n) => n["read"])).toEqual([false, true]);
    // Bob's own message reads everything before it.
    await projectedPosition(await sendContent(call, bob!, roomId, text("thanks")));
    const afterOwn = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect((afterOwn.body["notifications"] as Json[]).map((n) => n["read"])).toEqual([true, true]);
    // Alice is notified of Bob's message, never of her own.
    const forAlice = await expectStatus(call("GET", "notifications", { token: alice!.accessToken }), 200);
    expect((forAlice.body["notifications"] as Json[]).every((n) => (n["event"] as Json)["sender"] === bob!.userId)).toBe(true);
  });

  it("pages with limit and next_token", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(await sendContent(call, alice!, roomId, text(`m${i}`)));
    await projectedPosition(sent[4]!);
    const page1 = await expectStatus(call("GET", "notifications?limit=2", { token: bob!.accessToken }), 200);
    expect(eventIds(page1.body)).toEqual([sent[4], sent[3]]);
    const token1 = page1.body["next_token"] as string;
    expect(typeof token1).toBe("string");
    const page2 = await expectStatus(call("GET", `notifications?limit=2&from=${token1}`, { token: bob!.accessToken }), 200);
    expect(eventIds(page2.body)).toEqual([sent[2], sent[1]]);
    const page3 = await expectStatus(call("GET", `notifications?limit=2&from=${page2.body["next_token"] as string}`, { token: bob!.accessToken }), 200);
    expect(eventIds(page3.body)).toEqual([sent[0]]);
    expect(page3.body["next_token"]).toBeUndefined();
  });

  it("leaves out what came before the user's join and rooms the user left", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await projectedPosition(await sendContent(call, alice!, roomId, text(`early ${bob!.userId}`, { "m.mentions": { user_ids: [bob!.userId] } })));
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const late = await sendContent(call, alice!, roomId, text("later", { "m.mentions": { user_ids: [bob!.userId] } }));
    await projectedPosition(late);
    const res = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect(eventIds(res.body)).toEqual([late]);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const gone = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect(eventIds(gone.body)).toEqual([]);
  });

  it("answers 400 for bad parameters and 401 without a token", async () => {
    const [bob] = await users(call, 1);
    await expectStatus(call("GET", "notifications?from=abc", { token: bob!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "notifications?limit=-1", { token: bob!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "notifications?only=everything", { token: bob!.accessToken }), 400, "M_INVALID_PARAM");
    const empty = await expectStatus(call("GET", "notifications", { token: bob!.accessToken }), 200);
    expect(empty.body).toEqual({ notifications: [] });
    await expectStatus(call("GET", "notifications"), 401, "M_MISSING_TOKEN");
  });
});
