// Deactivating an account deletes its devices with their keys: a room-mate's waiting /sync wakes and lists the user.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/accounts/password-hash";
import { createUser } from "../../../src/accounts/user-store";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { passwordAuth, uniqueName } from "../api-accounts/support";
import { path } from "../api-rooms/support";
import { type Call, createRoom, expectStatus, keysApp, type Registered, uploadKeys, users } from "./support";

const call = keysApp();

async function makeAdmin(): Promise<string> {
  const localpart = uniqueName("admin");
  const created = await createUser(env.DB, {
    localpart,
    serverName: env.SERVER_NAME,
    passwordHash: await hashPassword("admin pw"),
    isAdmin: true,
    now: Date.now(),
  });
  if (!created.ok) throw new Error("admin");
  const res = await call("POST", "login", { body: { type: "m.login.password", user: localpart, password: "admin pw" } });
  return res.body["access_token"] as string;
}

/** Alice long-polls from a caught-up token while `deactivate` ends bob's account; her /sync's body. */
async function pollAcross(deactivate: (bob: Registered) => Promise<void>): Promise<{ bob: Registered; sync: Record<string, unknown>; ms: number }> {
  const [alice, bob] = await users(call, 2);
  const roomId = await createRoom(call, alice!, { preset: "public_chat" });
  await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
  await uploadKeys(call, bob!);
  const first = await call("GET", "sync?timeout=0", { token: alice!.accessToken });
  const caughtUp = await call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: alice!.accessToken });
  const since = caughtUp.body["next_batch"] as string;
  const started = Date.now();
  const polled = call("GET", `sync?timeout=20000&since=${since}`, { token: alice!.accessToken });
  await new Promise((r) => setTimeout(r, 200));
  await deactivate(bob!);
  const res = await polled;
  expect(res.status).toBe(200);
  return { bob: bob!, sync: res.body, ms: Date.now() - started };
}

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
    const { bob, sync, ms } = await pollAcross(async (bob) => {
      const first = await call("POST", "account/deactivate", { token: bob.accessToken, body: {} });
      const done = await call("POST", "account/deactivate", {
        token: bob.accessToken,
        body: { auth: passwordAuth(bob, first.body["session"] as string) },
      });
      expect(done.status).toBe(200);
    });
    expect(ms).toBeLessThan(10_000);
    await expectListed(sync, bob.userId);
  });

  it("the admin API's deactivation wakes a room-mate's waiting /sync", async () => {
    const admin = await makeAdmin();
    const { bob, sync, ms } = await pollAcross(async (bob) => {
      const res = await call("PUT", `/_synapse/admin/v2/users/${encodeURIComponent(bob.userId)}`, { token: admin, body: { deactivated: true } });
      expect(res.status).toBe(200);
    });
    expect(ms).toBeLessThan(10_000);
    await expectListed(sync, bob.userId);
  });
});
