// /login, /refresh, /logout, and the access-token check every authenticated route shares.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { setUserFlags } from "../../../src/accounts/user-store";
import { register, testApp, uniqueName } from "./support";

const login = (user: { username: string }, password: string, extra: Record<string, unknown> = {}) => ({
  type: "m.login.password",
  identifier: { type: "m.id.user", user: user.username },
  password,
  ...extra,
});

describe("GET /login", () => {
  it("lists m.login.password", async () => {
    const res = await testApp()("GET", "login");
    expect(res.body).toEqual({ flows: [{ type: "m.login.password" }] });
  });
});

describe("POST /login", () => {
  const call = testApp();

  it("logs in by localpart, by full user ID and by the legacy user field", async () => {
    const user = await register(call);
    for (const body of [
      login(user, user.password),
      login({ username: user.userId }, user.password),
      { type: "m.login.password", user: user.username.toUpperCase(), password: user.password },
    ]) {
      const res = await call("POST", "login", { body });
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body).toMatchObject({ user_id: user.userId, home_server: "test.example" });
      expect(res.body).not.toHaveProperty("refresh_token");
      expect(res.body).not.toHaveProperty("expires_in_ms");
      const me = await call("GET", "account/whoami", { token: res.body["access_token"] as string });
      expect(me.body["device_id"]).toBe(res.body["device_id"]);
    }
  });

  it("answers a wrong password and an unknown user alike: same 403, same message, similar time", async () => {
    const user = await register(call);
    const time = async (body: unknown) => {
      const start = performance.now();
      const res = await call("POST", "login", { body });
      return { res, ms: performance.now() - start };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    let wrongBody: unknown;
    let unknownBody: unknown;
    for (let i = 0; i < 5; i++) {
      const a = await time(login(user, "wrong password"));
      const b = await time(login({ username: uniqueName("nobody") }, "wrong password"));
      expect(a.res.status).toBe(403);
      expect(b.res.status).toBe(403);
      wrong.push(a.ms);
      unknown.push(b.ms);
      wrongBody = a.res.body;
      unknownBody = b.res.body;
    }
    expect(wrongBody).toEqual({ errcode: "M_FORBIDDEN", error: "Invalid username or password" });
    expect(unknownBody).toEqual(wrongBody);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[2]!;
    // The unknown user pays for a full PBKDF2 run too.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
  });

  it("answers other servers' users and 3PID identifiers with the same 403", async () => {
    const res = await call("POST", "login", { body: login({ username: "@someone:elsewhere.example" }, "x") });
    expect([res.status, res.body["errcode"]]).toEqual([403, "M_FORBIDDEN"]);
    const third = await call("POST", "login", {
      body: { type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "email", address: "a@b.c" }, password: "x" },
    });
    expect([third.status, third.body["errcode"]]).toEqual([403, "M_FORBIDDEN"]);
  });

  it("refuses unknown login types with 400 M_UNKNOWN and bad bodies with M_BAD_JSON / M_NOT_JSON", async () => {
    const token = await call("POST", "login", { body: { type: "m.login.token", token: "abc" } });
    expect([token.status, token.body["errcode"]]).toEqual([400, "M_UNKNOWN"]);
    const noType = await call("POST", "login", { body: { password: "x" } });
    expect([noType.status, noType.body["errcode"]]).toEqual([400, "M_BAD_JSON"]);
    const notJson = await call("POST", "login", { raw: "{nope" });
    expect([notJson.status, notJson.body["errcode"]]).toEqual([400, "M_NOT_JSON"]);
  });

  it("reuses a client-chosen device ID and ends that device's previous token", async () => {
    const user = await register(call);
    const first = await call("POST", "login", { body: login(user, user.password, { device_id: "LAPTOP", initial_device_display_name: "Laptop" }) });
    const second = await call("POST", "login", { body: login(user, user.password, { device_id: "LAPTOP" }) });
    expect(second.body["device_id"]).toBe("LAPTOP");
    const old = await call("GET", "account/whoami", { token: first.body["access_token"] as string });
    expect([old.status, old.body["errcode"]]).toEqual([401, "M_UNKNOWN_TOKEN"]);
    const device = await call("GET", "devices/LAPTOP", { token: second.body["access_token"] as string });
    expect(device.body["display_name"]).toBe("Laptop");
  });

  it("refuses a locked account with 401 M_USER_LOCKED and soft_logout, but lets it log out", async () => {
    const user = await register(call);
    await setUserFlags(env.DB, user.userId, { locked: true });
    const res = await call("POST", "login", { body: login(user, user.password) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errcode: "M_USER_LOCKED", soft_logout: true });
    const other = testApp();
    const me = await other("GET", "account/whoami", { token: user.accessToken });
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ errcode: "M_USER_LOCKED", soft_logout: true });
    expect((await other("POST", "logout", { token: user.accessToken })).status).toBe(200);
  });
});

