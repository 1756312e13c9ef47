import { describe, expect, it } from "vitest";
import {
  createRegistrationToken,
  deleteRegistrationToken,
  getRegistrationToken,
  isRegistrationTokenValid,
  listRegistrationTokens,
  reserveRegistrationToken,
  returnRegistrationTokenUse,
  updateRegistrationToken,
} from "../../../src/accounts/registration-token-store";
import { consumeUiaSession, createUiaSession } from "../../../src/accounts/uia-session-store";
import { db, NOW, uniqueLocalpart } from "./fixtures";

const tagOf = (r: { ok: boolean; error?: { _tag: string } }) => (r.ok ? undefined : r.error?._tag);
const newSession = (lifetimeMs = 600_000, now = NOW) =>
  createUiaSession(db, { route: "POST /register", requestHash: "h", userId: null, now, lifetimeMs });

async function makeToken(usesAllowed: number | null, expiryTime: number | null = null): Promise<string> {
  const token = uniqueLocalpart("tok");
  const created = await createRegistrationToken(db, { token, usesAllowed, expiryTime, now: NOW });
  if (!created.ok) throw new Error(created.error.reason);
  return token;
}

describe("registration token admin", () => {
  it("creates with given or generated text and reads back Synapse's shape", async () => {
    const token = await makeToken(3, NOW + 1000);
    expect(await getRegistrationToken(db, token, NOW)).toEqual({
      token,
      usesAllowed: 3,
      pending: 0,
      completed: 0,
      expiryTime: NOW + 1000,
    });
    const generated = await createRegistrationToken(db, { length: 20, now: NOW });
    expect(generated.ok && generated.value.token).toMatch(/^[A-Za-z0-9._~-]{20}$/);
    expect(generated.ok && [generated.value.usesAllowed, generated.value.expiryTime]).toEqual([null, null]);
    expect(await getRegistrationToken(db, "nope-never", NOW)).toBeNull();
  });

  it("validates parameters and refuses duplicates", async () => {
    const token = await makeToken(null);
    expect(tagOf(await createRegistrationToken(db, { token, now: NOW }))).toBe("RegistrationTokenExists");
    for (const bad of [
      { token: "" },
      { token: "has space" },
      { token: "x".repeat(65) },
      { length: 0 },
      { length: 65 },
      { usesAllowed: -1 },
      { usesAllowed: 1.5 },
      { expiryTime: NOW - 1 },
    ]) {
      expect(tagOf(await createRegistrationToken(db, { ...bad, now: NOW }))).toBe("RegistrationTokenParamInvalid");
    }
  });

  it("updates limits (absent keeps, null removes) and deletes", async () => {
    const token = await makeToken(1, NOW + 5000);
    const updated = await updateRegistrationToken(db, token, { usesAllowed: 5 }, NOW);
    expect(updated.ok && [updated.value.usesAllowed, updated.value.expiryTime]).toEqual([5, NOW + 5000]);
    const cleared = await updateRegistrationToken(db, token, { expiryTime: null }, NOW);
    expect(cleared.ok && [cleared.value.usesAllowed, cleared.value.expiryTime]).toEqual([5, null]);
    expect(tagOf(await updateRegistrationToken(db, token, { usesAllowed: -2 }, NOW))).toBe(
      "RegistrationTokenParamInvalid",
    );
    expect(tagOf(await updateRegistrationToken(db, "nope-never", { usesAllowed: 1 }, NOW))).toBe(
      "RegistrationTokenNotFound",
    );
    expect((await deleteRegistrationToken(db, token)).ok).toBe(true);
    expect(tagOf(await deleteRegistrationToken(db, token))).toBe("RegistrationTokenNotFound");
  });

  it("lists valid and invalid tokens", async () => {
    const valid = await makeToken(null);
    const usedUp = await makeToken(0);
    const expiring = await makeToken(null, NOW + 10);
    const validList = (await listRegistrationTokens(db, NOW + 10, true)).map((t) => t.token);
    const invalidList = (await listRegistrationTokens(db, NOW + 10, false)).map((t) => t.token);
    expect(validList).toContain(valid);
    expect(validList).not.toContain(usedUp);
    expect(invalidList).toEqual(expect.arrayContaining([usedUp, expiring]));
    expect((await listRegistrationTokens(db, NOW)).map((t) => t.token)).toEqual(
      expect.arrayContaining([valid, usedUp, expiring]),
    );
  });
});

