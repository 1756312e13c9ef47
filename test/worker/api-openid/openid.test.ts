// OpenID: POST /user/{userId}/openid/request_token and GET /_matrix/federation/v1/openid/userinfo.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { passwordAuth, register, SERVER, testApp, type Call } from "../api-accounts/support";

const userInfo = (call: Call, token: string) =>
  call("GET", `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token)}`);

async function requestToken(call: Call, user: { userId: string; accessToken: string }) {
  const res = await call("POST", `user/${encodeURIComponent(user.userId)}/openid/request_token`, { token: user.accessToken, body: {} });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("OpenID tokens", () => {
  const call = testApp();

  it("issues a bearer token for the caller that userinfo exchanges for the user ID, without X-Matrix", async () => {
    const user = await register(call);
    const body = await requestToken(call, user);
    expect(body).toMatchObject({ token_type: "Bearer", matrix_server_name: SERVER, expires_in: 3600 });
    const token = body["access_token"] as string;
    expect(typeof token).toBe("string");
    expect(token).not.toBe(user.accessToken);
    const info = await userInfo(call, token);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: user.userId });
  });

  it("stores only a hash of the token", async () => {
    const user = await register(call);
    const token = (await requestToken(call, user))["access_token"] as string;
    const rows = await env.DB.prepare("SELECT token_hash FROM openid_tokens WHERE user_id = ?").bind(user.userId).all<{ token_hash: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]!.token_hash).not.toBe(token);
  });

  it("refuses a token for another user with 403 M_FORBIDDEN", async () => {
    const [alice, bob] = [await register(call), await register(call)];
    const res = await call("POST", `user/${encodeURIComponent(bob.userId)}/openid/request_token`, { token: alice.accessToken, body: {} });
    expect(res.status).toBe(403);
    expect(res.body["errcode"]).toBe("M_FORBIDDEN");
  });

  it("needs an access token", async () => {
    const res = await call("POST", "user/%40x%3Atest.example/openid/request_token", { body: {} });
    expect(res.status).toBe(401);
    expect(res.body["errcode"]).toBe("M_MISSING_TOKEN");
  });

  it("answers unknown tokens with 401 M_UNKNOWN_TOKEN", async () => {
    const res = await userInfo(call, "moi_not-a-token");
    expect(res.status).toBe(401);
    expect(res.body["errcode"]).toBe("M_UNKNOWN_TOKEN");
    expect((await userInfo(call, "")).body["errcode"]).toBe("M_UNKNOWN_TOKEN");
    const missing = await call("GET", "/_matrix/federation/v1/openid/userinfo");
    expect(missing.status).toBe(400);
    expect(missing.body["errcode"]).toBe("M_MISSING_PARAM");
  });

  it("answers an expired token with 401 M_UNKNOWN_TOKEN", async () => {
    const t0 = Date.now();
    const early = testApp({ nowMs: t0 });
    const user = await register(early);
    const token = (await requestToken(early, user))["access_token"] as string;
    expect((await userInfo(testApp({ nowMs: t0 + 3600_000 - 1 }), token)).status).toBe(200);
    const late = await userInfo(testApp({ nowMs: t0 + 3600_000 }), token);
    expect(late.status).toBe(401);
    expect(late.body["errcode"]).toBe("M_UNKNOWN_TOKEN");
  });

  it("an access token is not an OpenID token, nor the other way round", async () => {
    const user = await register(call);
    expect((await userInfo(call, user.accessToken)).status).toBe(401);
    const token = (await requestToken(call, user))["access_token"] as string;
    expect((await call("GET", "account/whoami", { token })).status).toBe(401);
  });

  it("ends with the account: a deactivated user's tokens are unknown", async () => {
    const user = await register(call);
    const token = (await requestToken(call, user))["access_token"] as string;
    const first = await call("POST", "account/deactivate", { token: user.accessToken, body: {} });
    const done = await call("POST", "account/deactivate", {
      token: user.accessToken,
      body: { auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(done.status).toBe(200);
    expect((await userInfo(call, token)).status).toBe(401);
  });
});
