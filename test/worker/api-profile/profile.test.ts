// Profile routes: the localpart default, setting and removing fields, custom fields, and every refusal.
import { describe, expect, it } from "vitest";
import { expectStatus, profilePath, roomApp, setProfile, users } from "./support";

const localpartOf = (userId: string) => userId.slice(1, userId.indexOf(":"));

describe("profile routes", () => {
  const call = roomApp();

  it("gives a new account its localpart as displayname, without an access token", async () => {
    const [alice] = await users(call, 1);
    const all = await expectStatus(call("GET", profilePath(alice!)), 200);
    expect(all.body).toEqual({ displayname: localpartOf(alice!.userId) });
    const name = await expectStatus(call("GET", profilePath(alice!, "displayname")), 200);
    expect(name.body).toEqual({ displayname: localpartOf(alice!.userId) });
    await expectStatus(call("GET", profilePath(alice!, "avatar_url")), 404, "M_NOT_FOUND");
  });

  it("sets displayname and avatar_url, and answers them on every version prefix", async () => {
    const [alice] = await users(call, 1);
    await setProfile(call, alice!, "displayname", "Alice Liddell");
    await setProfile(call, alice!, "avatar_url", "mxc://example.org/SEsfnsuifSDFSSEF");
    expect((await call("GET", profilePath(alice!))).body).toEqual({
      displayname: "Alice Liddell",
      avatar_url: "mxc://example.org/SEsfnsuifSDFSSEF",
    });
    const r0 = await call("GET", `/_matrix/client/r0/${profilePath(alice!, "avatar_url")}`);
    expect(r0.body).toEqual({ avatar_url: "mxc://example.org/SEsfnsuifSDFSSEF" });
  });

  it("removes a standard field by null, by an empty string, or by DELETE", async () => {
    const [alice] = await users(call, 1);
    await setProfile(call, alice!, "avatar_url", "mxc://example.org/abc");
    await setProfile(call, alice!, "avatar_url", "");
    await setProfile(call, alice!, "displayname", null);
    expect((await call("GET", profilePath(alice!))).body).toEqual({});
    await expectStatus(call("GET", profilePath(alice!, "displayname")), 404, "M_NOT_FOUND");
    await setProfile(call, alice!, "displayname", "Back");
    await expectStatus(call("DELETE", profilePath(alice!, "displayname"), { token: alice!.accessToken }), 200);
    expect((await call("GET", profilePath(alice!))).body).toEqual({});
  });

  it("stores custom fields, lists them with the standard ones and deletes them", async () => {
    const [alice] = await users(call, 1);
    await setProfile(call, alice!, "m.tz", "Europe/London");
    await setProfile(call, alice!, "com.example.pets", { cats: 2, names: ["Dinah"] });
    expect((await call("GET", profilePath(alice!))).body).toEqual({
      displayname: localpartOf(alice!.userId),
      "m.tz": "Europe/London",
      "com.example.pets": { cats: 2, names: ["Dinah"] },
    });
    expect((await call("GET", profilePath(alice!, "com.example.pets"))).body).toEqual({ "com.example.pets": { cats: 2, names: ["Dinah"] } });
    await expectStatus(call("DELETE", profilePath(alice!, "com.example.pets"), { token: alice!.accessToken }), 200);
    await expectStatus(call("GET", profilePath(alice!, "com.example.pets")), 404, "M_NOT_FOUND");
    // Deleting what is not there is no error.
    await expectStatus(call("DELETE", profilePath(alice!, "com.example.pets"), { token: alice!.accessToken }), 200);
  });

  it("keeps concurrent edits of different fields", async () => {
    const [alice] = await users(call, 1);
    const keys = Array.from({ length: 8 }, (_, i) => `org.example.k${i}`);
    await Promise.all(keys.map((k) => setProfile(call, alice!, k, k)));
    const profile = (await call("GET", profilePath(alice!))).body;
    for (const k of keys) expect(profile[k]).toBe(k);
  });

  it("refuses changing another user's profile (403) and unauthenticated changes (401)", async () => {
    const [alice, bob] = await users(call, 2);
    await expectStatus(call("PUT", profilePath(bob!, "displayname"), { token: alice!.accessToken, body: { displayname: "x" } }), 403, "M_FORBIDDEN");
    await expectStatus(call("DELETE", profilePath(bob!, "displayname"), { token: alice!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("PUT", profilePath(bob!, "displayname"), { body: { displayname: "x" } }), 401, "M_MISSING_TOKEN");
    expect((await call("GET", profilePath(bob!, "displayname"))).body).toEqual({ displayname: localpartOf(bob!.userId) });
  });

  it("answers 404 for unknown and remote users, 400 for a malformed user ID", async () => {
    const [alice] = await users(call, 1);
    const server = alice!.userId.slice(alice!.userId.indexOf(":") + 1);
    await expectStatus(call("GET", profilePath(`@nobody-here-at-all:${server}`)), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", profilePath(`@nobody-here-at-all:${server}`, "displayname")), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", profilePath("@alice:elsewhere.example")), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", profilePath("alice")), 400, "M_INVALID_PARAM");
  });

  it("refuses bad key names, values and bodies", async () => {
    const [alice] = await users(call, 1);
    const put = (key: string, body: unknown) => call("PUT", profilePath(alice!, key), { token: alice!.accessToken, body });
    await expectStatus(put("avatar_url", { avatar_url: "https://example.org/a.png" }), 400, "M_INVALID_PARAM");
    await expectStatus(put("avatar_url", { avatar_url: "mxc://example.org/../../etc" }), 400, "M_INVALID_PARAM");
    await expectStatus(put("avatar_url", { avatar_url: `mxc://example.org/${"a".repeat(1000)}` }), 400, "M_INVALID_PARAM");
    await expectStatus(put("displayname", { displayname: "x".repeat(257) }), 400, "M_INVALID_PARAM");
    await expectStatus(put("displayname", { displayname: 42 }), 400, "M_BAD_JSON");
    await expectStatus(put("displayname", { avatar_url: "mxc://example.org/abc" }), 400, "M_MISSING_PARAM");
    await expectStatus(put("Displayname", { Displayname: "x" }), 400, "M_INVALID_PARAM");
    await expectStatus(put("nodots", { nodots: "x" }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", profilePath(alice!, "nodots")), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", profilePath(alice!, "displayname"), { token: alice!.accessToken, raw: "{" }), 400, "M_NOT_JSON");
    // The whole profile must stay under 64 KiB.
    await setProfile(call, alice!, "org.example.big", "b".repeat(40_000));
    await expectStatus(put("org.example.big2", { "org.example.big2": "c".repeat(30_000) }), 400, "M_TOO_LARGE");
    expect((await call("GET", profilePath(alice!, "displayname"))).body).toEqual({ displayname: localpartOf(alice!.userId) });
  });
});
