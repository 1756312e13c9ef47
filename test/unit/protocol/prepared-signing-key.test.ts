// A prepared signing key (seed expanded once) signs exactly as noble's ed25519.sign does from the seed.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../../src/protocol/base64";
import type { JsonObject } from "../../../src/protocol/json-value";
import { canonicalJsonBytes } from "../../../src/protocol/canonical-json";
import { prepareSigningKey, publicKeyFromSeed, signJson, verifyJsonSignature } from "../../../src/protocol/signing";

const vectorSeed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
if (!vectorSeed.ok) throw new Error("vector seed must decode");

/** Deterministic seeds (protocol tests use no randomness): byte i of seed n is (n * 37 + i * 11) mod 256. */
const seeds = [vectorSeed.value, ...Array.from({ length: 8 }, (_, n) => Uint8Array.from({ length: 32 }, (_, i) => (n * 37 + i * 11) % 256))];

describe("prepareSigningKey", () => {
  it("derives the public key noble derives from the seed", () => {
    for (const seed of seeds) {
      expect(encodeBase64(prepareSigningKey("ed25519:a", seed).publicKey)).toBe(encodeBase64(publicKeyFromSeed(seed)));
    }
  });

  it("signs exactly as noble's ed25519.sign does from the seed", () => {
    for (const seed of seeds) {
      const prepared = prepareSigningKey("ed25519:a", seed);
      for (const value of [{}, { a: "b" }, { long: "y".repeat(300) }] as JsonObject[]) {
        const ours = (signJson(value, "s", prepared).signatures as Record<string, Record<string, string>>)["s"]!["ed25519:a"];
        expect(ours).toBe(encodeBase64(ed25519.sign(canonicalJsonBytes(value), seed)));
      }
    }
  });

  it("signs JSON byte-for-byte as an unprepared key with the same seed does", () => {
    const values: JsonObject[] = [{}, { one: 1, two: "Two" }, { nested: { a: [1, 2, 3], b: "é" }, unsigned: { age: 4 } }];
    for (const seed of seeds) {
      const prepared = prepareSigningKey("ed25519:a", seed);
      for (const value of values) {
        expect(signJson(value, "example.org", prepared)).toEqual(signJson(value, "example.org", { keyId: "ed25519:a", seed }));
        const signed = signJson(value, "example.org", prepared);
        expect(verifyJsonSignature(signed, "example.org", "ed25519:a", prepared.publicKey).ok).toBe(true);
      }
    }
  });

  it("gives the spec's signature for the empty object with the vector key", () => {
    const signed = signJson({}, "domain", prepareSigningKey("ed25519:1", vectorSeed.value));
    expect(signed).toEqual({
      signatures: {
        domain: { "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ" },
      },
    });
  });

  it("produces signatures noble verifies, for many message lengths", () => {
    const prepared = prepareSigningKey("ed25519:a", seeds[1]!);
    for (let length = 0; length < 200; length += 13) {
      const message: JsonObject = { body: "x".repeat(length) };
      const signed = signJson(message, "s", prepared);
      const signature = decodeBase64(String((signed.signatures as Record<string, Record<string, string>>)["s"]!["ed25519:a"]));
      if (!signature.ok) throw new Error("signature must decode");
      expect(ed25519.verify(signature.value, new TextEncoder().encode(JSON.stringify(message)), prepared.publicKey)).toBe(true);
    }
  });
});
