// deleteAllKeyBackupsStatements: what account deactivation runs to take a user's backups (every
// version deleted, every key gone), leaving other users' backups alone.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deleteAllKeyBackupsStatements } from "../../../src/accounts/key-backup-store";
import { passwordAuth } from "../api-accounts/support";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { createBackup, getOk, keyData, keysPath, putKeys } from "./support";

const keysOf = async (userId: string): Promise<number> =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM key_backup_keys WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

describe("deleting all of a user's key backups", () => {
  const call = roomApp();

  it("deletes every version and key of the user only", async () => {
    const [alice, bob] = await users(call, 2);
    const v1 = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v1, "!r:x", "s1"), keyData(false, 0, 0));
    const v2 = await createBackup(call, alice!);
    await putKeys(call, alice!, keysPath(v2, "!r:x", "s2"), keyData(false, 0, 0));
    const bobV = await createBackup(call, bob!);
    await putKeys(call, bob!, keysPath(bobV, "!r:x", "s1"), keyData(false, 0, 0));

    await env.DB.batch(deleteAllKeyBackupsStatements(env.DB, alice!.userId));

    expect(await keysOf(alice!.userId)).toBe(0);
    await expectStatus(call("GET", "room_keys/version", { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", `room_keys/version/${v1}`, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    expect(await keysOf(bob!.userId)).toBe(1);
    expect((await getOk(call, bob!, "room_keys/version"))["count"]).toBe(1);
  });

  it("happens when the account is deactivated", async () => {
    const [carol] = await users(call, 1);
    const version = await createBackup(call, carol!);
    await putKeys(call, carol!, keysPath(version, "!r:x", "s1"), keyData(false, 0, 0));
    const first = await call("POST", "account/deactivate", { token: carol!.accessToken, body: {} });
    await expectStatus(
      call("POST", "account/deactivate", { token: carol!.accessToken, body: { auth: passwordAuth(carol!, first.body["session"] as string) } }),
      200,
    );
    expect(await keysOf(carol!.userId)).toBe(0);
    const versions = await env.DB.prepare("SELECT COUNT(*) AS n FROM key_backup_versions WHERE user_id = ? AND deleted = 0").bind(carol!.userId).first<{ n: number }>();
    expect(versions!.n).toBe(0);
  });
});
