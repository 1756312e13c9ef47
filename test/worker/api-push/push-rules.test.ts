// /pushrules routes: the merged default ruleset, user rule edits and ordering, enabled/actions, refusals, m.push_rules account data.
import { describe, expect, it } from "vitest";
import { expectStatus, ids, roomApp, rulePath, ruleset, users } from "./support";

describe("reading push rules", () => {
  const call = roomApp();

  it("GET /pushrules/ gives the spec defaults for this user under global; /pushrules/global/ the ruleset itself", async () => {
    const [alice] = await users(call, 1);
    const global = await ruleset(call, alice!);
    expect(global.override[0]).toMatchObject({ rule_id: ".m.rule.master", default: true, enabled: false, actions: [], conditions: [] });
    const invite = global.override.find((r) => r.rule_id === ".m.rule.invite_for_me");
    expect(invite?.conditions).toContainEqual({ kind: "event_match", key: "state_key", pattern: alice!.userId });
    expect(ids(global.underride)).toEqual([
      ".m.rule.call",
      ".m.rule.encrypted_room_one_to_one",
      ".m.rule.room_one_to_one",
      ".m.rule.message",
      ".m.rule.encrypted",
    ]);
    expect(global.content).toEqual([]);
    expect(global.room).toEqual([]);
    expect(global.sender).toEqual([]);
    const scoped = await expectStatus(call("GET", "pushrules/global/", { token: alice!.accessToken }), 200);
    expect(scoped.body).toEqual(global);
    // Both spellings of the collection paths.
    expect((await expectStatus(call("GET", "pushrules", { token: alice!.accessToken }), 200)).body["global"]).toEqual(global);
    expect((await expectStatus(call("GET", "pushrules/global", { token: alice!.accessToken }), 200)).body).toEqual(global);
  });

  it("GET of one default rule, its enabled flag and its actions", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const rule = await expectStatus(call("GET", rulePath("underride", ".m.rule.message"), { token }), 200);
    expect(rule.body).toEqual({
      rule_id: ".m.rule.message",
      default: true,
      enabled: true,
      conditions: [{ kind: "event_match", key: "type", pattern: "m.room.message" }],
      actions: ["notify"],
    });
    expect((await expectStatus(call("GET", rulePath("override", ".m.rule.master", "enabled"), { token }), 200)).body).toEqual({ enabled: false });
    expect((await expectStatus(call("GET", rulePath("override", ".m.rule.is_user_mention", "actions"), { token }), 200)).body).toEqual({
      actions: ["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }],
    });
  });

  it("answers 404 M_NOT_FOUND for unknown rules, 400 for unknown kinds and scopes, 401 without a token", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("GET", rulePath("override", "nope"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", rulePath("override", "nope", "enabled"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", rulePath("override", "nope", "actions"), { token }), 404, "M_NOT_FOUND");
    // A default rule of another kind is not there either.
    await expectStatus(call("GET", rulePath("underride", ".m.rule.master"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", rulePath("sideways", "x"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "pushrules/device/", { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "pushrules/device/override/x", { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", "pushrules/device/override/x", { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "pushrules/"), 401, "M_MISSING_TOKEN");
  });
});

describe("editing push rules", () => {
  const call = roomApp();

  it("PUT creates an enabled user rule; overrides go after .m.rule.master and before the other defaults", async () => {
    const [alice, bob] = await users(call, 2);
    const token = alice!.accessToken;
    const conditions = [
      { kind: "event_match", key: "content.body", pattern: "beer" },
      { kind: "room_member_count", is: "<=10" },
    ];
    await expectStatus(
      call("PUT", rulePath("override", "beer"), { token, body: { conditions, actions: ["notify", { set_tweak: "sound", value: "beeroclock.wav" }] } }),
      200,
    );
    expect((await expectStatus(call("GET", rulePath("override", "beer"), { token }), 200)).body).toEqual({
      rule_id: "beer",
      default: false,
      enabled: true,
      conditions,
      actions: ["notify", { set_tweak: "sound", value: "beeroclock.wav" }],
    });
    expect(ids((await ruleset(call, alice!)).override).slice(0, 3)).toEqual([".m.rule.master", "beer", ".m.rule.suppress_notices"]);
    // Rules are per user.
    expect(ids((await ruleset(call, bob!)).override)).not.toContain("beer");
  });

  it("content, room and sender rules; legacy actions are stripped", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", rulePath("content", "cake"), { token, body: { pattern: "cake", actions: ["notify", "coalesce"] } }), 200);
    await expectStatus(call("PUT", rulePath("room", "!dj234r78wl45Gh4D:matrix.org"), { token, body: { actions: ["dont_notify"] } }), 200);
    await expectStatus(call("PUT", rulePath("sender", "@spambot:matrix.org"), { token, body: { actions: [] } }), 200);
    const global = await ruleset(call, alice!);
    expect(global.content).toEqual([{ rule_id: "cake", default: false, enabled: true, pattern: "cake", actions: ["notify"] }]);
    expect(global.room).toEqual([{ rule_id: "!dj234r78wl45Gh4D:matrix.org", default: false, enabled: true, actions: [] }]);
    expect(ids(global.sender)).toEqual(["@spambot:matrix.org"]);
  });

  it("orders with before and after; a new rule without them goes first; an update keeps its place and enabled flag", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const put = (id: string, query = "", pattern = id) =>
      call("PUT", `${rulePath("content", id)}${query}`, { token, body: { pattern, actions: ["notify"] } });
    await expectStatus(put("a"), 200);
    await expectStatus(put("b"), 200);
    expect(ids((await ruleset(call, alice!)).content)).toEqual(["b", "a"]);
    await expectStatus(put("c", "?after=a"), 200);
    await expectStatus(put("d", "?before=a"), 200);
    expect(ids((await ruleset(call, alice!)).content)).toEqual(["b", "d", "a", "c"]);
    // Both given: before wins.
    await expectStatus(put("e", "?before=b&after=c"), 200);
    expect(ids((await ruleset(call, alice!)).content)).toEqual(["e", "b", "d", "a", "c"]);
    await expectStatus(call("PUT", rulePath("content", "a", "enabled"), { token, body: { enabled: false } }), 200);
    await expectStatus(put("a", "", "changed"), 200);
    const content = (await ruleset(call, alice!)).content;
    expect(ids(content)).toEqual(["e", "b", "d", "a", "c"]);
    expect(content[3]).toMatchObject({ rule_id: "a", enabled: false, pattern: "changed" });
    // Moving an existing rule.
    await expectStatus(put("a", "?before=e", "changed"), 200);
    expect(ids((await ruleset(call, alice!)).content)).toEqual(["a", "e", "b", "d", "c"]);
  });

  it("refuses bad rule ids, bodies and anchors with 400 and changes nothing", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const before = await ruleset(call, alice!);
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master"), { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", rulePath("override", ".mine"), { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", rulePath("override", "a\\b"), { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", rulePath("override", "a/b"), { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", rulePath("sideways", "x"), { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, body: { actions: "notify" } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, body: { actions: ["explode"] } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, body: { actions: [], conditions: [{ kind: "event_match" }] } }), 400, "M_BAD_JSON");
    await expectStatus(
      call("PUT", rulePath("override", "x"), { token, body: { actions: [], conditions: [{ kind: "room_member_count", is: "lots" }] } }),
      400,
      "M_BAD_JSON",
    );
    await expectStatus(call("PUT", rulePath("content", "x"), { token, body: { actions: [] } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, raw: "{not json" }), 400, "M_NOT_JSON");
    await expectStatus(call("PUT", rulePath("override", "x"), { token, body: [] }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", `${rulePath("override", "x")}?before=nosuch`, { token, body: { actions: [] } }), 400, "M_INVALID_PARAM");
    await expectStatus(
      call("PUT", `${rulePath("override", "x")}?after=.m.rule.suppress_notices`, { token, body: { actions: [] } }),
      400,
      "M_INVALID_PARAM",
    );
    expect(await ruleset(call, alice!)).toEqual(before);
  });

  it("keeps unknown condition kinds as stored (they never match)", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const conditions = [{ kind: "org.example.future", anything: [1, 2] }];
    await expectStatus(call("PUT", rulePath("underride", "future"), { token, body: { conditions, actions: ["notify"] } }), 200);
    expect((await expectStatus(call("GET", rulePath("underride", "future"), { token }), 200)).body["conditions"]).toEqual(conditions);
  });

  it("DELETE removes a user rule; unknown rules are 404; server defaults cannot be deleted", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", rulePath("sender", "@x:example.org"), { token, body: { actions: [] } }), 200);
    await expectStatus(call("DELETE", rulePath("sender", "@x:example.org"), { token }), 200);
    await expectStatus(call("GET", rulePath("sender", "@x:example.org"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", rulePath("sender", "@x:example.org"), { token }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", rulePath("override", ".m.rule.master"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("DELETE", rulePath("sideways", "x"), { token }), 400, "M_INVALID_PARAM");
  });

  it("PUT enabled and actions work on defaults and user rules alike; bad bodies are M_BAD_JSON; unknown rules 404", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "enabled"), { token, body: { enabled: true } }), 200);
    expect((await expectStatus(call("GET", rulePath("override", ".m.rule.master", "enabled"), { token }), 200)).body).toEqual({ enabled: true });
    await expectStatus(
      call("PUT", rulePath("underride", ".m.rule.message", "actions"), { token, body: { actions: ["notify", { set_tweak: "sound", value: "ping" }] } }),
      200,
    );
    const global = await ruleset(call, alice!);
    expect(global.override[0]).toMatchObject({ rule_id: ".m.rule.master", enabled: true, default: true });
    expect(global.underride.find((r) => r.rule_id === ".m.rule.message")?.actions).toEqual(["notify", { set_tweak: "sound", value: "ping" }]);

    await expectStatus(call("PUT", rulePath("room", "!r:example.org"), { token, body: { actions: ["notify"] } }), 200);
    await expectStatus(call("PUT", rulePath("room", "!r:example.org", "actions"), { token, body: { actions: [] } }), 200);
    await expectStatus(call("PUT", rulePath("room", "!r:example.org", "enabled"), { token, body: { enabled: false } }), 200);
    expect((await expectStatus(call("GET", rulePath("room", "!r:example.org"), { token }), 200)).body).toEqual({
      rule_id: "!r:example.org",
      default: false,
      enabled: false,
      actions: [],
    });

    await expectStatus(call("PUT", rulePath("override", "nope", "enabled"), { token, body: { enabled: true } }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", rulePath("override", "nope", "actions"), { token, body: { actions: [] } }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "enabled"), { token, body: { enabled: "yes" } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "enabled"), { token, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "actions"), { token, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "actions"), { token, body: { actions: [7] } }), 400, "M_BAD_JSON");
  });
});

describe("m.push_rules account data", () => {
  const call = roomApp();

  it("every change is written as global m.push_rules account data and reaches /sync", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const accountData = `user/${encodeURIComponent(alice!.userId)}/account_data/m.push_rules`;
    await expectStatus(call("PUT", rulePath("content", "tea"), { token, body: { pattern: "tea", actions: ["notify"] } }), 200);
    expect((await expectStatus(call("GET", accountData, { token }), 200)).body).toEqual({ global: await ruleset(call, alice!) });

    const first = await expectStatus(call("GET", "sync?timeout=0", { token }), 200);
    const events = ((first.body["account_data"] as { events: { type: string; content: unknown }[] } | undefined)?.events ?? []).filter(
      (e) => e.type === "m.push_rules",
    );
    expect(events).toEqual([{ type: "m.push_rules", content: { global: await ruleset(call, alice!) } }]);

    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "enabled"), { token, body: { enabled: true } }), 200);
    const next = await expectStatus(call("GET", `sync?timeout=5000&since=${first.body["next_batch"] as string}`, { token }), 200);
    const changed = (next.body["account_data"] as { events: { type: string; content: { global: { override: { enabled: boolean }[] } } }[] })
      .events;
    expect(changed.map((e) => e.type)).toEqual(["m.push_rules"]);
    expect(changed[0]!.content.global.override[0]!.enabled).toBe(true);
  });

  it("concurrent edits all land, and the account data ends up with every one of them", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const names = Array.from({ length: 8 }, (_, i) => `rule${i}`);
    await Promise.all(names.map((n) => expectStatus(call("PUT", rulePath("content", n), { token, body: { pattern: n, actions: [] } }), 200)));
    const global = await ruleset(call, alice!);
    expect(ids(global.content).sort()).toEqual(names);
    const stored = await expectStatus(call("GET", `user/${encodeURIComponent(alice!.userId)}/account_data/m.push_rules`, { token }), 200);
    expect(stored.body).toEqual({ global });
  });
});
