// The Synapse-compatible admin API: the admin guard, users, registration tokens and shared-secret registration.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { registrationMac } from "../../../src/api/admin/shared-secret-register";
import { makeAdmin, register, SERVER, testApp, uniqueName } from "./support";

const SECRET = "shared secret for tests";
const call = testApp({ auth: { registrationSharedSecret: SECRET } });

describe("admin guard", () => {
  it("refuses non-admins with 403 M_FORBIDDEN and anonymous callers with 401", async () => {
    const user = await register(call);
    for (const path of ["/_synapse/admin/v2/users/" + user.userId, "/_synapse/admin/v1/registration_tokens"]) {
      const res = await call("GET", path, { token: user.accessToken });
      expect([res.status, res.body["errcode"]], path).toEqual([403, "M_FORBIDDEN"]);
      expect((await call("GET", path)).status).toBe(401);
    }
  });
});

describe("/_synapse/admin/v2/users/{userId}", () => {
  it("creates (201), reads, modifies (200) and deactivates a user", async () => {
    const admin = (await makeAdmin(call, SERVER)).token;
    const userId = `@${uniqueName()}:test.example`;
    const path = `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
    expect((await call("GET", path, { token: admin })).status).toBe(404);
    const created = await call("PUT", path, { token: admin, body: { password: "pw one", admin: false, displayname: "Ignored" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: userId, admin: false, deactivated: false });
    const login = (password: string) =>
      call("POST", "login", { body: { type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password } });
    const session = await login("pw one");
    expect(session.status).toBe(200);
    const changed = await call("PUT", path, { token: admin, body: { password: "pw two", admin: true } });
    expect(changed.status).toBe(200);
    expect(changed.body["admin"]).toBe(true);
    // A password reset logs the user out unless told otherwise.
    expect((await call("GET", "account/whoami", { token: session.body["access_token"] as string })).status).toBe(401);
    expect((await login("pw two")).status).toBe(200);
    const gone = await call("PUT", path, { token: admin, body: { deactivated: true } });
    expect(gone.body["deactivated"]).toBe(true);
    expect((await login("pw two")).status).toBe(403);
    const back = await call("PUT", path, { token: admin, body: { deactivated: false } });
    expect(back.status).toBe(400);
  });

  it("a password reset and a deactivation by an admin remove the user's pushers with their sessions", async () => {
    const admin = (await makeAdmin(call, SERVER)).token;
    const userId = `@${uniqueName()}:test.example`;
    const path = `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
    await call("PUT", path, { token: admin, body: { password: "pw one" } });
    const pushers = () => env.DB.prepare("SELECT COUNT(*) AS n FROM pushers WHERE user_id = ?").bind(userId).first<{ n: number }>();
    const withPusher = async (password: string, pushkey: string) => {
      const session = await call("POST", "login", { body: { type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password } });
      const token = session.body["access_token"] as string;
      const pusher = { kind: "http", app_id: "org.example.app", pushkey, app_display_name: "A", device_display_name: "D", lang: "en", data: { url: "https://push.example.org/_matrix/push/v1/notify" } };
      expect((await call("POST", "pushers/set", { token, body: pusher })).status).toBe(200);
    };
    await withPusher("pw one", "one");
    expect((await pushers())?.n).toBe(1);
    await call("PUT", path, { token: admin, body: { password: "pw two" } });
    expect((await pushers())?.n).toBe(0);
    await withPusher("pw two", "two");
    await call("PUT", path, { token: admin, body: { deactivated: true } });
    expect((await pushers())?.n).toBe(0);
  });

  it("refuses other servers' users, bad localparts, and self-demotion", async () => {
    const admin = (await makeAdmin(call, SERVER)).token;
    const remote = await call("GET", `/_synapse/admin/v2/users/${encodeURIComponent("@a:elsewhere.example")}`, { token: admin });
    expect([remote.status, remote.body["errcode"]]).toEqual([400, "M_INVALID_PARAM"]);
    const upper = await call("PUT", `/_synapse/admin/v2/users/${encodeURIComponent("@Upper:test.example")}`, { token: admin, body: {} });
    expect([upper.status, upper.body["errcode"]]).toEqual([400, "M_INVALID_USERNAME"]);
    const whoami = await call("GET", "account/whoami", { token: admin });
    const self = await call("PUT", `/_synapse/admin/v2/users/${encodeURIComponent(whoami.body["user_id"] as string)}`, {
      token: admin,
      body: { admin: false },
    });
    expect(self.status).toBe(400);
  });
});

