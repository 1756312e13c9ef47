// PUT send and PUT/GET state: success, idempotent transaction IDs, and each refusal with its errcode.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, users } from "./support";

const MISSING_ROOM = "!nosuchroomhereatall:localhost:8008";

describe("PUT /rooms/{roomId}/send/{eventType}/{txnId}", () => {
  const call = roomApp();

  it("answers with the event ID, and the same one for a repeated transaction ID of the same device", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const token = alice!.accessToken;
    const put = (txn: string, body: string, t = token) => call("PUT", path(roomId, `send/m.room.message/${txn}`), { token: t, body: { msgtype: "m.text", body } });
    const first = await expectStatus(put("txn1", "hello"), 200);
    expect(first.body["event_id"]).toMatch(/^\$/);
    const again = await expectStatus(put("txn1", "hello"), 200);
    expect(again.body["event_id"]).toBe(first.body["event_id"]);
    const other = await expectStatus(put("txn2", "hello"), 200);
    expect(other.body["event_id"]).not.toBe(first.body["event_id"]);
    // The same txnId from another device (a second login) is another transaction.
    const login = await call("POST", "login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: alice!.userId }, password: alice!.password },
    });
    const second = await expectStatus(put("txn1", "hello", login.body["access_token"] as string), 200);
    expect(second.body["event_id"]).not.toBe(first.body["event_id"]);
  });

  it("sends event types and transaction IDs that need percent-encoding", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const res = await call("PUT", path(roomId, `send/${encodeURIComponent("org.example/odd type")}/${encodeURIComponent("a/b c")}`), {
      token: alice!.accessToken,
      body: { x: 1 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("answers 404 M_NOT_FOUND for an unknown room and 400 for a malformed room ID", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(call("PUT", path(MISSING_ROOM, "send/m.room.message/t"), { token: alice!.accessToken, body: { body: "x" } }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", path("not-a-room", "send/m.room.message/t"), { token: alice!.accessToken, body: { body: "x" } }), 400, "M_INVALID_PARAM");
  });

  it("answers 403 M_FORBIDDEN to a user who is not joined", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/t"), { token: eve!.accessToken, body: { body: "x" } }), 403, "M_FORBIDDEN");
  });

  it("answers 413 M_TOO_LARGE for content that makes the PDU exceed 65,536 bytes", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/big"), { token, body: { body: "x".repeat(65_000) } }), 413, "M_TOO_LARGE");
    // Far over: refused while reading the body.
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/huge"), { token, body: { body: "x".repeat(2_000_000) } }), 413, "M_TOO_LARGE");
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/ok"), { token, body: { body: "x".repeat(60_000) } }), 200);
  });

  it("refuses bodies that are not JSON objects or not canonical JSON", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/a"), { token, raw: "[1]" }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/b"), { token, raw: '{"n": 1.5}' }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", path(roomId, "send/m.room.message/c"), { token, raw: "nope" }), 400, "M_NOT_JSON");
  });

  it("is rate limited per user with 429 M_LIMIT_EXCEEDED", async () => {
    const limited = roomApp({ auth: { rateLimits: { login: { perSecond: 1, burst: 100 }, register: { perSecond: 1, burst: 100 }, message: { perSecond: 0.001, burst: 2 } } } });
    const [alice] = await users(limited, 1);
    const roomId = await createRoom(limited, alice!);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await limited("PUT", path(roomId, `send/m.room.message/r${i}`), { token: alice!.accessToken, body: { body: "x" } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("PUT and GET /rooms/{roomId}/state/{eventType}/{stateKey}", () => {
  const call = roomApp();

  it("sets and reads state with and without a state key, reading its own write at once", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const token = alice!.accessToken;
    const set = await expectStatus(call("PUT", path(roomId, "state/m.room.topic"), { token, body: { topic: "one" } }), 200);
    expect(set.body["event_id"]).toMatch(/^\$/);
    expect((await call("GET", path(roomId, "state/m.room.topic"), { token })).body).toEqual({ topic: "one" });
    await expectStatus(call("PUT", path(roomId, "state/m.room.topic/"), { token, body: { topic: "two" } }), 200);
    expect((await call("GET", path(roomId, "state/m.room.topic/"), { token })).body).toEqual({ topic: "two" });
    await expectStatus(call("PUT", path(roomId, `state/org.example.thing/${encodeURIComponent("a/b")}`), { token, body: { v: 1 } }), 200);
    expect((await call("GET", path(roomId, `state/org.example.thing/${encodeURIComponent("a/b")}`), { token })).body).toEqual({ v: 1 });
    // Setting the same content again is a no-op that answers with the existing event.
    const same = await expectStatus(call("PUT", path(roomId, `state/org.example.thing/${encodeURIComponent("a/b")}`), { token, body: { v: 1 } }), 200);
    const again = await expectStatus(call("PUT", path(roomId, `state/org.example.thing/${encodeURIComponent("a/b")}`), { token, body: { v: 1 } }), 200);
    expect(again.body["event_id"]).toBe(same.body["event_id"]);
    const all = await expectStatus(call("GET", path(roomId, "state"), { token }), 200);
    expect((all.body as unknown as { type: string }[]).map((e) => e.type)).toContain("m.room.create");
  });

  it("answers 404 for state that is not set and for an unknown room", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("GET", path(roomId, "state/m.room.avatar"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path(MISSING_ROOM, "state/m.room.name"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", path(MISSING_ROOM, "state/m.room.name"), { token: alice!.accessToken, body: { name: "x" } }), 404, "M_NOT_FOUND");
  });

  it("answers 403 to users who never joined; a former member reads the state as it was when they left", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat", name: "Before" });
    await expectStatus(call("GET", path(roomId, "state/m.room.name"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", path(roomId, "state/m.room.name"), { token: eve!.accessToken, body: { name: "Eve's" } }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    // Bob has power 0 and state_default is 50.
    await expectStatus(call("PUT", path(roomId, "state/m.room.name"), { token: bob!.accessToken, body: { name: "Bob's" } }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    await expectStatus(call("PUT", path(roomId, "state/m.room.name"), { token: alice!.accessToken, body: { name: "After" } }), 200);
    expect((await call("GET", path(roomId, "state/m.room.name"), { token: bob!.accessToken })).body).toEqual({ name: "Before" });
    expect((await call("GET", path(roomId, "state/m.room.name"), { token: alice!.accessToken })).body).toEqual({ name: "After" });
  });
});
