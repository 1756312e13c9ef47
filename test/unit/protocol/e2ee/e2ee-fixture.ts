// Real ed25519 keys for E2EE tests: a key from a seed byte, its public key, and JSON signed with it.
import { encodeBase64 } from "../../../../src/protocol/base64";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { prepareSigningKey, publicKeyFromSeed, signJson } from "../../../../src/protocol/signing";

export interface TestKey {
  readonly publicKey: string;
  /** `value` with a signature by `userId` under `keyId` (default `ed25519:<public key>`). */
  readonly sign: <T extends JsonObject>(value: T, userId: string, keyId?: string) => T;
}

export function testKey(seedByte: number): TestKey {
  const seed = new Uint8Array(32).fill(seedByte);
  const publicKey = encodeBase64(publicKeyFromSeed(seed));
  return {
    publicKey,
    sign: (value, userId, keyId = `ed25519:${publicKey}`) => signJson(value, userId, prepareSigningKey(keyId, seed)),
  };
}

/** A cross-signing key object of `usage` for `userId`, unsigned. */
export const crossSigningKey = (userId: string, usage: string, key: TestKey): JsonObject => ({
  user_id: userId,
  usage: [usage],
  keys: { [`ed25519:${key.publicKey}`]: key.publicKey },
});

/** A device_keys object for `deviceId`, self-signed with `key` as the device's ed25519 key. */
export const deviceKeys = (userId: string, deviceId: string, key: TestKey): JsonObject =>
  key.sign(
    {
      user_id: userId,
      device_id: deviceId,
      algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
      keys: { [`curve25519:${deviceId}`]: `curve-${deviceId}`, [`ed25519:${deviceId}`]: key.publicKey },
      signatures: {},
    },
    userId,
    `ed25519:${deviceId}`,
  );
