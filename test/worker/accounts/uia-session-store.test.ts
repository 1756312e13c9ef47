import { describe, expect, it } from "vitest";
import {
  consumeUiaSession,
  createUiaSession,
  deleteExpiredUiaSessions,
  getUiaSession,
  recordUiaStage,
  uiaRequestHash,
} from "../../../src/accounts/uia-session-store";
import { count, db, NOW } from "./fixtures";

const ROUTE = "POST /delete_devices";
const HASH = uiaRequestHash({ devices: ["A", "B"] });
const start = (userId: string | null = "@u:x", lifetimeMs = 600_000) =>
  createUiaSession(db, { route: ROUTE, requestHash: HASH, userId, now: NOW, lifetimeMs });
const tagOf = (r: { ok: boolean; error?: { _tag: string } }) => (r.ok ? undefined : r.error?._tag);

describe("UIA request fingerprint", () => {
  it("ignores auth and secrets, and key order", () => {
    expect(uiaRequestHash({ b: 1, a: 2, auth: { type: "x" } })).toBe(uiaRequestHash({ a: 2, b: 1 }));
    expect(uiaRequestHash({ username: "u", password: "p1" })).toBe(uiaRequestHash({ username: "u", password: "p2" }));
    expect(uiaRequestHash({ new_password: "p1" })).toBe(uiaRequestHash({}));
    expect(uiaRequestHash({ devices: ["A"] })).not.toBe(uiaRequestHash({ devices: ["B"] }));
    expect(uiaRequestHash({ x: 1.5 })).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("UIA sessions", () => {
  it("creates a session and finds it for the same operation, request and user", async () => {
    const session = await start();
    expect(session.sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const found = await getUiaSession(db, session.sessionId, NOW + 1, { route: ROUTE, requestHash: HASH, userId: "@u:x" });
    expect(found).toEqual({ ok: true, value: session });
  });

  it("refuses another operation, another request body or another user", async () => {
    const session = await start();
    const expect_ = { route: ROUTE, requestHash: HASH, userId: "@u:x" };
    for (const change of [{ route: "POST /account/deactivate" }, { requestHash: "other" }, { userId: "@v:x" }]) {
      const found = await getUiaSession(db, session.sessionId, NOW, { ...expect_, ...change });
      expect(tagOf(found)).toBe("UiaSessionMismatch");
    }
    expect(tagOf(await getUiaSession(db, "nope", NOW, expect_))).toBe("UiaSessionUnknown");
  });

  it("expires", async () => {
    const session = await start("@u:x", 1000);
    const expect_ = { route: ROUTE, requestHash: HASH, userId: "@u:x" };
    expect((await getUiaSession(db, session.sessionId, NOW + 999, expect_)).ok).toBe(true);
    expect(tagOf(await getUiaSession(db, session.sessionId, NOW + 1000, expect_))).toBe("UiaSessionUnknown");
    expect(tagOf(await recordUiaStage(db, session.sessionId, "m.login.dummy", NOW + 1000))).toBe("UiaSessionUnknown");
    expect(tagOf(await consumeUiaSession(db, session.sessionId, NOW + 1000))).toBe("UiaSessionUnknown");
    expect(await deleteExpiredUiaSessions(db, NOW + 1000)).toBeGreaterThanOrEqual(1);
    expect(await count("uia_sessions WHERE session_id = ?", session.sessionId)).toBe(0);
  });

  it("records stages in order, once each, even when they arrive together", async () => {
    const session = await start();
    expect(await recordUiaStage(db, session.sessionId, "m.login.password", NOW)).toEqual({
      ok: true,
      value: ["m.login.password"],
    });
    await Promise.all([
      recordUiaStage(db, session.sessionId, "m.login.dummy", NOW),
      recordUiaStage(db, session.sessionId, "m.login.terms", NOW),
      recordUiaStage(db, session.sessionId, "m.login.dummy", NOW),
      recordUiaStage(db, session.sessionId, "m.login.password", NOW),
    ]);
    const after = await recordUiaStage(db, session.sessionId, "m.login.terms", NOW);
    expect(after.ok && [...after.value].sort()).toEqual(["m.login.dummy", "m.login.password", "m.login.terms"]);
    expect(after.ok && after.value[0]).toBe("m.login.password");
    expect(tagOf(await recordUiaStage(db, "nope", "m.login.dummy", NOW))).toBe("UiaSessionUnknown");
  });

  it("is consumed by exactly one of several concurrent requests", async () => {
    const session = await start();
    await recordUiaStage(db, session.sessionId, "m.login.password", NOW);
    const results = await Promise.all(Array.from({ length: 4 }, () => consumeUiaSession(db, session.sessionId, NOW)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.ok && winners[0].value.completed).toEqual(["m.login.password"]);
    expect(results.filter((r) => tagOf(r) === "UiaSessionUnknown")).toHaveLength(3);
  });
});