describe("/_synapse/admin/v1/registration_tokens", () => {
  it("creates, lists, reads, updates and deletes tokens", async () => {
    const admin = (await makeAdmin(call, SERVER)).token;
    const base = "/_synapse/admin/v1/registration_tokens";
    const name = `tok${uniqueName()}`.slice(0, 60);
    const created = await call("POST", `${base}/new`, { token: admin, body: { token: name, uses_allowed: 2 } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ token: name, uses_allowed: 2, pending: 0, completed: 0, expiry_time: null });
    const generated = await call("POST", `${base}/new`, { token: admin, body: { length: 20 } });
    expect((generated.body["token"] as string).length).toBe(20);
    const dup = await call("POST", `${base}/new`, { token: admin, body: { token: name } });
    expect([dup.status, dup.body["errcode"]]).toEqual([400, "M_INVALID_PARAM"]);
    const bad = await call("POST", `${base}/new`, { token: admin, body: { uses_allowed: -1 } });
    expect([bad.status, bad.body["errcode"]]).toEqual([400, "M_INVALID_PARAM"]);
    const list = await call("GET", `${base}?valid=true`, { token: admin });
    expect((list.body["registration_tokens"] as { token: string }[]).some((t) => t.token === name)).toBe(true);
    expect((await call("GET", `${base}?valid=maybe`, { token: admin })).status).toBe(400);
    const updated = await call("PUT", `${base}/${name}`, { token: admin, body: { uses_allowed: 0 } });
    expect(updated.body["uses_allowed"]).toBe(0);
    const invalid = await call("GET", `${base}?valid=false`, { token: admin });
    expect((invalid.body["registration_tokens"] as { token: string }[]).some((t) => t.token === name)).toBe(true);
    expect((await call("GET", `${base}/${name}`, { token: admin })).body["token"]).toBe(name);
    expect((await call("DELETE", `${base}/${name}`, { token: admin })).status).toBe(200);
    const missing = await call("GET", `${base}/${name}`, { token: admin });
    expect([missing.status, missing.body["errcode"]]).toEqual([404, "M_NOT_FOUND"]);
    expect((await call("DELETE", `${base}/${name}`, { token: admin })).status).toBe(404);
  });
});

describe("/_synapse/admin/v1/register (shared secret)", () => {
  const path = "/_synapse/admin/v1/register";

  it("registers an admin with a nonce and Synapse's HMAC-SHA1", async () => {
    const nonce = (await call("GET", path)).body["nonce"] as string;
    const username = uniqueName("boss");
    const mac = await registrationMac(SECRET, { nonce, username, password: "pw", admin: true });
    const res = await call("POST", path, { body: { nonce, username, password: "pw", admin: true, mac } });
    expect(res.status).toBe(200);
    expect(res.body["user_id"]).toBe(`@${username}:test.example`);
    const tokens = await call("GET", "/_synapse/admin/v1/registration_tokens", { token: res.body["access_token"] as string });
    expect(tokens.status).toBe(200);
    // Replaying the same signed request cannot create anything new.
    const replay = await call("POST", path, { body: { nonce, username, password: "pw", admin: true, mac } });
    expect(replay.body["errcode"]).toBe("M_USER_IN_USE");
  });

  it("refuses a wrong MAC (403), a forged or expired nonce (400), and is off without a secret", async () => {
    const nonce = (await call("GET", path)).body["nonce"] as string;
    const username = uniqueName();
    const mac = await registrationMac(SECRET, { nonce, username, password: "pw", admin: false });
    const wrongAdmin = await call("POST", path, { body: { nonce, username, password: "pw", admin: true, mac } });
    expect([wrongAdmin.status, wrongAdmin.body["errcode"]]).toEqual([403, "M_FORBIDDEN"]);
    const forged = `${Date.now()}.abc.def`;
    const forgedMac = await registrationMac(SECRET, { nonce: forged, username, password: "pw", admin: false });
    expect((await call("POST", path, { body: { nonce: forged, username, password: "pw", mac: forgedMac } })).status).toBe(400);
    const late = testApp({ auth: { registrationSharedSecret: SECRET }, nowMs: Date.now() + 61_000 });
    expect((await late("POST", path, { body: { nonce, username, password: "pw", mac } })).status).toBe(400);
    const off = testApp();
    const disabled = await off("GET", path);
    expect([disabled.status, disabled.body["errcode"]]).toEqual([400, "M_UNKNOWN"]);
  });
});
