// Keys made from a seed (SIGNING_KEY_SEED, the D1 row, a fresh key) come prepared: the seed expanded once.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../../../src/protocol/base64";
import { generateSigningKey, keyFromSeed, parseSigningKeySeed } from "../../../src/platform/signing-key-material";

const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) % 256);
let counter = 0;
const fakeRandom = (length: number) => Uint8Array.from({ length }, () => counter++ % 256);

describe("signing key material", () => {
  it("keyFromSeed, parseSigningKeySeed and generateSigningKey carry the expanded seed and its public key", () => {
    const parsed = parseSigningKeySeed(`ed25519 abc ${encodeBase64(seed)}`);
    for (const key of [keyFromSeed("ed25519:x", seed), parsed, generateSigningKey(fakeRandom)]) {
      if (key === undefined) throw new Error("the seed must parse");
      expect(key.expanded).toBeDefined();
      expect(encodeBase64(key.expanded!.publicKey)).toBe(encodeBase64(ed25519.getPublicKey(key.seed)));
      expect(encodeBase64(key.publicKey)).toBe(encodeBase64(ed25519.getPublicKey(key.seed)));
    }
    expect(parsed?.keyId).toBe("ed25519:abc");
  });

  it("derives a stable version from the public key for a bare seed", () => {
    const key = parseSigningKeySeed(encodeBase64(seed));
    const hex = [...ed25519.getPublicKey(seed).slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(key?.keyId).toBe(`ed25519:seed_${hex}`);
  });
});