describe("registration token use", () => {
  it("is valid until expiry and while uses remain", async () => {
    const token = await makeToken(1, NOW + 100);
    expect(await isRegistrationTokenValid(db, token, NOW)).toBe(true);
    expect(await isRegistrationTokenValid(db, token, NOW + 100)).toBe(false);
    expect(await isRegistrationTokenValid(db, "nope-never", NOW)).toBe(false);
    const session = await newSession();
    expect((await reserveRegistrationToken(db, session.sessionId, token, NOW)).ok).toBe(true);
    expect(await isRegistrationTokenValid(db, token, NOW)).toBe(false);
  });

  it("reserving records the stage and is idempotent for the same session", async () => {
    const token = await makeToken(2);
    const session = await newSession();
    expect((await reserveRegistrationToken(db, session.sessionId, token, NOW)).ok).toBe(true);
    expect((await reserveRegistrationToken(db, session.sessionId, token, NOW)).ok).toBe(true);
    expect((await getRegistrationToken(db, token, NOW))?.pending).toBe(1);
    const consumed = await consumeUiaSession(db, session.sessionId, NOW);
    expect(consumed.ok && [consumed.value.completed, consumed.value.registrationToken]).toEqual([
      ["m.login.registration_token"],
      token,
    ]);
    expect(tagOf(await reserveRegistrationToken(db, "nope", token, NOW))).toBe("UiaSessionUnknown");
  });

  it("never hands out more uses than allowed to concurrent sessions", async () => {
    const token = await makeToken(3);
    const sessions = await Promise.all(Array.from({ length: 8 }, () => newSession()));
    const results = await Promise.all(sessions.map((s) => reserveRegistrationToken(db, s.sessionId, token, NOW)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => tagOf(r) === "RegistrationTokenInvalid")).toHaveLength(5);
    expect((await getRegistrationToken(db, token, NOW))?.pending).toBe(3);
  });

  it("moves a use from pending to completed when the session is consumed, and can give it back", async () => {
    const token = await makeToken(1);
    const session = await newSession();
    await reserveRegistrationToken(db, session.sessionId, token, NOW);
    await consumeUiaSession(db, session.sessionId, NOW);
    expect(await getRegistrationToken(db, token, NOW)).toMatchObject({ pending: 0, completed: 1 });
    const late = await newSession();
    expect(tagOf(await reserveRegistrationToken(db, late.sessionId, token, NOW))).toBe("RegistrationTokenInvalid");
    await returnRegistrationTokenUse(db, token);
    expect(await getRegistrationToken(db, token, NOW)).toMatchObject({ pending: 0, completed: 0 });
    expect((await reserveRegistrationToken(db, late.sessionId, token, NOW)).ok).toBe(true);
  });

  it("releases a pending use when its session expires, without any clean-up job", async () => {
    const token = await makeToken(1);
    const short = await newSession(1000);
    expect((await reserveRegistrationToken(db, short.sessionId, token, NOW)).ok).toBe(true);
    const other = await newSession(600_000, NOW + 1000);
    expect(await getRegistrationToken(db, token, NOW + 999)).toMatchObject({ pending: 1 });
    expect(await getRegistrationToken(db, token, NOW + 1000)).toMatchObject({ pending: 0 });
    expect((await reserveRegistrationToken(db, other.sessionId, token, NOW + 1000)).ok).toBe(true);
    // The expired session can no longer complete the registration.
    expect(tagOf(await consumeUiaSession(db, short.sessionId, NOW + 1000))).toBe("UiaSessionUnknown");
  });

  it("consuming a session concurrently counts the use once", async () => {
    const token = await makeToken(5);
    const session = await newSession();
    await reserveRegistrationToken(db, session.sessionId, token, NOW);
    await Promise.all(Array.from({ length: 4 }, () => consumeUiaSession(db, session.sessionId, NOW)));
    expect(await getRegistrationToken(db, token, NOW)).toMatchObject({ pending: 0, completed: 1 });
  });
});
