// GET /keys/changes between two tokens, and deleting a device: its keys go and its owner's room-mates hear of it.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { passwordAuth } from "../api-accounts/support";
import { path } from "../api-rooms/support";
import { createRoom, currentToken, expectStatus, keysApp, otks, uploadKeys, users } from "./support";

const call = keysApp();
type Json = Record<string, unknown>;

async function changes(token: string, from: string, to: string): Promise<{ changed: string[]; left: string[] }> {
  const res = await call("GET", `keys/changes?from=${from}&to=${to}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { changed: string[]; left: string[] };
}

describe("GET /keys/changes", () => {
  it("lists room-mates whose keys changed between the tokens, users who joined, and users who left", async () => {
    const [alice, bob, carol, stranger] = await users(call, 4);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    for (const u of [bob!, carol!]) await expectStatus(call("POST", path(roomId, "join"), { token: u.accessToken, body: {} }), 200);
    const from = await currentToken();
    await uploadKeys(call, bob!);
    await uploadKeys(call, stranger!);
    const afterUpload = await currentToken();
    expect(await changes(alice!.accessToken, from, afterUpload)).toEqual({ changed: [bob!.userId], left: [] });
    // Nothing between two equal tokens.
    expect(await changes(alice!.accessToken, afterUpload, afterUpload)).toEqual({ changed: [], left: [] });

    await expectStatus(call("POST", path(roomId, "leave"), { token: carol!.accessToken, body: {} }), 200);
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: stranger!.userId } }), 200);
    await expectStatus(call("POST", path(roomId, "join"), { token: stranger!.accessToken, body: {} }), 200);
    const later = await currentToken();
    expect(await changes(alice!.accessToken, afterUpload, later)).toEqual({ changed: [stranger!.userId], left: [carol!.userId] });
  });

  it("counts renaming a device with keys as a change (queries show its name)", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    await uploadKeys(call, bob!);
    const from = await currentToken();
    await expectStatus(call("PUT", `devices/${bob!.deviceId}`, { token: bob!.accessToken, body: { display_name: "Bob's laptop" } }), 200);
    expect((await changes(alice!.accessToken, from, await currentToken())).changed).toEqual([bob!.userId]);
  });

  it("refuses missing or malformed tokens and callers without a token", async () => {
    const [alice] = await users(call, 1);
    const token = await currentToken();
    await expectStatus(call("GET", `keys/changes?to=${token}`, { token: alice!.accessToken }), 400, "M_MISSING_PARAM");
    await expectStatus(call("GET", `keys/changes?from=${token}&to=bogus`, { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", `keys/changes?from=${token}&to=${token}`), 401, "M_MISSING_TOKEN");
  });
});

describe("deleting a device", () => {
  it("removes its identity, one-time and fallback keys and records a device-list change", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    await uploadKeys(call, bob!, { one_time_keys: otks("G", 2), fallback_keys: { "signed_curve25519:FB": { key: "fb", signatures: {} } } });
    const from = await currentToken();

    const first = await call("DELETE", `devices/${bob!.deviceId}`, { token: bob!.accessToken, body: {} });
    expect(first.status).toBe(401);
    await expectStatus(
      call("DELETE", `devices/${bob!.deviceId}`, { token: bob!.accessToken, body: { auth: passwordAuth(bob!, first.body["session"] as string) } }),
      200,
    );

    const query = await call("POST", "keys/query", { token: alice!.accessToken, body: { device_keys: { [bob!.userId]: [] } } });
    expect(query.body["device_keys"]).toEqual({ [bob!.userId]: {} });
    const claim = await call("POST", "keys/claim", {
      token: alice!.accessToken,
      body: { one_time_keys: { [bob!.userId]: { [bob!.deviceId]: "signed_curve25519" } } },
    });
    expect(claim.body["one_time_keys"]).toEqual({});
    for (const table of ["e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys"]) {
      const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`).bind(bob!.userId).first<{ n: number }>();
      expect(row?.n, table).toBe(0);
    }
    expect((await changes(alice!.accessToken, from, await currentToken())).changed).toEqual([bob!.userId]);
  });
});
