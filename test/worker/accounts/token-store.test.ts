import { describe, expect, it } from "vitest";
import { getDevice } from "../../../src/accounts/device-store";
import {
  authenticateAccessToken,
  createSession,
  purgeExpiredTokens,
  refreshSession,
  type IssuedTokens,
} from "../../../src/accounts/token-store";
import { hashToken } from "../../../src/accounts/tokens";
import { deactivateUser, setUserFlags } from "../../../src/accounts/user-store";
import { count, db, makeUser, NOW } from "./fixtures";

const LIFETIMES = { accessTokenMs: 60_000, refreshTokenMs: 3_600_000 };

async function session(userId: string, options: { deviceId?: string; refresh?: boolean; name?: string } = {}) {
  const created = await createSession(db, {
    userId,
    ...(options.deviceId ? { deviceId: options.deviceId } : {}),
    initialDisplayName: options.name ?? null,
    refresh: options.refresh === false ? null : LIFETIMES,
    now: NOW,
  });
  if (!created.ok) throw new Error(created.error.reason);
  return created.value;
}

const tagOf = (r: { ok: boolean; error?: { _tag: string } }): string | undefined => (r.ok ? undefined : r.error?._tag);

async function refreshed(token: string, now: number): Promise<IssuedTokens> {
  const result = await refreshSession(db, token, now, LIFETIMES);
  if (!result.ok) throw new Error(`${result.error._tag}: ${result.error.reason}`);
  return result.value;
}

describe("creating a session", () => {
  it("creates a device with a generated ID, an expiring access token and a refresh token", async () => {
    const user = await makeUser();
    const issued = await session(user.userId, { name: "Phone" });
    expect(issued.deviceId).toMatch(/^[A-Z]{10}$/);
    expect(issued.accessToken).toMatch(/^mat_/);
    expect(issued.refreshToken).toMatch(/^mrt_/);
    expect(issued.expiresInMs).toBe(LIFETIMES.accessTokenMs);
    expect((await getDevice(db, user.userId, issued.deviceId))?.displayName).toBe("Phone");
    // Only hashes are stored.
    expect(await count("access_tokens WHERE token_hash = ?", issued.accessToken)).toBe(0);
    expect(await count("access_tokens WHERE token_hash = ?", hashToken(issued.accessToken))).toBe(1);
    expect(await count("refresh_tokens WHERE token_hash = ?", hashToken(issued.refreshToken!))).toBe(1);
  });

  it("issues a non-expiring access token and no refresh token when refresh is not asked for", async () => {
    const user = await makeUser();
    const issued = await session(user.userId, { refresh: false });
    expect([issued.refreshToken, issued.expiresInMs]).toEqual([null, null]);
    const owner = await authenticateAccessToken(db, issued.accessToken, NOW + 10 * 365 * 86_400_000);
    expect(owner.ok && owner.value.expiresTs).toBeNull();
  });

  it("reusing a device ID invalidates that device's previous tokens and keeps its display name", async () => {
    const user = await makeUser();
    const first = await session(user.userId, { deviceId: "MYDEVICE", name: "Laptop" });
    const other = await session(user.userId);
    const second = await session(user.userId, { deviceId: "MYDEVICE", name: "Ignored" });
    expect(second.deviceId).toBe("MYDEVICE");
    expect(tagOf(await authenticateAccessToken(db, first.accessToken, NOW))).toBe("UnknownToken");
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW, LIFETIMES))).toBe("UnknownToken");
    expect((await authenticateAccessToken(db, second.accessToken, NOW)).ok).toBe(true);
    expect((await authenticateAccessToken(db, other.accessToken, NOW)).ok).toBe(true);
    expect((await getDevice(db, user.userId, "MYDEVICE"))?.displayName).toBe("Laptop");
  });

  it("refuses a user that does not exist", async () => {
    const result = await createSession(db, { userId: "@ghost:nowhere", refresh: null, now: NOW });
    expect(tagOf(result)).toBe("UserNotFound");
    expect(await count("devices WHERE user_id = ?", "@ghost:nowhere")).toBe(0);
  });
});