describe("access tokens", () => {
  const call = testApp();

  it("answers a missing token with 401 M_MISSING_TOKEN", async () => {
    const res = await call("GET", "account/whoami");
    expect([res.status, res.body["errcode"]]).toEqual([401, "M_MISSING_TOKEN"]);
    const basic = await call("GET", "account/whoami", { headers: { Authorization: "Basic abc" } });
    expect(basic.body["errcode"]).toBe("M_MISSING_TOKEN");
  });

  it("answers an unknown token with 401 M_UNKNOWN_TOKEN and soft_logout false", async () => {
    const res = await call("GET", "account/whoami", { token: "mat_nonsense" });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: false });
  });

  it("accepts the deprecated access_token query parameter", async () => {
    const user = await register(call);
    const res = await call("GET", `account/whoami?access_token=${user.accessToken}`);
    expect(res.body["user_id"]).toBe(user.userId);
  });

  it("covers r0 as well as v3", async () => {
    const user = await register(call);
    const res = await call("GET", "/_matrix/client/r0/account/whoami", { token: user.accessToken });
    expect(res.body["user_id"]).toBe(user.userId);
    expect((await call("GET", "/_matrix/client/r0/account/whoami")).body["errcode"]).toBe("M_MISSING_TOKEN");
  });

  it("answers an expired access token with M_UNKNOWN_TOKEN and soft_logout true", async () => {
    const t0 = Date.now();
    const early = testApp({ nowMs: t0 });
    const user = await register(early, { refresh_token: true });
    expect((await early("GET", "account/whoami", { token: user.accessToken })).status).toBe(200);
    const late = testApp({ nowMs: t0 + 5 * 60 * 1000 + 1 });
    const res = await late("GET", "account/whoami", { token: user.accessToken });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });
    // The same app instance (and so its warm cache) still checks expiry against the request clock.
    const sameCache = await late("GET", "account/whoami", { token: user.accessToken });
    expect(sameCache.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });
  });
});

describe("POST /refresh", () => {
  const call = testApp();

  it("rotates: new tokens work, the old access token dies, expires_in_ms is given", async () => {
    const user = await register(call, { refresh_token: true });
    const res = await call("POST", "refresh", { body: { refresh_token: user.refreshToken } });
    expect(res.status).toBe(200);
    expect(res.body["expires_in_ms"]).toBe(300_000);
    const next = res.body["access_token"] as string;
    expect((await call("GET", "account/whoami", { token: next })).status).toBe(200);
    const old = await call("GET", "account/whoami", { token: user.accessToken });
    expect(old.status).toBe(401);
  });

  it("kills the old refresh token once the new one is used, and a reuse revokes the session", async () => {
    const user = await register(call, { refresh_token: true });
    const one = await call("POST", "refresh", { body: { refresh_token: user.refreshToken } });
    const two = await call("POST", "refresh", { body: { refresh_token: one.body["refresh_token"] } });
    expect(two.status).toBe(200);
    const replay = await call("POST", "refresh", { body: { refresh_token: user.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: false });
    // The whole session is gone, including the latest access token.
    const latest = await call("GET", "account/whoami", { token: two.body["access_token"] as string });
    expect(latest.status).toBe(401);
  });

  it("answers an unknown refresh token with 401 M_UNKNOWN_TOKEN", async () => {
    const res = await call("POST", "refresh", { body: { refresh_token: "mrt_nope" } });
    expect(res.status).toBe(401);
    expect(res.body["errcode"]).toBe("M_UNKNOWN_TOKEN");
    expect((await call("POST", "refresh", { body: {} })).body["errcode"]).toBe("M_BAD_JSON");
  });
});

describe("logout", () => {
  const call = testApp();

  it("POST /logout ends the token on the very next request and deletes the device", async () => {
    const user = await register(call);
    const other = await call("POST", "login", { body: login(user, user.password) });
    // Warm the cache, then log out.
    expect((await call("GET", "account/whoami", { token: user.accessToken })).status).toBe(200);
    expect((await call("POST", "logout", { token: user.accessToken })).status).toBe(200);
    const after = await call("GET", "account/whoami", { token: user.accessToken });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: false });
    const devices = await call("GET", "devices", { token: other.body["access_token"] as string });
    expect((devices.body["devices"] as { device_id: string }[]).map((d) => d.device_id)).toEqual([other.body["device_id"]]);
  });

  it("POST /logout/all ends every token of the user", async () => {
    const user = await register(call);
    const other = await call("POST", "login", { body: login(user, user.password) });
    const otherToken = other.body["access_token"] as string;
    expect((await call("GET", "account/whoami", { token: otherToken })).status).toBe(200);
    expect((await call("POST", "logout/all", { token: user.accessToken, raw: "{}" })).status).toBe(200);
    for (const token of [user.accessToken, otherToken]) {
      expect((await call("GET", "account/whoami", { token })).status).toBe(401);
    }
  });
});
