// GET /pushers and POST /pushers/set: create, update, delete, append across users, and every refusal.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { passwordAuth } from "../api-accounts/support";
import { expectStatus, roomApp, users, type Call, type Registered } from "./support";

const GATEWAY = "https://push.example.org/_matrix/push/v1/notify";

const httpPusher = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: "http",
  app_id: "org.example.app.ios",
  pushkey: "APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8",
  app_display_name: "Example",
  device_display_name: "Alice's phone",
  profile_tag: "xyz",
  lang: "en-US",
  data: { url: GATEWAY, format: "event_id_only", default_payload: { aps: { "mutable-content": 1 } } },
  ...overrides,
});

const pushersOf = async (call: Call, user: Registered): Promise<Record<string, unknown>[]> =>
  (await expectStatus(call("GET", "pushers", { token: user.accessToken }), 200)).body["pushers"] as Record<string, unknown>[];

describe("pushers", () => {
  const call = roomApp();

  it("starts empty; set creates a pusher that GET lists with every field, custom data keys included", async () => {
    const [alice] = await users(call, 1);
    expect(await pushersOf(call, alice!)).toEqual([]);
    await expectStatus(call("POST", "pushers/set", { token: alice!.accessToken, body: { ...httpPusher(), append: false } }), 200);
    expect(await pushersOf(call, alice!)).toEqual([httpPusher()]);
  });

  it("setting the same app_id and pushkey again updates it; another pushkey adds one; kind null deletes", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("POST", "pushers/set", { token, body: httpPusher() }), 200);
    await expectStatus(call("POST", "pushers/set", { token, body: httpPusher({ lang: "de", profile_tag: undefined }) }), 200);
    const { profile_tag: _dropped, ...updated } = httpPusher({ lang: "de" });
    expect(await pushersOf(call, alice!)).toEqual([updated]);
    await expectStatus(call("POST", "pushers/set", { token, body: httpPusher({ pushkey: "second" }) }), 200);
    expect((await pushersOf(call, alice!)).map((p) => p["pushkey"])).toEqual([httpPusher()["pushkey"], "second"]);
    // Deleting needs only kind, app_id and pushkey.
    await expectStatus(call("POST", "pushers/set", { token, body: { kind: null, app_id: "org.example.app.ios", pushkey: "second" } }), 200);
    expect((await pushersOf(call, alice!)).map((p) => p["pushkey"])).toEqual([httpPusher()["pushkey"]]);
    // Deleting one that is not there is not an error.
    await expectStatus(call("POST", "pushers/set", { token, body: { kind: null, app_id: "org.example.app.ios", pushkey: "second" } }), 200);
  });

  it("without append another user's pusher with the same app_id and pushkey goes; with append both stay", async () => {
    const [alice, bob] = await users(call, 2);
    const shared = { pushkey: `shared-${alice!.userId}` };
    await expectStatus(call("POST", "pushers/set", { token: alice!.accessToken, body: httpPusher(shared) }), 200);
    await expectStatus(call("POST", "pushers/set", { token: bob!.accessToken, body: httpPusher(shared) }), 200);
    expect(await pushersOf(call, alice!)).toEqual([]);
    expect(await pushersOf(call, bob!)).toHaveLength(1);
    await expectStatus(call("POST", "pushers/set", { token: alice!.accessToken, body: httpPusher({ ...shared, append: true }) }), 200);
    expect(await pushersOf(call, alice!)).toHaveLength(1);
    expect(await pushersOf(call, bob!)).toHaveLength(1);
  });

  it("answers M_MISSING_PARAM for missing fields, naming them", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const { lang: _l, data: _d, ...withoutLangData } = httpPusher();
    const res = await expectStatus(call("POST", "pushers/set", { token, body: withoutLangData }), 400, "M_MISSING_PARAM");
    expect(res.body["error"]).toContain("lang, data");
    await expectStatus(call("POST", "pushers/set", { token, body: { app_id: "a", pushkey: "k" } }), 400, "M_MISSING_PARAM");
    await expectStatus(call("POST", "pushers/set", { token, body: { kind: null, pushkey: "k" } }), 400, "M_MISSING_PARAM");
    await expectStatus(call("POST", "pushers/set", { token, body: httpPusher({ data: { format: "event_id_only" } }) }), 400, "M_MISSING_PARAM");
    expect(await pushersOf(call, alice!)).toEqual([]);
  });

  it("answers M_INVALID_PARAM for bad values and M_BAD_JSON for wrong types", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const refuse = (body: Record<string, unknown>, errcode: string) => expectStatus(call("POST", "pushers/set", { token, body }), 400, errcode);
    await refuse(httpPusher({ data: { url: "http://push.example.org/_matrix/push/v1/notify" } }), "M_INVALID_PARAM");
    await refuse(httpPusher({ data: { url: "https://push.example.org/notify" } }), "M_INVALID_PARAM");
    await refuse(httpPusher({ data: { url: "not a url" } }), "M_INVALID_PARAM");
    await refuse(httpPusher({ kind: "email", app_id: "m.email" }), "M_INVALID_PARAM");
    await refuse(httpPusher({ kind: "carrier-pigeon" }), "M_INVALID_PARAM");
    await refuse(httpPusher({ app_id: "a".repeat(65) }), "M_INVALID_PARAM");
    await refuse(httpPusher({ pushkey: "é".repeat(257) }), "M_INVALID_PARAM");
    await refuse(httpPusher({ kind: 7 }), "M_BAD_JSON");
    await refuse(httpPusher({ lang: 7 }), "M_BAD_JSON");
    await refuse(httpPusher({ data: "x" }), "M_BAD_JSON");
    await refuse(httpPusher({ data: { url: 7 } }), "M_BAD_JSON");
    await refuse(httpPusher({ append: "yes" }), "M_BAD_JSON");
    await expectStatus(call("POST", "pushers/set", { token, raw: "nope" }), 400, "M_NOT_JSON");
    expect(await pushersOf(call, alice!)).toEqual([]);
    await expectStatus(call("GET", "pushers"), 401, "M_MISSING_TOKEN");
  });

  it("accepts plain http only for a loopback push gateway", async () => {
    const [alice] = await users(call, 1);
    const body = httpPusher({ data: { url: "http://localhost:5000/_matrix/push/v1/notify" } });
    await expectStatus(call("POST", "pushers/set", { token: alice!.accessToken, body }), 200);
    expect(await pushersOf(call, alice!)).toHaveLength(1);
  });
});

