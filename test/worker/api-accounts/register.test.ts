// POST /register through user-interactive auth, username rules, policies, tokens, and racing registrations.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createRegistrationToken } from "../../../src/accounts/registration-token-store";
import { register, testApp, uniqueName } from "./support";

describe("POST /register with open registration", () => {
  const call = testApp();

  it("answers a request without auth with 401, the m.login.dummy flow and a session, and no errcode", async () => {
    const res = await call("POST", "register", { body: { username: uniqueName(), password: "pw" } });
    expect(res.status).toBe(401);
    expect(res.body["flows"]).toEqual([{ stages: ["m.login.dummy"] }]);
    expect(typeof res.body["session"]).toBe("string");
    expect(res.body["params"]).toEqual({});
    expect(res.body).not.toHaveProperty("errcode");
  });

  it("completes with m.login.dummy and logs the new user in", async () => {
    const user = await register(call, { initial_device_display_name: "My phone" });
    expect(user.userId).toBe(`@${user.username}:test.example`);
    expect(user.accessToken).toMatch(/^mat_/);
    const device = await call("GET", `devices/${user.deviceId}`, { token: user.accessToken });
    expect(device.body).toMatchObject({ device_id: user.deviceId, display_name: "My phone" });
  });

  it("accepts a first request that already carries m.login.dummy without a session", async () => {
    const res = await call("POST", "register", { body: { username: uniqueName(), password: "pw", auth: { type: "m.login.dummy" } } });
    expect(res.status).toBe(200);
    expect(res.body["access_token"]).toBeTypeOf("string");
  });

  it("uses the client's device_id, and with inhibit_login returns only the user ID", async () => {
    const withDevice = await register(call, { device_id: "MYDEVICE" });
    expect(withDevice.deviceId).toBe("MYDEVICE");
    const name = uniqueName();
    const first = await call("POST", "register", { body: { username: name, password: "pw", inhibit_login: true } });
    const done = await call("POST", "register", {
      body: { username: name, password: "pw", inhibit_login: true, auth: { type: "m.login.dummy", session: first.body["session"] } },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ user_id: `@${name}:test.example`, home_server: "test.example" });
  });

  it("issues a refresh token and expires_in_ms when the client asks", async () => {
    const user = await register(call, { refresh_token: true });
    expect(user.refreshToken).toMatch(/^mrt_/);
  });

  it("generates a username when none is given", async () => {
    const first = await call("POST", "register", { body: { password: "pw" } });
    const done = await call("POST", "register", { body: { password: "pw", auth: { type: "m.login.dummy", session: first.body["session"] } } });
    expect(done.status).toBe(200);
    expect(done.body["user_id"]).toMatch(/^@[a-z0-9]{12}:test\.example$/);
  });

  it("lowercases usernames and refuses a taken one with M_USER_IN_USE before any auth", async () => {
    const name = uniqueName();
    const user = await register(call, { username: name.toUpperCase() });
    expect(user.userId).toBe(`@${name}:test.example`);
    const again = await call("POST", "register", { body: { username: name, password: "pw" } });
    expect(again.status).toBe(400);
    expect(again.body["errcode"]).toBe("M_USER_IN_USE");
  });

  it("refuses usernames outside the grammar with M_INVALID_USERNAME", async () => {
    for (const username of ["has space", "émile", "a:b", "x".repeat(300), ""]) {
      const res = await call("POST", "register", { body: { username, password: "pw" } });
      expect(res.status, username).toBe(400);
      expect(res.body["errcode"], username).toBe("M_INVALID_USERNAME");
    }
  });

  it("refuses guest registration with M_GUEST_ACCESS_FORBIDDEN", async () => {
    const res = await call("POST", "register?kind=guest", { body: {} });
    expect(res.status).toBe(403);
    expect(res.body["errcode"]).toBe("M_GUEST_ACCESS_FORBIDDEN");
  });

  it("refuses to finish a session with a changed request", async () => {
    const first = await call("POST", "register", { body: { username: uniqueName(), password: "pw" } });
    const other = await call("POST", "register", {
      body: { username: uniqueName(), password: "pw", auth: { type: "m.login.dummy", session: first.body["session"] } },
    });
    expect(other.status).toBe(403);
    expect(other.body["errcode"]).toBe("M_FORBIDDEN");
  });

  it("answers an unknown session with 400", async () => {
    const res = await call("POST", "register", { body: { username: uniqueName(), auth: { type: "m.login.dummy", session: "nope" } } });
    expect(res.status).toBe(400);
  });

  it("lets exactly one of two simultaneous registrations of one name succeed", async () => {
    const name = uniqueName();
    const start = async () => {
      const first = await call("POST", "register", { body: { username: name, password: "pw" } });
      return first.body["session"] as string;
    };
    const [a, b] = await Promise.all([start(), start()]);
    const finish = (session: string) =>
      call("POST", "register", { body: { username: name, password: "pw", auth: { type: "m.login.dummy", session } } });
    const results = await Promise.all([finish(a), finish(b)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)?.body["errcode"]).toBe("M_USER_IN_USE");
  });

  it("serves r0 as well as v3", async () => {
    const res = await call("POST", "/_matrix/client/r0/register", { body: { username: uniqueName() } });
    expect(res.status).toBe(401);
  });
});

