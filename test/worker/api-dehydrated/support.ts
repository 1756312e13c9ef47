// Helpers for the dehydrated-device tests (MSC3814): the unstable paths and a dehydrated device's upload body.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { type Call, type Registered } from "../api-rooms/support";
import { freshKey } from "../api-keys/support";

export const MSC3814 = "/_matrix/client/unstable/org.matrix.msc3814.v1";
export const DEVICE_PATH = `${MSC3814}/dehydrated_device`;
export const eventsPath = (deviceId: string, from?: string): string =>
  `${DEVICE_PATH}/${encodeURIComponent(deviceId)}/events${from === undefined ? "" : `?from=${encodeURIComponent(from)}`}`;

let n = 0;
/** A device ID shaped like an unpadded base64 curve25519 key, with the `+` and `/` such IDs hold. */
export const dehydratedId = (): string => `Dh+${Date.now().toString(36)}/${(n++).toString(36)}${"A".repeat(30)}`;

/** Identity keys with MSC3814's `dehydrated: true`, self-signed by the device's ed25519 key. */
export function dehydratedKeys(userId: string, deviceId: string): Record<string, unknown> {
  const key = freshKey();
  return key.sign(
    {
      user_id: userId,
      device_id: deviceId,
      algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
      keys: { [`curve25519:${deviceId}`]: deviceId, [`ed25519:${deviceId}`]: key.publicKey },
      dehydrated: true,
      signatures: {},
    },
    userId,
    `ed25519:${deviceId}`,
  );
}

/** The body of PUT /dehydrated_device for `deviceId`, as matrix-js-sdk sends it. */
export function dehydratedBody(user: Registered, deviceId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_id: deviceId,
    device_data: { algorithm: "org.matrix.msc3814.v2", device_pickle: `pickle-of-${deviceId}`, nonce: "bm9uY2U" },
    initial_device_display_name: "Dehydrated device",
    device_keys: dehydratedKeys(user.userId, deviceId),
    one_time_keys: {
      [`signed_curve25519:${deviceId}-1`]: { key: "otk-1", signatures: {} },
      [`signed_curve25519:${deviceId}-2`]: { key: "otk-2", signatures: {} },
    },
    fallback_keys: { [`signed_curve25519:${deviceId}-f`]: { key: "fallback", fallback: true, signatures: {} } },
    ...extra,
  };
}

/** PUT /dehydrated_device, expecting 200 with the device's ID. */
export async function dehydrate(call: Call, user: Registered, deviceId = dehydratedId(), extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call("PUT", DEVICE_PATH, { token: user.accessToken, body: dehydratedBody(user, deviceId, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toEqual({ device_id: deviceId });
  return deviceId;
}

/** Rows of `table` for the user's device (`user_id`/`device_id` columns, or the inbox's recipient columns). */
export async function rowsFor(table: string, userId: string, deviceId: string): Promise<number> {
  const [u, d] = table === "to_device_inbox" ? ["recipient_user", "recipient_device"] : ["user_id", "device_id"];
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${u} = ? AND ${d} = ?`).bind(userId, deviceId).first<{ n: number }>();
  return row!.n;
}