/** Pushers belong to the session (device) that set them: they go when it is logged out or deleted. */
describe("pushers end with the session that set them", () => {
  const call = roomApp();

  /** Logs `user` in again as device `deviceId` and returns that session's access token. */
  async function login(user: Registered, deviceId: string): Promise<string> {
    const body = { type: "m.login.password", identifier: { type: "m.id.user", user: user.userId }, password: user.password, device_id: deviceId };
    return (await expectStatus(call("POST", "login", { body }), 200)).body["access_token"] as string;
  }

  /** Sets a pusher with `token`, its pushkey naming the session (append: other tests' users keep theirs). */
  const setWith = (token: string, pushkey: string) =>
    expectStatus(call("POST", "pushers/set", { token, body: httpPusher({ pushkey, append: true }) }), 200);

  const pushkeysOf = async (user: Registered): Promise<string[]> => (await pushersOf(call, user)).map((p) => String(p["pushkey"])).sort();

  /** Alice with pushers set from her first session ("main") and two more devices, A and B. */
  async function aliceWithThreeSessions(): Promise<{ alice: Registered; a: string; b: string }> {
    const [alice] = await users(call, 1);
    const a = await login(alice!, "A");
    const b = await login(alice!, "B");
    await setWith(alice!.accessToken, "main");
    await setWith(a, "a");
    await setWith(b, "b");
    expect(await pushkeysOf(alice!)).toEqual(["a", "b", "main"]);
    return { alice: alice!, a, b };
  }

  it("/logout removes the pushers that session set and no others", async () => {
    const { alice, a } = await aliceWithThreeSessions();
    await expectStatus(call("POST", "logout", { token: a, body: {} }), 200);
    expect(await pushkeysOf(alice)).toEqual(["b", "main"]);
  });

  it("/logout/all removes every pusher of the user, and only that user's", async () => {
    const { alice, a } = await aliceWithThreeSessions();
    const [bob] = await users(call, 1);
    await setWith(bob!.accessToken, "bob");
    await expectStatus(call("POST", "logout/all", { token: a, body: {} }), 200);
    const fresh = await login(alice, "C");
    expect(await pushkeysOf({ ...alice, accessToken: fresh })).toEqual([]);
    expect(await pushkeysOf(bob!)).toEqual(["bob"]);
  });

  it("a password change logs the other devices out with their pushers; logout_devices false keeps them", async () => {
    const { alice } = await aliceWithThreeSessions();
    const change = async (body: Record<string, unknown>) => {
      const first = await call("POST", "account/password", { token: alice.accessToken, body });
      expect(first.status).toBe(401);
      const auth = passwordAuth(alice, first.body["session"] as string);
      await expectStatus(call("POST", "account/password", { token: alice.accessToken, body: { ...body, auth } }), 200);
    };
    await change({ new_password: alice.password, logout_devices: false });
    expect(await pushkeysOf(alice)).toEqual(["a", "b", "main"]);
    await change({ new_password: alice.password });
    expect(await pushkeysOf(alice)).toEqual(["main"]);
  });

  it("DELETE /devices/{deviceId} and POST /delete_devices remove the deleted devices' pushers", async () => {
    const { alice } = await aliceWithThreeSessions();
    const first = await call("DELETE", "devices/A", { token: alice.accessToken, body: {} });
    await expectStatus(
      call("DELETE", "devices/A", { token: alice.accessToken, body: { auth: passwordAuth(alice, first.body["session"] as string) } }),
      200,
    );
    expect(await pushkeysOf(alice)).toEqual(["b", "main"]);
    const bulk = await call("POST", "delete_devices", { token: alice.accessToken, body: { devices: ["B", "UNKNOWN"] } });
    await expectStatus(
      call("POST", "delete_devices", {
        token: alice.accessToken,
        body: { devices: ["B", "UNKNOWN"], auth: passwordAuth(alice, bulk.body["session"] as string) },
      }),
      200,
    );
    expect(await pushkeysOf(alice)).toEqual(["main"]);
  });

  it("deactivating the account removes all its pushers", async () => {
    const { alice } = await aliceWithThreeSessions();
    const first = await call("POST", "account/deactivate", { token: alice.accessToken, body: {} });
    await expectStatus(
      call("POST", "account/deactivate", { token: alice.accessToken, body: { auth: passwordAuth(alice, first.body["session"] as string) } }),
      200,
    );
    const db = (env as unknown as { DB: D1Database }).DB;
    const left = await db.prepare("SELECT COUNT(*) AS n FROM pushers WHERE user_id = ?").bind(alice.userId).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
