// whoami, password change and deactivation through m.login.password user-interactive auth.
import { describe, expect, it } from "vitest";
import { passwordAuth, register, testApp } from "./support";

const loginBody = (userId: string, password: string) => ({
  type: "m.login.password",
  identifier: { type: "m.id.user", user: userId },
  password,
});

describe("GET /account/whoami", () => {
  it("names the user and the device", async () => {
    const call = testApp();
    const user = await register(call);
    const me = await call("GET", "account/whoami", { token: user.accessToken });
    expect(me.body).toEqual({ user_id: user.userId, device_id: user.deviceId, is_guest: false });
  });
});

describe("POST /account/password", () => {
  const call = testApp();

  it("asks for the current password, refuses a wrong one with 401 M_FORBIDDEN in the same session", async () => {
    const user = await register(call);
    const body = { new_password: "new secret" };
    const first = await call("POST", "account/password", { token: user.accessToken, body });
    expect(first.status).toBe(401);
    expect(first.body["flows"]).toEqual([{ stages: ["m.login.password"] }]);
    const session = first.body["session"] as string;
    const wrong = await call("POST", "account/password", { token: user.accessToken, body: { ...body, auth: passwordAuth(user, session, "bad") } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: "M_FORBIDDEN", session, flows: [{ stages: ["m.login.password"] }] });
  });

  it("changes the password and logs out the other devices, keeping the caller's", async () => {
    const user = await register(call);
    const other = await call("POST", "login", { body: loginBody(user.userId, user.password) });
    const otherToken = other.body["access_token"] as string;
    expect((await call("GET", "account/whoami", { token: otherToken })).status).toBe(200);
    const body = { new_password: "new secret" };
    const first = await call("POST", "account/password", { token: user.accessToken, body });
    const done = await call("POST", "account/password", {
      token: user.accessToken,
      body: { ...body, auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({});
    expect((await call("GET", "account/whoami", { token: user.accessToken })).status).toBe(200);
    expect((await call("GET", "account/whoami", { token: otherToken })).status).toBe(401);
    expect((await call("POST", "login", { body: loginBody(user.userId, user.password) })).status).toBe(403);
    expect((await call("POST", "login", { body: loginBody(user.userId, "new secret") })).status).toBe(200);
  });

  it("keeps the other devices with logout_devices: false", async () => {
    const user = await register(call);
    const other = await call("POST", "login", { body: loginBody(user.userId, user.password) });
    const body = { new_password: "another", logout_devices: false };
    const first = await call("POST", "account/password", { token: user.accessToken, body });
    await call("POST", "account/password", { token: user.accessToken, body: { ...body, auth: passwordAuth(user, first.body["session"] as string) } });
    expect((await call("GET", "account/whoami", { token: other.body["access_token"] as string })).status).toBe(200);
  });

  it("does not accept another user's password as re-authentication", async () => {
    const user = await register(call);
    const mallory = await register(call);
    const body = { new_password: "x" };
    const first = await call("POST", "account/password", { token: user.accessToken, body });
    const res = await call("POST", "account/password", {
      token: user.accessToken,
      body: { ...body, auth: passwordAuth(mallory, first.body["session"] as string) },
    });
    expect([res.status, res.body["errcode"]]).toEqual([401, "M_FORBIDDEN"]);
  });

  it("needs an access token", async () => {
    const res = await call("POST", "account/password", { body: { new_password: "x" } });
    expect([res.status, res.body["errcode"]]).toEqual([401, "M_MISSING_TOKEN"]);
  });
});

describe("POST /account/deactivate", () => {
  const call = testApp();

  it("deactivates after the password: tokens die, login fails, the name stays taken", async () => {
    const user = await register(call);
    const first = await call("POST", "account/deactivate", { token: user.accessToken, body: {} });
    expect(first.status).toBe(401);
    const done = await call("POST", "account/deactivate", {
      token: user.accessToken,
      body: { auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ id_server_unbind_result: "no-support" });
    expect((await call("GET", "account/whoami", { token: user.accessToken })).status).toBe(401);
    expect((await call("POST", "login", { body: loginBody(user.userId, user.password) })).status).toBe(403);
    const again = await call("GET", `register/available?username=${user.username}`);
    expect(again.body["errcode"]).toBe("M_USER_IN_USE");
  });

});
