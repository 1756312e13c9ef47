// POST/GET /room_keys/version and GET/PUT/DELETE /room_keys/version/{version}: creating, reading,
// updating and deleting backups, and every error answer.
import { describe, expect, it } from "vitest";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { ALGORITHM, authData, createBackup, getOk, keyData, keysPath, putKeys } from "./support";

describe("key backup versions", () => {
  const call = roomApp();

  it("no backup yet: GET /room_keys/version is 404 M_NOT_FOUND \"No current backup version\"", async () => {
    const [alice] = await users(call, 1);
    const res = await expectStatus(call("GET", "room_keys/version", { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    expect(res.body["error"]).toBe("No current backup version");
  });

  it("creates versions numbered per user as strings; the newest is current, with count 0 and an etag", async () => {
    const [alice, bob] = await users(call, 2);
    const first = await createBackup(call, alice!, authData("one"));
    expect(first).toBe("1");
    expect(await getOk(call, alice!, "room_keys/version")).toEqual({
      algorithm: ALGORITHM,
      auth_data: authData("one"),
      count: 0,
      etag: expect.any(String),
      version: "1",
    });
    const second = await createBackup(call, alice!, authData("two"));
    expect(second).toBe("2");
    expect((await getOk(call, alice!, "room_keys/version"))["version"]).toBe("2");
    // The older version is still readable by its number.
    expect((await getOk(call, alice!, "room_keys/version/1"))["auth_data"]).toEqual(authData("one"));
    // Bob's numbering is his own.
    expect(await createBackup(call, bob!)).toBe("1");
  });

  it("a user's backups are private: others see neither the current one nor a version by number", async () => {
    const [alice, bob] = await users(call, 2);
    await createBackup(call, alice!);
    await expectStatus(call("GET", "room_keys/version", { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", "room_keys/version/1", { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", "room_keys/version/1", { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    expect((await getOk(call, alice!, "room_keys/version"))["version"]).toBe("1");
  });

  it("every route needs an access token", async () => {
    await expectStatus(call("GET", "room_keys/version"), 401, "M_MISSING_TOKEN");
    await expectStatus(call("POST", "room_keys/version", { body: { algorithm: ALGORITHM, auth_data: {} } }), 401, "M_MISSING_TOKEN");
    await expectStatus(call("GET", "room_keys/version/1"), 401, "M_MISSING_TOKEN");
    await expectStatus(call("PUT", "room_keys/version/1", { body: { algorithm: ALGORITHM, auth_data: {} } }), 401, "M_MISSING_TOKEN");
    await expectStatus(call("DELETE", "room_keys/version/1"), 401, "M_MISSING_TOKEN");
    await expectStatus(call("GET", keysPath("1")), 401, "M_MISSING_TOKEN");
    await expectStatus(call("PUT", keysPath("1"), { body: { rooms: {} } }), 401, "M_MISSING_TOKEN");
    await expectStatus(call("DELETE", keysPath("1", "!r:x", "s")), 401, "M_MISSING_TOKEN");
    await expectStatus(call("GET", "room_keys/version", { token: "not-a-token" }), 401, "M_UNKNOWN_TOKEN");
  });

  it("POST refuses bodies that are not JSON or lack algorithm or auth_data", async () => {
    const [alice] = await users(call, 1);
    const post = (options: { body?: unknown; raw?: string }) => call("POST", "room_keys/version", { token: alice!.accessToken, ...options });
    await expectStatus(post({ raw: "{not json" }), 400, "M_NOT_JSON");
    await expectStatus(post({ body: [1] }), 400, "M_BAD_JSON");
    await expectStatus(post({ body: { auth_data: {} } }), 400, "M_BAD_JSON");
    await expectStatus(post({ body: { algorithm: ALGORITHM } }), 400, "M_BAD_JSON");
    await expectStatus(post({ body: { algorithm: ALGORITHM, auth_data: "x" } }), 400, "M_BAD_JSON");
    await expectStatus(post({ body: { algorithm: 7, auth_data: {} } }), 400, "M_BAD_JSON");
    await expectStatus(call("GET", "room_keys/version", { token: alice!.accessToken }), 404, "M_NOT_FOUND");
  });

  it("PUT replaces auth_data only; the algorithm and a body version must match, the version must exist", async () => {
    const [alice] = await users(call, 1);
    const version = await createBackup(call, alice!, authData("old"));
    const put = (path: string, body: unknown) => call("PUT", `room_keys/version/${path}`, { token: alice!.accessToken, body });
    const updated = await expectStatus(put(version, { algorithm: ALGORITHM, auth_data: authData("new"), version }), 200);
    expect(updated.body).toEqual({});
    await expectStatus(put(version, { algorithm: ALGORITHM, auth_data: authData("newer") }), 200);
    const info = await getOk(call, alice!, `room_keys/version/${version}`);
    expect(info["auth_data"]).toEqual(authData("newer"));
    expect(info["algorithm"]).toBe(ALGORITHM);

    const mismatch = await expectStatus(put(version, { algorithm: "m.other", auth_data: {} }), 400, "M_INVALID_PARAM");
    expect(mismatch.body["error"]).toBe("Algorithm does not match");
    await expectStatus(put(version, { algorithm: ALGORITHM, auth_data: {}, version: "99" }), 400, "M_INVALID_PARAM");
    await expectStatus(put(version, { algorithm: ALGORITHM, auth_data: {}, version: 1 }), 400, "M_BAD_JSON");
    await expectStatus(put(version, { algorithm: ALGORITHM }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", `room_keys/version/${version}`, { token: alice!.accessToken, raw: "nope" }), 400, "M_NOT_JSON");
    await expectStatus(put("99", { algorithm: ALGORITHM, auth_data: {} }), 404, "M_NOT_FOUND");
    await expectStatus(put("abc", { algorithm: ALGORITHM, auth_data: {} }), 404, "M_NOT_FOUND");
    expect((await getOk(call, alice!, `room_keys/version/${version}`))["auth_data"]).toEqual(authData("newer"));
  });

  it("GET of an unknown or malformed version is 404 \"Unknown backup version\"", async () => {
    const [alice] = await users(call, 1);
    await createBackup(call, alice!);
    for (const v of ["2", "0", "01", "abc"]) {
      const res = await expectStatus(call("GET", `room_keys/version/${v}`, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
      expect(res.body["error"]).toBe("Unknown backup version");
    }
  });

  it("DELETE marks the version deleted and removes its keys; again is 200; a version never had is 404", async () => {
    const [alice] = await users(call, 1);
    const v1 = await createBackup(call, alice!);
    const v2 = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v2, "!room:x", "s1"), keyData(false, 0, 0));
    expect((await getOk(call, alice!, "room_keys/version"))["count"]).toBe(1);

    expect((await expectStatus(call("DELETE", `room_keys/version/${v2}`, { token: alice!.accessToken }), 200)).body).toEqual({});
    await expectStatus(call("GET", `room_keys/version/${v2}`, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", keysPath(v2), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    // The previous version is current again; writes to the deleted one are refused with it named.
    expect((await getOk(call, alice!, "room_keys/version"))["version"]).toBe(v1);
    const wrong = await expectStatus(
      call("PUT", keysPath(v2, "!room:x", "s1"), { token: alice!.accessToken, body: keyData(false, 0, 0) }),
      403,
      "M_WRONG_ROOM_KEYS_VERSION",
    );
    expect(wrong.body["current_version"]).toBe(v1);

    await expectStatus(call("DELETE", `room_keys/version/${v2}`, { token: alice!.accessToken }), 200);
    await expectStatus(call("DELETE", "room_keys/version/7", { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", "room_keys/version/x", { token: alice!.accessToken }), 404, "M_NOT_FOUND");

    await expectStatus(call("DELETE", `room_keys/version/${v1}`, { token: alice!.accessToken }), 200);
    await expectStatus(call("GET", "room_keys/version", { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    // Version numbers are never reused.
    expect(await createBackup(call, alice!)).toBe("3");
  });

  it("is served under r0 too", async () => {
    const [alice] = await users(call, 1);
    await createBackup(call, alice!);
    const res = await call("GET", "/_matrix/client/r0/room_keys/version", { token: alice!.accessToken });
    expect(res.status).toBe(200);
    expect(res.body["version"]).toBe("1");
  });
});
