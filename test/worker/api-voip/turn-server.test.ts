// GET /voip/turnServer: coturn shared-secret credentials, static ones, nothing configured, and auth.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/api/app";
import type { Env } from "../../../src/platform/env";
import { testServices } from "../../../src/platform/services";
import { register, SERVER, testApp } from "../api-accounts/support";

const T0 = 1_800_000_000_000;
const URIS = "turn:turn.example.com:3478?transport=udp, turns:turn.example.com:443?transport=tcp";

/** GET /voip/turnServer with these settings on top of the test env. */
async function turnServer(vars: Partial<Env>, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const app = createApp({ services: testServices({ config: { serverName: SERVER }, nowMs: T0 }) });
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const res = await app.request("/_matrix/client/v3/voip/turnServer", { headers }, { ...env, ...vars });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** base64(HMAC-SHA1(secret, username)) computed with WebCrypto, independently of the server's code. */
async function expectedPassword(secret: string, username: string): Promise<string> {
  const utf8 = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(username)));
  return btoa(String.fromCharCode(...mac));
}

describe("GET /voip/turnServer", () => {
  const call = testApp();

  it("issues coturn REST credentials from the shared secret that the TURN server can verify", async () => {
    const alice = await register(call);
    const res = await turnServer({ TURN_URIS: URIS, TURN_SHARED_SECRET: "s3cret", TURN_USER_LIFETIME_MS: "3600000" }, alice.accessToken);
    expect(res.status).toBe(200);
    const expiry = (T0 + 3_600_000) / 1000;
    expect(res.body).toEqual({
      username: `${expiry}:${alice.userId}`,
      password: await expectedPassword("s3cret", `${expiry}:${alice.userId}`),
      uris: ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:443?transport=tcp"],
      ttl: 3600,
    });
    expect((res.body["password"] as string).endsWith("=")).toBe(true);
    // Default lifetime: one day; the secret wins over static credentials.
    const daily = await turnServer({ TURN_URIS: URIS, TURN_SHARED_SECRET: "s3cret", TURN_USERNAME: "u", TURN_PASSWORD: "p" }, alice.accessToken);
    expect(daily.body["ttl"]).toBe(86_400);
    expect(daily.body["username"]).toBe(`${(T0 + 86_400_000) / 1000}:${alice.userId}`);
  });

  it("hands out static credentials when there is no shared secret", async () => {
    const alice = await register(call);
    const res = await turnServer({ TURN_URIS: "turn:a.example", TURN_USERNAME: "calls", TURN_PASSWORD: "pw" }, alice.accessToken);
    expect(res).toEqual({ status: 200, body: { username: "calls", password: "pw", uris: ["turn:a.example"], ttl: 86_400 } });
  });

  it("answers {} when TURN is not configured (as Synapse does), and refuses unusable settings", async () => {
    const alice = await register(call);
    expect(await turnServer({ TURN_URIS: "" }, alice.accessToken)).toEqual({ status: 200, body: {} });
    expect(await turnServer({ TURN_URIS: "", TURN_SHARED_SECRET: "s3cret" }, alice.accessToken)).toEqual({ status: 200, body: {} });
    expect(await turnServer({ TURN_URIS: URIS }, alice.accessToken)).toEqual({ status: 200, body: {} });
    for (const vars of [
      { TURN_URIS: "stun:stun.example.com", TURN_SHARED_SECRET: "x" },
      { TURN_URIS: URIS, TURN_SHARED_SECRET: "x", TURN_USER_LIFETIME_MS: "soon" },
      { TURN_URIS: URIS, TURN_USERNAME: "only-name" },
    ]) {
      const res = await turnServer(vars, alice.accessToken);
      expect(res.status).toBe(500);
      expect(res.body["errcode"]).toBe("M_UNKNOWN");
    }
  });

  it("requires an access token", async () => {
    const res = await turnServer({ TURN_URIS: URIS, TURN_SHARED_SECRET: "s3cret" });
    expect(res.status).toBe(401);
    expect(res.body["errcode"]).toBe("M_MISSING_TOKEN");
  });
});
