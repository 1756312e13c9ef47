import { describe, expect, it } from "vitest";
import { listDevices } from "../../../src/accounts/device-store";
import { registerAccount } from "../../../src/accounts/register-account";
import {
  createRegistrationToken,
  getRegistrationToken,
  reserveRegistrationToken,
} from "../../../src/accounts/registration-token-store";
import { authenticateAccessToken } from "../../../src/accounts/token-store";
import { consumeUiaSession, createUiaSession } from "../../../src/accounts/uia-session-store";
import { getUser } from "../../../src/accounts/user-store";
import { count, db, makeUser, NOW, SERVER, uniqueLocalpart } from "./fixtures";

const user = (localpart: string) => ({ localpart, serverName: SERVER, passwordHash: "hash", now: NOW });

describe("registering an account", () => {
  it("creates the user, its first device and tokens together", async () => {
    const localpart = uniqueLocalpart();
    const result = await registerAccount(db, {
      user: user(localpart),
      login: { deviceId: "FIRST", initialDisplayName: "Phone", refresh: { accessTokenMs: 1000, refreshTokenMs: null } },
    });
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.value.user.userId).toBe(`@${localpart}:${SERVER}`);
    expect(result.value.tokens).toMatchObject({ deviceId: "FIRST", expiresInMs: 1000 });
    const owner = await authenticateAccessToken(db, result.value.tokens!.accessToken, NOW);
    expect(owner.ok && owner.value.userId).toBe(`@${localpart}:${SERVER}`);
    expect((await listDevices(db, result.value.user.userId)).map((d) => d.displayName)).toEqual(["Phone"]);
  });

  it("with inhibit_login creates no device and no token", async () => {
    const result = await registerAccount(db, { user: user(uniqueLocalpart()), login: null });
    expect(result.ok && result.value.tokens).toBeNull();
    if (result.ok) expect(await listDevices(db, result.value.user.userId)).toEqual([]);
  });

  it("a taken name rolls back everything: no device or token is left behind", async () => {
    const existing = await makeUser();
    const result = await registerAccount(db, {
      user: user(existing.localpart),
      login: { deviceId: "INTRUDER", refresh: null },
    });
    expect(!result.ok && result.error._tag).toBe("UserInUse");
    expect(await count("devices WHERE user_id = ?", existing.userId)).toBe(0);
    expect(await count("access_tokens WHERE user_id = ?", existing.userId)).toBe(0);
    expect((await getUser(db, existing.userId))?.passwordHash).toBeNull();
  });

  it("two concurrent registrations of one name: one account, one UserInUse, one set of tokens", async () => {
    const localpart = uniqueLocalpart("race");
    const attempt = (deviceId: string) =>
      registerAccount(db, { user: user(localpart), login: { deviceId, refresh: null } });
    const results = await Promise.all([attempt("ONE"), attempt("TWO")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error._tag === "UserInUse")).toHaveLength(1);
    expect(await count("devices WHERE user_id = ?", `@${localpart}:${SERVER}`)).toBe(1);
    expect(await count("access_tokens WHERE user_id = ?", `@${localpart}:${SERVER}`)).toBe(1);
  });

  it("with a registration token: the use counts once on success and is given back on UserInUse", async () => {
    const token = uniqueLocalpart("tok");
    await createRegistrationToken(db, { token, usesAllowed: 2, now: NOW });
    const flow = async (localpart: string) => {
      const session = await createUiaSession(db, {
        route: "POST /register",
        requestHash: "h",
        userId: null,
        now: NOW,
        lifetimeMs: 60_000,
      });
      await reserveRegistrationToken(db, session.sessionId, token, NOW);
      const consumed = await consumeUiaSession(db, session.sessionId, NOW);
      if (!consumed.ok) throw new Error(consumed.error.reason);
      return registerAccount(db, {
        user: user(localpart),
        login: null,
        registrationToken: consumed.value.registrationToken,
      });
    };
    const localpart = uniqueLocalpart();
    expect((await flow(localpart)).ok).toBe(true);
    expect(await getRegistrationToken(db, token, NOW)).toMatchObject({ pending: 0, completed: 1 });
    const taken = await flow(localpart);
    expect(!taken.ok && taken.error._tag).toBe("UserInUse");
    expect(await getRegistrationToken(db, token, NOW)).toMatchObject({ pending: 0, completed: 1 });
  });
});
