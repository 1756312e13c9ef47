// Refusals of the dehydrated-device routes (MSC3814) and their advertisement in /versions.
import { describe, expect, it } from "vitest";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { DEVICE_PATH, dehydratedBody, dehydratedId, eventsPath } from "./support";

describe("dehydrated device errors", () => {
  const call = roomApp();

  it("is listed in /versions' unstable_features", async () => {
    const res = await call("GET", "/_matrix/client/versions");
    expect((res.body["unstable_features"] as Record<string, boolean>)["org.matrix.msc3814"]).toBe(true);
  });

  it("needs an access token on every route (401)", async () => {
    for (const [method, target] of [
      ["GET", DEVICE_PATH],
      ["PUT", DEVICE_PATH],
      ["DELETE", DEVICE_PATH],
      ["GET", eventsPath("X")],
      ["POST", eventsPath("X")],
    ] as const) {
      const body = method === "GET" ? {} : { body: {} };
      await expectStatus(call(method, target, body), 401, "M_MISSING_TOKEN");
      await expectStatus(call(method, target, { token: "not-a-token", ...body }), 401, "M_UNKNOWN_TOKEN");
    }
  });

  it("is 404 M_NOT_FOUND to GET or DELETE when the user has none", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(call("GET", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
  });

  it("refuses bad PUT bodies with 400, storing nothing", async () => {
    const [alice, bob] = await users(call, 2);
    const id = dehydratedId();
    const good = dehydratedBody(alice!, id);
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    const cases: [string, unknown, string][] = [
      ["not JSON", "{", "M_NOT_JSON"],
      ["not an object", [], "M_BAD_JSON"],
      ["no device_id", without("device_id"), "M_BAD_JSON"],
      ["no device_data", without("device_data"), "M_BAD_JSON"],
      ["device_data without algorithm", { ...good, device_data: { device_pickle: "p" } }, "M_BAD_JSON"],
      ["no device_keys", without("device_keys"), "M_BAD_JSON"],
      ["device_keys of another user", { ...good, device_keys: dehydratedBody(bob!, id)["device_keys"] }, "M_INVALID_PARAM"],
      ["device_keys of another device", { ...good, device_keys: dehydratedBody(alice!, dehydratedId())["device_keys"] }, "M_INVALID_PARAM"],
      ["a malformed one-time key ID", { ...good, one_time_keys: { nocolon: "k" } }, "M_BAD_JSON"],
      ["two fallback keys of one algorithm", { ...good, fallback_keys: { "a:1": "k", "a:2": "l" } }, "M_INVALID_PARAM"],
      ["an empty device_id", { ...good, device_id: "" }, "M_INVALID_PARAM"],
      ["a display name that is not a string", { ...good, initial_device_display_name: 7 }, "M_BAD_JSON"],
    ];
    for (const [name, body, errcode] of cases) {
      const res = await call("PUT", DEVICE_PATH, { token: alice!.accessToken, raw: typeof body === "string" ? body : JSON.stringify(body) });
      expect([res.status, res.body["errcode"]], name).toEqual([400, errcode]);
    }
    await expectStatus(call("GET", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    expect(((await call("GET", "devices", { token: alice!.accessToken })).body["devices"] as unknown[]).length).toBe(1);
  });

  it("answers other methods with 405 M_UNRECOGNIZED", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(call("POST", DEVICE_PATH, { token: alice!.accessToken, body: {} }), 405, "M_UNRECOGNIZED");
    await expectStatus(call("PUT", eventsPath("X"), { token: alice!.accessToken, body: {} }), 405, "M_UNRECOGNIZED");
  });
});