describe("authenticating an access token", () => {
  it("returns the owner in one lookup", async () => {
    const user = await makeUser();
    const issued = await session(user.userId);
    const owner = await authenticateAccessToken(db, issued.accessToken, NOW);
    expect(owner).toEqual({
      ok: true,
      value: {
        userId: user.userId,
        deviceId: issued.deviceId,
        isAdmin: false,
        isGuest: false,
        locked: false,
        suspended: false,
        expiresTs: NOW + LIFETIMES.accessTokenMs,
        deviceLastSeenTs: null,
      },
    });
  });

  it("rejects unknown tokens and reports expiry separately (soft logout)", async () => {
    const user = await makeUser();
    const issued = await session(user.userId);
    expect(tagOf(await authenticateAccessToken(db, "mat_nope", NOW))).toBe("UnknownToken");
    expect(tagOf(await authenticateAccessToken(db, issued.accessToken, NOW + LIFETIMES.accessTokenMs))).toBe(
      "TokenExpired",
    );
    expect((await authenticateAccessToken(db, issued.accessToken, NOW + LIFETIMES.accessTokenMs - 1)).ok).toBe(true);
  });

  it("passes lock and suspension through for the route to apply, and refuses deactivated users", async () => {
    const user = await makeUser();
    const issued = await session(user.userId);
    await setUserFlags(db, user.userId, { locked: true, suspended: true });
    const owner = await authenticateAccessToken(db, issued.accessToken, NOW);
    expect(owner.ok && [owner.value.locked, owner.value.suspended]).toEqual([true, true]);
    // A token row that outlived deactivation (there should be none) still does not authenticate.
    await db.prepare("UPDATE users SET deactivated = 1 WHERE user_id = ?").bind(user.userId).run();
    expect(tagOf(await authenticateAccessToken(db, issued.accessToken, NOW))).toBe("UnknownToken");
  });

  it("is one indexed lookup: the query plan searches access_tokens by its primary key", async () => {
    const plan = await db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT a.user_id FROM access_tokens a JOIN users u ON u.user_id = a.user_id
         LEFT JOIN devices d ON d.user_id = a.user_id AND d.device_id = a.device_id WHERE a.token_hash = ?`,
      )
      .bind("x")
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail);
    expect(details.some((d) => /SEARCH a USING INDEX sqlite_autoindex_access_tokens_1 \(token_hash=\?\)/.test(d))).toBe(
      true,
    );
    expect(details.every((d) => !/^SCAN/.test(d))).toBe(true);
  });
});

describe("refreshing", () => {
  it("rotates: new tokens on the same device, the old access token dies at once", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    const second = await refreshed(first.refreshToken!, NOW + 1000);
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.expiresInMs).toBe(LIFETIMES.accessTokenMs);
    expect(tagOf(await authenticateAccessToken(db, first.accessToken, NOW + 1000))).toBe("UnknownToken");
    const owner = await authenticateAccessToken(db, second.accessToken, NOW + 1000);
    expect(owner.ok && owner.value.expiresTs).toBe(NOW + 1000 + LIFETIMES.accessTokenMs);
  });

  it("lets a client that lost the response repeat the refresh until the new tokens are used", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    const lost = await refreshed(first.refreshToken!, NOW + 1);
    const retried = await refreshed(first.refreshToken!, NOW + 2);
    // The repeat supersedes the unused successor.
    expect(tagOf(await authenticateAccessToken(db, lost.accessToken, NOW + 2))).toBe("UnknownToken");
    expect((await authenticateAccessToken(db, retried.accessToken, NOW + 3)).ok).toBe(true);
    // Using the new access token ends the old refresh token's grace period: it is now dead.
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + 4, LIFETIMES))).toBe("RefreshTokenReused");
  });

  it("using the successor refresh token also kills its parent", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    const second = await refreshed(first.refreshToken!, NOW + 1);
    const third = await refreshed(second.refreshToken!, NOW + 2);
    expect((await authenticateAccessToken(db, third.accessToken, NOW + 3)).ok).toBe(true);
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + 4, LIFETIMES))).toBe("RefreshTokenReused");
  });

  it("reuse of a dead refresh token revokes the whole session, thief and owner alike", async () => {
    const user = await makeUser();
    const bystander = await session(user.userId);
    const first = await session(user.userId);
    const second = await refreshed(first.refreshToken!, NOW + 1);
    expect((await authenticateAccessToken(db, second.accessToken, NOW + 2)).ok).toBe(true);
    const third = await refreshed(second.refreshToken!, NOW + 3);

    // The stolen first token comes back.
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + 4, LIFETIMES))).toBe("RefreshTokenReused");
    expect(tagOf(await authenticateAccessToken(db, third.accessToken, NOW + 5))).toBe("UnknownToken");
    expect(tagOf(await refreshSession(db, third.refreshToken!, NOW + 5, LIFETIMES))).toBe("RefreshTokenReused");
    expect(await count("access_tokens WHERE user_id = ? AND device_id = ?", user.userId, first.deviceId)).toBe(0);
    // Other sessions of the user are untouched; the device itself stays (its keys live on).
    expect((await authenticateAccessToken(db, bystander.accessToken, NOW + 5)).ok).toBe(true);
    expect(await getDevice(db, user.userId, first.deviceId)).not.toBeNull();
  });

  it("a session can be resumed by logging in again with the same device ID after revocation", async () => {
    const user = await makeUser();
    const first = await session(user.userId, { deviceId: "RESUME" });
    const second = await refreshed(first.refreshToken!, NOW + 1);
    await refreshed(second.refreshToken!, NOW + 2);
    await refreshSession(db, first.refreshToken!, NOW + 3, LIFETIMES);
    const again = await session(user.userId, { deviceId: "RESUME" });
    expect((await authenticateAccessToken(db, again.accessToken, NOW + 4)).ok).toBe(true);
    expect((await refreshSession(db, again.refreshToken!, NOW + 5, LIFETIMES)).ok).toBe(true);
  });

  it("concurrent refreshes with one token leave exactly one live successor chain", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => refreshSession(db, first.refreshToken!, NOW + 10 + i, LIFETIMES)),
    );
    expect(results.map((r) => (r.ok ? "ok" : r.error._tag))).toEqual(["ok", "ok", "ok", "ok"]);
    // Every refresh but the last one to commit was superseded: one access token and one live
    // unexchanged refresh token remain for the device.
    expect(await count("access_tokens WHERE user_id = ? AND device_id = ?", user.userId, first.deviceId)).toBe(1);
    expect(
      await count(
        "refresh_tokens WHERE user_id = ? AND device_id = ? AND dead_ts IS NULL AND next_hash IS NULL",
        user.userId,
        first.deviceId,
      ),
    ).toBe(1);
  });

  it("refuses unknown and expired refresh tokens, and locked or deactivated accounts", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    expect(tagOf(await refreshSession(db, "mrt_nope", NOW, LIFETIMES))).toBe("UnknownToken");
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + LIFETIMES.refreshTokenMs, LIFETIMES))).toBe(
      "TokenExpired",
    );
    await setUserFlags(db, user.userId, { locked: true });
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + 1, LIFETIMES))).toBe("UserLocked");
    await setUserFlags(db, user.userId, { locked: false });
    await deactivateUser(db, user.userId);
    expect(tagOf(await refreshSession(db, first.refreshToken!, NOW + 1, LIFETIMES))).toBe("UnknownToken");
  });

  it("a refresh token without a lifetime lives until used", async () => {
    const user = await makeUser();
    const created = await createSession(db, {
      userId: user.userId,
      refresh: { accessTokenMs: 1000, refreshTokenMs: null },
      now: NOW,
    });
    const token = created.ok ? created.value.refreshToken! : "";
    expect((await refreshSession(db, token, NOW + 10 * 365 * 86_400_000, LIFETIMES)).ok).toBe(true);
  });
});

describe("purging", () => {
  it("drops long-expired access tokens and long-dead refresh tokens, keeping recent ones", async () => {
    const user = await makeUser();
    const first = await session(user.userId);
    const second = await refreshed(first.refreshToken!, NOW + 1);
    await authenticateAccessToken(db, second.accessToken, NOW + 2); // kills the first refresh token
    const day = 86_400_000;
    await purgeExpiredTokens(db, NOW + 2 + day / 2, day);
    expect(await count("refresh_tokens WHERE token_hash = ?", hashToken(first.refreshToken!))).toBe(1);
    await purgeExpiredTokens(db, NOW + 3 + 2 * day, day);
    expect(await count("refresh_tokens WHERE token_hash = ?", hashToken(first.refreshToken!))).toBe(0);
    expect(await count("access_tokens WHERE token_hash = ?", hashToken(second.accessToken))).toBe(0);
    // The live refresh token (1 h lifetime) expired more than a day ago as well.
    expect(await count("refresh_tokens WHERE token_hash = ?", hashToken(second.refreshToken!))).toBe(0);
  });
});