describe("GET /register/available", () => {
  const call = testApp();

  it("says available, taken, or invalid", async () => {
    const name = uniqueName();
    expect((await call("GET", `register/available?username=${name}`)).body).toEqual({ available: true });
    await register(call, { username: name });
    const taken = await call("GET", `register/available?username=${name}`);
    expect([taken.status, taken.body["errcode"]]).toEqual([400, "M_USER_IN_USE"]);
    const bad = await call("GET", "register/available?username=no%20way");
    expect([bad.status, bad.body["errcode"]]).toEqual([400, "M_INVALID_USERNAME"]);
    const missing = await call("GET", "register/available");
    expect([missing.status, missing.body["errcode"]]).toEqual([400, "M_MISSING_PARAM"]);
  });
});

describe("closed registration", () => {
  const call = testApp({ config: { registration: "closed" } });

  it("answers 403 M_FORBIDDEN, with or without auth", async () => {
    for (const body of [{ username: uniqueName() }, { username: uniqueName(), auth: { type: "m.login.dummy" } }]) {
      const res = await call("POST", "register", { body });
      expect(res.status).toBe(403);
      expect(res.body["errcode"]).toBe("M_FORBIDDEN");
    }
    expect((await call("GET", `register/available?username=${uniqueName()}`)).status).toBe(403);
  });
});

describe("token registration", () => {
  const call = testApp({ config: { registration: "token" } });
  const NOW = Date.now();

  it("offers m.login.registration_token, refuses a bad token with M_UNAUTHORIZED, accepts a good one", async () => {
    const token = await createRegistrationToken(env.DB, { usesAllowed: 1, now: NOW });
    if (!token.ok) throw new Error("token");
    const body = { username: uniqueName(), password: "pw" };
    const first = await call("POST", "register", { body });
    expect(first.body["flows"]).toEqual([{ stages: ["m.login.registration_token"] }]);
    const session = first.body["session"];
    const dummy = await call("POST", "register", { body: { ...body, auth: { type: "m.login.dummy", session } } });
    expect(dummy.status).toBe(401);
    expect(dummy.body["errcode"]).toBe("M_UNAUTHORIZED");
    const wrong = await call("POST", "register", {
      body: { ...body, auth: { type: "m.login.registration_token", token: "nope", session } },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: "M_UNAUTHORIZED", session });
    const good = await call("POST", "register", {
      body: { ...body, auth: { type: "m.login.registration_token", token: token.value.token, session } },
    });
    expect(good.status).toBe(200);
    // One use only: the next registration cannot use it.
    const second = { username: uniqueName(), password: "pw" };
    const again = await call("POST", "register", { body: { ...second, auth: { type: "m.login.registration_token", token: token.value.token } } });
    expect(again.status).toBe(401);
    expect(again.body["errcode"]).toBe("M_UNAUTHORIZED");
  });

  it("answers the validity endpoint (v1)", async () => {
    const token = await createRegistrationToken(env.DB, { now: NOW });
    if (!token.ok) throw new Error("token");
    const valid = await call("GET", `/_matrix/client/v1/register/m.login.registration_token/validity?token=${token.value.token}`);
    expect(valid.body).toEqual({ valid: true });
    const invalid = await call("GET", "/_matrix/client/v1/register/m.login.registration_token/validity?token=unknown");
    expect(invalid.body).toEqual({ valid: false });
    const open = testApp();
    const refused = await open("GET", "/_matrix/client/v1/register/m.login.registration_token/validity?token=x");
    expect([refused.status, refused.body["errcode"]]).toEqual([403, "M_FORBIDDEN"]);
  });
});
