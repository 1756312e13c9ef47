// Helpers for the /keys route tests: users on the room DOs' server, key objects, uploads and tokens.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { type Call, createRoom, path, type Registered, roomApp, users } from "../api-rooms/support";
import { deviceKeys, testKey, type TestKey } from "../../unit/protocol/e2ee/e2ee-fixture";

export { crossSigningKey, deviceKeys, testKey, type TestKey } from "../../unit/protocol/e2ee/e2ee-fixture";
export { createRoom, expectStatus } from "../api-rooms/support";
export type { Call, Registered };

export const keysApp = (): Call => roomApp();
export { users };

let seed = 10;
/** A fresh ed25519 key for each call (seed bytes 10..255 cycle; tests only need them distinct per user). */
export const freshKey = (): TestKey => testKey((seed = seed >= 255 ? 10 : seed + 1));

/** Uploads the device's identity keys (and optional one-time/fallback keys); returns the response body. */
export async function uploadKeys(
  call: Call,
  user: Registered,
  extra: { one_time_keys?: Record<string, unknown>; fallback_keys?: Record<string, unknown>; withDeviceKeys?: boolean } = {},
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (extra.withDeviceKeys !== false) body["device_keys"] = deviceKeys(user.userId, user.deviceId, freshKey());
  if (extra.one_time_keys !== undefined) body["one_time_keys"] = extra.one_time_keys;
  if (extra.fallback_keys !== undefined) body["fallback_keys"] = extra.fallback_keys;
  const res = await call("POST", "keys/upload", { token: user.accessToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** `count` signed_curve25519 one-time keys with IDs `<prefix>0`, `<prefix>1`, … */
export const otks = (prefix: string, count: number): Record<string, unknown> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`signed_curve25519:${prefix}${i}`, { key: `${prefix}-key-${i}`, signatures: {} }]));

/** A sync token at the current heads of the room-event and device-list streams. */
export async function currentToken(): Promise<string> {
  const [pdu, lists] = await env.DB.batch<{ p: number }>([
    env.DB.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS p FROM events"),
    env.DB.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS p FROM device_list_changes"),
  ]);
  return `s${pdu?.results[0]?.p ?? 0}_0_0_0_0_0_${lists?.results[0]?.p ?? 0}`;
}

/**
 * Alice and bob share a public room (bob's keys uploaded first when `bobKeys`); alice long-polls
 * /sync from a caught-up token while `change` runs. Returns her /sync's body and how long it took.
 */
export async function pollAcross(
  call: Call,
  change: (bob: Registered) => Promise<void>,
  options: { readonly bobKeys: boolean },
): Promise<{ bob: Registered; sync: Record<string, unknown>; ms: number }> {
  const [alice, bob] = await users(call, 2);
  const roomId = await createRoom(call, alice!, { preset: "public_chat" });
  const joined = await call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} });
  expect(joined.status).toBe(200);
  if (options.bobKeys) await uploadKeys(call, bob!);
  const first = await call("GET", "sync?timeout=0", { token: alice!.accessToken });
  // Caught up past bob's join (and keys), so the long-poll waits for `change` alone.
  const caughtUp = await call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: alice!.accessToken });
  const since = caughtUp.body["next_batch"] as string;
  const started = Date.now();
  const polled = call("GET", `sync?timeout=20000&since=${since}`, { token: alice!.accessToken });
  await new Promise((r) => setTimeout(r, 200));
  await change(bob!);
  const res = await polled;
  expect(res.status).toBe(200);
  return { bob: bob!, sync: res.body, ms: Date.now() - started };
}

/** The users a /sync body lists in device_lists.changed. */
export const changedUsers = (sync: Record<string, unknown>): string[] => (sync["device_lists"] as { changed?: string[] } | undefined)?.changed ?? [];
