// GET /user/{userId}/rooms/{roomId}/tags and PUT/DELETE .../tags/{tag}: stored as the room's m.tag account data.
import { describe, expect, it } from "vitest";
import { expectStatus, roomApp, roomDataPath, users } from "./support";

const ROOM = "!tagged:test.example";

describe("room tags", () => {
  const call = roomApp();

  it("adds, lists and removes tags; the tags are the room's m.tag account data", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const tags = roomDataPath(alice!, ROOM, "tags");
    expect((await expectStatus(call("GET", tags, { token }), 200)).body).toEqual({ tags: {} });
    await expectStatus(call("PUT", `${tags}/m.favourite`, { token, body: { order: 0.25 } }), 200);
    await expectStatus(call("PUT", `${tags}/u.Work`, { token, body: {} }), 200);
    expect((await expectStatus(call("GET", tags, { token }), 200)).body).toEqual({ tags: { "m.favourite": { order: 0.25 }, "u.Work": {} } });
    const mTag = await expectStatus(call("GET", roomDataPath(alice!, ROOM, "account_data/m.tag"), { token }), 200);
    expect(mTag.body).toEqual({ tags: { "m.favourite": { order: 0.25 }, "u.Work": {} } });
    // Setting a tag again replaces its info.
    await expectStatus(call("PUT", `${tags}/m.favourite`, { token, body: { order: 1 } }), 200);
    await expectStatus(call("DELETE", `${tags}/u.Work`, { token }), 200);
    // Removing a tag the room does not have is not an error.
    await expectStatus(call("DELETE", `${tags}/u.Never`, { token }), 200);
    expect((await expectStatus(call("GET", tags, { token }), 200)).body).toEqual({ tags: { "m.favourite": { order: 1 } } });
  });

  it("keeps every tag when several are added at the same time", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const tags = roomDataPath(alice!, ROOM, "tags");
    const names = Array.from({ length: 6 }, (_, i) => `u.t${i}`);
    await Promise.all(names.map((name) => expectStatus(call("PUT", `${tags}/${name}`, { token, body: {} }), 200)));
    const listed = await expectStatus(call("GET", tags, { token }), 200);
    expect(Object.keys(listed.body["tags"] as object).sort()).toEqual(names);
  });

  it("refuses an order outside [0, 1] or not a number, a tag name over 255 bytes, a bad room ID and other users", async () => {
    const [alice, bob] = await users(call, 2);
    const token = alice!.accessToken;
    const tags = roomDataPath(alice!, ROOM, "tags");
    for (const order of [1.5, -0.1, "0.5", null]) {
      await expectStatus(call("PUT", `${tags}/u.x`, { token, body: { order } }), 400, "M_INVALID_PARAM");
    }
    await expectStatus(call("PUT", `${tags}/${"é".repeat(128)}`, { token, body: {} }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", `${tags}/${"a".repeat(255)}`, { token, body: {} }), 200);
    await expectStatus(call("PUT", `${tags}/u.x`, { token, raw: "nope" }), 400, "M_NOT_JSON");
    await expectStatus(call("GET", roomDataPath(alice!, "no-room", "tags"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", tags, { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", `${tags}/u.x`, { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    await expectStatus(call("DELETE", `${tags}/u.x`, { token: bob!.accessToken }), 403, "M_FORBIDDEN");
  });
});
