// Helpers for the key backup tests: creating a backup, key data, and the /room_keys paths.
import { expect } from "vitest";
import type { Call, Registered } from "../api-rooms/support";

export type Json = Record<string, unknown>;

export const ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";

export const authData = (publicKey = "abcdefg"): Json => ({
  public_key: publicKey,
  signatures: { "@someone:example.org": { "ed25519:DEVICE": "signature" } },
});

/** POST /room_keys/version, expecting 200 with the new version. */
export async function createBackup(call: Call, user: Registered, data: Json = authData()): Promise<string> {
  const res = await call("POST", "room_keys/version", { token: user.accessToken, body: { algorithm: ALGORITHM, auth_data: data } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(typeof res.body["version"]).toBe("string");
  return res.body["version"] as string;
}

/** KeyBackupData with the three fields the replacement rule compares. */
export const keyData = (isVerified: boolean, firstMessageIndex: number, forwardedCount: number, tag = "k"): Json => ({
  first_message_index: firstMessageIndex,
  forwarded_count: forwardedCount,
  is_verified: isVerified,
  session_data: { ephemeral: `${tag}-eph`, ciphertext: `${tag}-ct`, mac: `${tag}-mac` },
});

/** /room_keys/keys, /room_keys/keys/{roomId} or /room_keys/keys/{roomId}/{sessionId} with ?version= (unless undefined). */
export function keysPath(version: string | undefined, roomId?: string, sessionId?: string): string {
  let path = "room_keys/keys";
  if (roomId !== undefined) path += `/${encodeURIComponent(roomId)}`;
  if (sessionId !== undefined) path += `/${encodeURIComponent(sessionId)}`;
  return version === undefined ? path : `${path}?version=${encodeURIComponent(version)}`;
}

/** PUT keys, expecting 200 {etag, count}. */
export async function putKeys(call: Call, user: Registered, path: string, body: Json): Promise<{ etag: string; count: number }> {
  const res = await call("PUT", path, { token: user.accessToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(["count", "etag"]);
  expect(typeof res.body["etag"]).toBe("string");
  return { etag: res.body["etag"] as string, count: res.body["count"] as number };
}

/** GET something, expecting 200, and its body. */
export async function getOk(call: Call, user: Registered, path: string): Promise<Json> {
  const res = await call("GET", path, { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
