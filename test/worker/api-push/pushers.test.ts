// GET /pushers and POST /pushers/set: create, update, delete, append across users, and every refusal.
import { describe, expect, it } from "vitest";
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
