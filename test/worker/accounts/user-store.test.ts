import { describe, expect, it } from "vitest";
import { createSession } from "../../../src/accounts/token-store";
import {
  createUser,
  deactivateUser,
  getUser,
  getUserByLocalpart,
  isLocalpartTaken,
  setPasswordHash,
  setUserFlags,
} from "../../../src/accounts/user-store";
import { count, db, makeUser, NOW, SERVER, uniqueLocalpart } from "./fixtures";

describe("user store", () => {
  it("creates a user and reads it back by ID and by localpart", async () => {
    const localpart = uniqueLocalpart();
    const created = await createUser(db, { localpart, serverName: SERVER, passwordHash: "h", now: NOW, isAdmin: true });
    expect(created.ok).toBe(true);
    const byId = await getUser(db, `@${localpart}:${SERVER}`);
    expect(byId).toEqual({
      userId: `@${localpart}:${SERVER}`,
      localpart,
      passwordHash: "h",
      isAdmin: true,
      isGuest: false,
      deactivated: false,
      locked: false,
      suspended: false,
      createdTs: NOW,
    });
    expect(await getUserByLocalpart(db, localpart)).toEqual(byId);
    expect(await isLocalpartTaken(db, localpart)).toBe(true);
    expect(await isLocalpartTaken(db, uniqueLocalpart())).toBe(false);
    expect(await getUser(db, "@nobody:nowhere")).toBeNull();
  });

  it("answers UserInUse for a taken localpart", async () => {
    const user = await makeUser();
    const again = await createUser(db, { localpart: user.localpart, serverName: SERVER, passwordHash: null, now: NOW });
    expect(again).toEqual({ ok: false, error: { _tag: "UserInUse", reason: expect.any(String) } });
  });

  it("lets exactly one of two concurrent registrations of one name succeed", async () => {
    for (let round = 0; round < 5; round++) {
      const localpart = uniqueLocalpart("race");
      const attempt = () => createUser(db, { localpart, serverName: SERVER, passwordHash: null, now: NOW });
      const results = await Promise.all([attempt(), attempt(), attempt()]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error._tag)).toEqual(["UserInUse", "UserInUse"]);
      expect(await count("users WHERE localpart = ?", localpart)).toBe(1);
    }
  });

  it("changes the password hash of active users only", async () => {
    const user = await makeUser("old");
    expect((await setPasswordHash(db, user.userId, "new")).ok).toBe(true);
    expect((await getUser(db, user.userId))?.passwordHash).toBe("new");
    expect((await setPasswordHash(db, "@ghost:x", "new")).ok).toBe(false);
  });

  it("sets admin, lock and suspension flags independently", async () => {
    const user = await makeUser();
    await setUserFlags(db, user.userId, { locked: true });
    await setUserFlags(db, user.userId, { suspended: true, isAdmin: true });
    await setUserFlags(db, user.userId, { locked: false });
    const read = await getUser(db, user.userId);
    expect([read?.locked, read?.suspended, read?.isAdmin]).toEqual([false, true, true]);
    expect((await setUserFlags(db, "@ghost:x", { locked: true })).ok).toBe(false);
  });

  it("deactivation removes the password, every device and every token, and keeps the name taken", async () => {
    const user = await makeUser("hash");
    await createSession(db, { userId: user.userId, refresh: { accessTokenMs: 1000, refreshTokenMs: null }, now: NOW });
    await createSession(db, { userId: user.userId, refresh: null, now: NOW });
    expect(await count("access_tokens WHERE user_id = ?", user.userId)).toBe(2);
    expect((await deactivateUser(db, user.userId)).ok).toBe(true);
    const read = await getUser(db, user.userId);
    expect([read?.deactivated, read?.passwordHash]).toEqual([true, null]);
    for (const table of ["devices", "access_tokens", "refresh_tokens"]) {
      expect(await count(`${table} WHERE user_id = ?`, user.userId)).toBe(0);
    }
    expect(await isLocalpartTaken(db, user.localpart)).toBe(true);
    expect((await setPasswordHash(db, user.userId, "again")).ok).toBe(false);
    expect((await deactivateUser(db, "@ghost:x")).ok).toBe(false);
  });
});
