// Deactivating an account deletes its devices with their keys: a room-mate's waiting /sync wakes and lists the user.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { makeAdmin, passwordAuth } from "../api-accounts/support";
import { keysApp, pollAcross } from "./support";

const call = keysApp();

/**
 * The user is listed, and the notifier was told of the deactivation's own device-list change (the
 * leave events that follow would wake the /sync on their own, so the listing alone proves little).
 */
async function expectListed(sync: Record<string, unknown>, userId: string): Promise<void> {
  const lists = (sync["device_lists"] ?? {}) as { changed?: string[]; left?: string[] };
  expect([...(lists.changed ?? []), ...(lists.left ?? [])]).toContain(userId);
  const last = await env.DB.prepare("SELECT MAX(stream_pos) AS p FROM device_list_changes WHERE user_id = ?").bind(userId).first<{ p: number }>();
  const reached = await syncNotifierClient(env.SYNC_NOTIFIER).waitForAny({ device_lists: 0 }, 0);
  expect(reached["device_lists"]).toBeGreaterThanOrEqual(last!.p);
}

describe("account deactivation and /sync", () => {
  it("POST /account/deactivate wakes a room-mate's waiting /sync", async () => {
    const { bob, sync, ms } = await pollAcross(call, async (bob) => {
      const first = await call("POST", "account/deactivate", { token: bob.accessToken, body: {} });
      const done = await call("POST", "account/deactivate", {
        token: bob.accessToken,
        body: { auth: passwordAuth(bob, first.body["session"] as string) },
      });
      expect(done.status).toBe(200);
    }, { bobKeys: true });
    expect(ms).toBeLessThan(10_000);
    await expectListed(sync, bob.userId);
  });

  it("the admin API's deactivation wakes a room-mate's waiting /sync", async () => {
    const admin = (await makeAdmin(call)).token;
    const { bob, sync, ms } = await pollAcross(call, async (bob) => {
      const res = await call("PUT", `/_synapse/admin/v2/users/${encodeURIComponent(bob.userId)}`, { token: admin, body: { deactivated: true } });
      expect(res.status).toBe(200);
    }, { bobKeys: true });
    expect(ms).toBeLessThan(10_000);
    await expectListed(sync, bob.userId);
  });
});
