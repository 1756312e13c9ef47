// PUT/GET/DELETE /room_keys/keys[/{roomId}[/{sessionId}]]: storing, reading and deleting keys at each
// level, the spec's replacement rule, etag and count, and every error answer.
import { describe, expect, it } from "vitest";
import { expectStatus, type Registered, roomApp, users } from "../api-rooms/support";
import { createBackup, getOk, type Json, keyData, keysPath, putKeys } from "./support";

const ROOM_A = "!roomA:example.org";
const ROOM_B = "!roomB";
// Megolm session IDs are unpadded standard base64: `/` and `+` must survive the path.
const SESSION_SLASH = "ab/cd+ef/gh";

describe("key backup keys", () => {
  const call = roomApp();
  const versionInfo = (user: Registered) => getOk(call, user, "room_keys/version");

  it("stores keys at all three levels and reads them back at all three levels", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const all = await putKeys(call, alice!, keysPath(v), {
      rooms: { [ROOM_A]: { sessions: { s1: keyData(false, 1, 0, "a1"), s2: keyData(true, 0, 0, "a2") } } },
    });
    expect(all.count).toBe(2);
    const room = await putKeys(call, alice!, keysPath(v, ROOM_B), { sessions: { s3: keyData(false, 0, 1, "b3") } });
    expect(room.count).toBe(3);
    const one = await putKeys(call, alice!, keysPath(v, ROOM_B, SESSION_SLASH), keyData(false, 4, 0, "slash"));
    expect(one.count).toBe(4);

    expect(await getOk(call, alice!, keysPath(v))).toEqual({
      rooms: {
        [ROOM_A]: { sessions: { s1: keyData(false, 1, 0, "a1"), s2: keyData(true, 0, 0, "a2") } },
        [ROOM_B]: { sessions: { s3: keyData(false, 0, 1, "b3"), [SESSION_SLASH]: keyData(false, 4, 0, "slash") } },
      },
    });
    expect(await getOk(call, alice!, keysPath(v, ROOM_A))).toEqual({
      sessions: { s1: keyData(false, 1, 0, "a1"), s2: keyData(true, 0, 0, "a2") },
    });
    expect(await getOk(call, alice!, keysPath(v, ROOM_B, SESSION_SLASH))).toEqual(keyData(false, 4, 0, "slash"));
    const info = await versionInfo(alice!);
    expect(info["count"]).toBe(4);
    expect(info["etag"]).toBe(one.etag);
  });

  it("answers empty maps for an empty backup or room, 404 \"Key not found\" for a missing session", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    expect(await getOk(call, alice!, keysPath(v))).toEqual({ rooms: {} });
    expect(await getOk(call, alice!, keysPath(v, ROOM_A))).toEqual({ sessions: {} });
    const res = await expectStatus(call("GET", keysPath(v, ROOM_A, "nope"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    expect(res.body["error"]).toBe("Key not found");
  });

  it("keeps the better key of a session by the spec's rule, and only a change moves the etag", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const path = keysPath(v, ROOM_A, "s");
    const stored = () => getOk(call, alice!, path);

    let last = await putKeys(call, alice!, path, keyData(false, 10, 5, "start"));
    const expectKept = async (upload: Json, kept: Json) => {
      const answer = await putKeys(call, alice!, path, upload);
      expect(await stored()).toEqual(kept);
      expect(answer.count).toBe(1);
      if (upload === kept) expect(answer.etag).not.toBe(last.etag);
      else expect(answer.etag).toBe(last.etag);
      last = answer;
    };
    // Same is_verified: a lower first_message_index wins whatever forwarded_count.
    const lowerIndex = keyData(false, 3, 9, "lower-index");
    await expectKept(lowerIndex, lowerIndex);
    await expectKept(keyData(false, 4, 0, "higher-index"), lowerIndex);
    // Equal index: a lower forwarded_count wins, a higher one or an equal one does not.
    const fewerForwards = keyData(false, 3, 2, "fewer-forwards");
    await expectKept(fewerForwards, fewerForwards);
    await expectKept(keyData(false, 3, 7, "more-forwards"), fewerForwards);
    await expectKept(keyData(false, 3, 2, "same-fields"), fewerForwards);
    // A verified key beats any unverified one, and is never replaced by an unverified one.
    const verified = keyData(true, 50, 50, "verified");
    await expectKept(verified, verified);
    await expectKept(keyData(false, 0, 0, "unverified-best"), verified);
    const verifiedBetter = keyData(true, 0, 50, "verified-better");
    await expectKept(verifiedBetter, verifiedBetter);
  });

  it("applies the rule per session within one bulk upload", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v), { rooms: { [ROOM_A]: { sessions: { s1: keyData(false, 5, 0, "old1"), s2: keyData(false, 5, 0, "old2") } } } });
    const answer = await putKeys(call, alice!, keysPath(v), {
      rooms: { [ROOM_A]: { sessions: { s1: keyData(false, 1, 0, "new1"), s2: keyData(false, 9, 0, "new2"), s3: keyData(false, 0, 0, "new3") } } },
    });
    expect(answer.count).toBe(3);
    expect(await getOk(call, alice!, keysPath(v, ROOM_A))).toEqual({
      sessions: { s1: keyData(false, 1, 0, "new1"), s2: keyData(false, 5, 0, "old2"), s3: keyData(false, 0, 0, "new3") },
    });
  });

  it("two racing uploads of one session end with the better key whatever their order", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const path = keysPath(v, ROOM_A, "race");
    const good = keyData(false, 2, 0, "good");
    const best = keyData(true, 2, 0, "best");
    await Promise.all([putKeys(call, alice!, path, good), putKeys(call, alice!, path, best), putKeys(call, alice!, path, good)]);
    expect(await getOk(call, alice!, path)).toEqual(best);
  });

  it("DELETE at each level removes those keys and answers the new etag and count", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const put = await putKeys(call, alice!, keysPath(v), {
      rooms: {
        [ROOM_A]: { sessions: { s1: keyData(false, 0, 0), s2: keyData(false, 0, 0) } },
        [ROOM_B]: { sessions: { s3: keyData(false, 0, 0), s4: keyData(false, 0, 0) } },
      },
    });
    const del = (path: string) => expectStatus(call("DELETE", path, { token: alice!.accessToken }), 200);

    const one = await del(keysPath(v, ROOM_A, "s1"));
    expect(one.body).toEqual({ etag: expect.any(String), count: 3 });
    expect(one.body["etag"]).not.toBe(put.etag);
    await expectStatus(call("GET", keysPath(v, ROOM_A, "s1"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    // Deleting what is not there changes nothing.
    expect((await del(keysPath(v, ROOM_A, "s1"))).body).toEqual(one.body);

    const room = await del(keysPath(v, ROOM_B));
    expect(room.body["count"]).toBe(1);
    expect(await getOk(call, alice!, keysPath(v, ROOM_B))).toEqual({ sessions: {} });

    const all = await del(keysPath(v));
    expect(all.body["count"]).toBe(0);
    expect(await getOk(call, alice!, keysPath(v))).toEqual({ rooms: {} });
    const info = await getOk(call, alice!, "room_keys/version");
    expect(info["count"]).toBe(0);
    expect(info["etag"]).toBe(all.body["etag"]);
  });

  it("the version parameter is required: 400 M_MISSING_PARAM on every key route", async () => {
    const [alice] = await users(call, 1);
    await createBackup(call, alice!);
    for (const path of [keysPath(undefined), keysPath(undefined, ROOM_A), keysPath(undefined, ROOM_A, "s")]) {
      await expectStatus(call("GET", path, { token: alice!.accessToken }), 400, "M_MISSING_PARAM");
      await expectStatus(call("DELETE", path, { token: alice!.accessToken }), 400, "M_MISSING_PARAM");
    }
    await expectStatus(call("PUT", keysPath(undefined), { token: alice!.accessToken, body: { rooms: {} } }), 400, "M_MISSING_PARAM");
    await expectStatus(call("PUT", keysPath(undefined, ROOM_A), { token: alice!.accessToken, body: { sessions: {} } }), 400, "M_MISSING_PARAM");
    await expectStatus(call("PUT", keysPath(undefined, ROOM_A, "s"), { token: alice!.accessToken, body: keyData(false, 0, 0) }), 400, "M_MISSING_PARAM");
  });

  it("writes only go to the current version: 403 M_WRONG_ROOM_KEYS_VERSION with current_version; no backup is 404", async () => {
    const [alice] = await users(call, 1);
    const put = (version: string) => call("PUT", keysPath(version, ROOM_A, "s"), { token: alice!.accessToken, body: keyData(false, 0, 0) });
    const none = await expectStatus(put("1"), 404, "M_NOT_FOUND");
    expect(none.body["error"]).toBe("Unknown backup version");
    const v1 = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v1, ROOM_A, "s"), keyData(false, 0, 0, "in-v1"));
    const v2 = await createBackup(call, alice!);
    for (const version of [v1, "99", "abc"]) {
      const wrong = await expectStatus(put(version), 403, "M_WRONG_ROOM_KEYS_VERSION");
      expect(wrong.body["current_version"]).toBe(v2);
    }
    const wrongBulk = await expectStatus(
      call("PUT", keysPath(v1), { token: alice!.accessToken, body: { rooms: {} } }),
      403,
      "M_WRONG_ROOM_KEYS_VERSION",
    );
    expect(wrongBulk.body["current_version"]).toBe(v2);
    // The old version's keys are still readable (and deletable); nothing was written to it.
    expect(await getOk(call, alice!, keysPath(v1, ROOM_A, "s"))).toEqual(keyData(false, 0, 0, "in-v1"));
    expect(await getOk(call, alice!, keysPath(v2))).toEqual({ rooms: {} });
    expect((await getOk(call, alice!, `room_keys/version/${v1}`))["count"]).toBe(1);
  });

  it("reading or deleting keys of an unknown version is 404 \"Unknown backup version\"", async () => {
    const [alice] = await users(call, 1);
    await createBackup(call, alice!);
    for (const method of ["GET", "DELETE"]) {
      for (const path of [keysPath("5"), keysPath("zz", ROOM_A), keysPath("5", ROOM_A, "s")]) {
        const res = await expectStatus(call(method, path, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
        expect(res.body["error"]).toBe("Unknown backup version");
      }
    }
  });

  it("refuses malformed key bodies and paths without storing anything", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const put = (path: string, options: { body?: unknown; raw?: string }) => call("PUT", path, { token: alice!.accessToken, ...options });
    await expectStatus(put(keysPath(v), { raw: "{" }), 400, "M_NOT_JSON");
    await expectStatus(put(keysPath(v), { body: {} }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v), { body: { rooms: { "not-a-room": { sessions: {} } } } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v), { body: { rooms: { [ROOM_A]: { sessions: { ok: keyData(false, 0, 0), bad: { ...keyData(false, 0, 0), forwarded_count: -1 } } } } } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v, ROOM_A), { body: { rooms: {} } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v, ROOM_A, "s"), { body: { ...keyData(false, 0, 0), is_verified: "yes" } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v, ROOM_A, "s"), { body: { ...keyData(false, 0, 0), first_message_index: 0.5 } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v, ROOM_A, "s"), { body: { first_message_index: 0, forwarded_count: 0, is_verified: false } }), 400, "M_BAD_JSON");
    await expectStatus(put(keysPath(v, "not-a-room", "s"), { body: keyData(false, 0, 0) }), 400, "M_INVALID_PARAM");
    await expectStatus(put(keysPath(v, "not-a-room"), { body: { sessions: {} } }), 400, "M_INVALID_PARAM");
    expect(await getOk(call, alice!, keysPath(v))).toEqual({ rooms: {} });
    expect((await getOk(call, alice!, "room_keys/version"))["count"]).toBe(0);
  });

  it("a user's keys are private: another user's version numbers reach only their own backup", async () => {
    const [alice, bob] = await users(call, 2);
    const v = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v, ROOM_A, "secret"), keyData(true, 0, 0, "alice"));
    await expectStatus(call("GET", keysPath(v), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", keysPath(v, ROOM_A, "secret"), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", keysPath(v), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", keysPath(v, ROOM_A, "secret"), { token: bob!.accessToken, body: keyData(true, 0, 0, "bob") }), 404, "M_NOT_FOUND");
    // Bob's own backup of the same number is separate.
    const bobV = await createBackup(call, bob!);
    expect(bobV).toBe(v);
    await putKeys(call, bob!, keysPath(bobV, ROOM_A, "secret"), keyData(false, 9, 9, "bob"));
    expect(await getOk(call, alice!, keysPath(v, ROOM_A, "secret"))).toEqual(keyData(true, 0, 0, "alice"));
    expect(await getOk(call, bob!, keysPath(bobV, ROOM_A, "secret"))).toEqual(keyData(false, 9, 9, "bob"));
  });
});
