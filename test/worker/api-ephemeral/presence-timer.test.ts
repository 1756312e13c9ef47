// The presence timer pushes idle (unavailable) and offline to room-mates' waiting /syncs, with short configured thresholds.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/api/app";
import type { Env } from "../../../src/platform/env";
import { testServices } from "../../../src/platform/services";
import { markActive } from "../../../src/api/client/ephemeral/presence-routes";
import type { Call } from "../api-accounts/support";
import { type Registered, sharedRoom } from "./support";

/** A caller over an app with the live clock (the timer runs on real time) and these settings on top of the test env. */
function callWith(vars: Partial<Env>): Call {
  const app = createApp({ services: testServices({ config: { serverName: env.SERVER_NAME, registration: "open" } }) });
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers["Authorization"] = `Bearer ${opts.token}`;
    const init: RequestInit = { method, headers };
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    const res = await app.request(path.startsWith("/") ? path : `/_matrix/client/v3/${path}`, init, { ...env, ...vars });
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
  };
}

type Json = Record<string, unknown>;
const statusPath = (userId: string) => `presence/${encodeURIComponent(userId)}/status`;

/** Long-polls `viewer`'s /sync from `since` until `who`'s m.presence has `state`; returns the next token and when it arrived. */
async function awaitPresence(call: Call, viewer: Registered, since: string, who: string, state: string): Promise<{ since: string; at: number }> {
  const deadline = Date.now() + 15_000;
  let token = since;
  while (Date.now() < deadline) {
    const res = await call("GET", `sync?since=${encodeURIComponent(token)}&timeout=10000`, { token: viewer.accessToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    token = res.body["next_batch"] as string;
    const events = (((res.body["presence"] as Json | undefined)?.["events"] ?? []) as Json[]).filter((e) => e["sender"] === who);
    const last = events.at(-1);
    if (last !== undefined && (last["content"] as Json)["presence"] === state) return { since: token, at: Date.now() };
  }
  throw new Error(`${who} never became ${state} in ${viewer.userId}'s /sync`);
}

async function initialSync(call: Call, user: Registered): Promise<string> {
  const res = await call("GET", "sync?timeout=0", { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body["next_batch"] as string;
}

describe("presence timer", () => {
  it("pushes unavailable to a room-mate's waiting /sync once the user is idle, and activity brings them back online", async () => {
    const call = callWith({ PRESENCE_IDLE_MS: "1500", PRESENCE_OFFLINE_MS: "600000" });
    const { alice, bob } = await sharedRoom(call);
    const since = await initialSync(call, bob);
    const onlineAt = Date.now();
    expect((await call("PUT", statusPath(alice.userId), { token: alice.accessToken, body: { presence: "online" } })).status).toBe(200);
    const idle = await awaitPresence(call, bob, since, alice.userId, "unavailable");
    expect(idle.at - onlineAt).toBeGreaterThanOrEqual(1500);
    // The change is stored, not only computed on read.
    expect((await call("GET", statusPath(alice.userId), { token: bob.accessToken })).body["presence"]).toBe("unavailable");
    // Activity: Alice sets herself online again; Bob is told.
    expect((await call("PUT", statusPath(alice.userId), { token: alice.accessToken, body: { presence: "online" } })).status).toBe(200);
    const back = await awaitPresence(call, bob, idle.since, alice.userId, "online");
    // And idles again later: the timer was re-armed.
    await awaitPresence(call, bob, back.since, alice.userId, "unavailable");
  }, 40_000);

  it("pushes offline once a user online through /sync stops syncing, and a new /sync brings them back", async () => {
    const call = callWith({ PRESENCE_IDLE_MS: "600000", PRESENCE_OFFLINE_MS: "1500" });
    const { alice, bob } = await sharedRoom(call);
    const since = await initialSync(call, bob);
    const syncedAt = Date.now();
    await initialSync(call, alice);
    const online = await awaitPresence(call, bob, since, alice.userId, "online");
    const gone = await awaitPresence(call, bob, online.since, alice.userId, "offline");
    expect(gone.at - syncedAt).toBeGreaterThanOrEqual(1500);
    expect((await call("GET", statusPath(alice.userId), { token: bob.accessToken })).body["presence"]).toBe("offline");
    await initialSync(call, alice);
    await awaitPresence(call, bob, gone.since, alice.userId, "online");
  }, 40_000);

  it("activity (markActive, for routes such as sending a message) makes an idle user online, and the timer idles them again", async () => {
    const vars = { PRESENCE_IDLE_MS: "1500", PRESENCE_OFFLINE_MS: "600000" };
    const call = callWith(vars);
    const { alice, bob } = await sharedRoom(call);
    const since = await initialSync(call, bob);
    expect((await call("PUT", statusPath(alice.userId), { token: alice.accessToken, body: { presence: "online" } })).status).toBe(200);
    const idle = await awaitPresence(call, bob, since, alice.userId, "unavailable");
    await markActive({ ...env, ...vars }, alice.userId, { idleMs: 1500, offlineMs: 600_000 }, Date.now());
    const back = await awaitPresence(call, bob, idle.since, alice.userId, "online");
    await awaitPresence(call, bob, back.since, alice.userId, "unavailable");
  }, 40_000);
});
