// PUT/GET /user/{userId}/account_data/{type} and /user/{userId}/rooms/{roomId}/account_data/{type}: answers and refusals.
import { describe, expect, it } from "vitest";
import { expectStatus, roomApp, roomDataPath, userPath, users } from "./support";

const ROOM = "!someroom:test.example";

describe("global account data", () => {
  const call = roomApp();

  it("stores content and gives it back; a second PUT replaces it; fractions are fine", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const path = userPath(alice!, "account_data/org.example.config");
    await expectStatus(call("PUT", path, { token, body: { volume: 0.5, nested: { on: true } } }), 200);
    expect((await expectStatus(call("GET", path, { token }), 200)).body).toEqual({ volume: 0.5, nested: { on: true } });
    await expectStatus(call("PUT", path, { token, body: { volume: 1 } }), 200);
    expect((await expectStatus(call("GET", path, { token }), 200)).body).toEqual({ volume: 1 });
  });

  it("answers 404 M_NOT_FOUND for a type never set, and keeps users apart", async () => {
    const [alice, bob] = await users(call, 2);
    await expectStatus(call("GET", userPath(alice!, "account_data/org.example.none"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", userPath(bob!, "account_data/org.example.mine"), { token: bob!.accessToken, body: { x: 1 } }), 200);
    await expectStatus(call("GET", userPath(alice!, "account_data/org.example.mine"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
  });

  it("answers 403 M_FORBIDDEN for another user's account data, read or write", async () => {
    const [alice, bob] = await users(call, 2);
    const path = userPath(alice!, "account_data/org.example.config");
    await expectStatus(call("PUT", path, { token: bob!.accessToken, body: { x: 1 } }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path, { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path), 401, "M_MISSING_TOKEN");
  });

  it("refuses server-managed types with 405 M_BAD_JSON, and bodies that are not JSON objects with 400", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    for (const type of ["m.fully_read", "m.push_rules"]) {
      await expectStatus(call("PUT", userPath(alice!, `account_data/${type}`), { token, body: { event_id: "$x" } }), 405, "M_BAD_JSON");
    }
    const path = userPath(alice!, "account_data/org.example.config");
    await expectStatus(call("PUT", path, { token, body: [1, 2] }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", path, { token, raw: "not json" }), 400, "M_NOT_JSON");
    await expectStatus(call("GET", path, { token }), 404, "M_NOT_FOUND");
  });

  it("reads server-managed m.push_rules as normal: the defaults before any edit", async () => {
    const [alice] = await users(call, 1);
    const res = await expectStatus(call("GET", userPath(alice!, "account_data/m.push_rules"), { token: alice!.accessToken }), 200);
    const global = res.body["global"] as Record<string, { rule_id: string }[]>;
    expect(global["override"]?.map((r) => r.rule_id)).toContain(".m.rule.master");
  });
});

describe("room account data", () => {
  const call = roomApp();

  it("stores content per room, apart from global data of the same type and from other rooms", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const path = roomDataPath(alice!, ROOM, "account_data/org.example.room");
    await expectStatus(call("PUT", path, { token, body: { colour: "blue" } }), 200);
    expect((await expectStatus(call("GET", path, { token }), 200)).body).toEqual({ colour: "blue" });
    // No inheritance (spec "Client Config"): neither global nor another room falls back to it.
    await expectStatus(call("GET", userPath(alice!, "account_data/org.example.room"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", roomDataPath(alice!, "!other:test.example", "account_data/org.example.room"), { token }), 404, "M_NOT_FOUND");
  });

  it("answers 400 M_INVALID_PARAM for a room ID that is not one, 403 for other users, 405 for server-managed types", async () => {
    const [alice, bob] = await users(call, 2);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", roomDataPath(alice!, "@notaroom:test.example", "account_data/a.b"), { token, body: {} }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", roomDataPath(alice!, "@notaroom:test.example", "account_data/a.b"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", roomDataPath(alice!, ROOM, "account_data/a.b"), { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", roomDataPath(alice!, ROOM, "account_data/a.b"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    for (const type of ["m.fully_read", "m.push_rules"]) {
      await expectStatus(call("PUT", roomDataPath(alice!, ROOM, `account_data/${type}`), { token, body: {} }), 405, "M_BAD_JSON");
    }
    await expectStatus(call("PUT", roomDataPath(alice!, ROOM, "account_data/a.b"), { token, raw: "[" }), 400, "M_NOT_JSON");
  });
});
