// Reading the vars: server name grammar, base URL, registration policy, key validity, the seed override.
import { env } from "cloudflare:test";
import { Effect, Exit } from "effect";
import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../../src/protocol/base64";
import { readServerConfig } from "../../src/platform/server-config";
import { parseServerName } from "../../src/platform/server-name";
import { generateSigningKey, parseSigningKeySeed } from "../../src/platform/signing-key-material";

const vars = { SERVER_NAME: "example.org", PUBLIC_BASE_URL: "", REGISTRATION: "closed", KEY_VALIDITY_MS: "1000" };
const read = (overrides: Partial<typeof vars>) => Effect.runSyncExit(readServerConfig({ ...vars, ...overrides }));

describe("parseServerName", () => {
  it("accepts the spec's examples", () => {
    for (const name of ["matrix.org", "matrix.org:8888", "1.2.3.4", "1.2.3.4:1234", "[1234:5678::abcd]", "[1234:5678::abcd]:5678", "localhost:8008"]) {
      expect(parseServerName(name), name).toBeDefined();
    }
    expect(parseServerName("[::1]:8448")).toEqual({ host: "[::1]", port: 8448 });
    expect(parseServerName("example.org")).toEqual({ host: "example.org", port: undefined });
  });

  it("rejects names outside the grammar", () => {
    for (const name of ["", "a b", "example.org:", "example.org:99999", "example.org:80:80", "1.2.3.256", "[xyz]", "ex_ample.org", "@a:b"]) {
      expect(parseServerName(name), name).toBeUndefined();
    }
  });
});

describe("readServerConfig", () => {
  it("reads good vars", () => {
    expect(read({ PUBLIC_BASE_URL: "https://m.example.org/", REGISTRATION: "token" })).toEqual(
      Exit.succeed({ serverName: "example.org", publicBaseUrl: "https://m.example.org", registration: "token", keyValidityMs: 1000 }),
    );
    expect(Exit.isSuccess(read({}))).toBe(true);
  });

  it("fails closed on anything unusable", () => {
    const reasonOf = (overrides: Partial<typeof vars>) => {
      const exit = read(overrides);
      return Exit.isFailure(exit) ? exit.cause.reasons.map((r) => (r._tag === "Fail" ? r.error.reason : r._tag)) : [];
    };
    expect(reasonOf({ SERVER_NAME: "bad name" })).toEqual(["bad_server_name"]);
    expect(reasonOf({ PUBLIC_BASE_URL: "not a url" })).toEqual(["bad_public_base_url"]);
    expect(reasonOf({ PUBLIC_BASE_URL: "ftp://x.example" })).toEqual(["bad_public_base_url"]);
    expect(reasonOf({ REGISTRATION: "Open" })).toEqual(["bad_registration"]);
    expect(reasonOf({ KEY_VALIDITY_MS: "0" })).toEqual(["bad_key_validity"]);
    expect(reasonOf({ KEY_VALIDITY_MS: "7 days" })).toEqual(["bad_key_validity"]);
  });

  it("accepts the shipped wrangler.toml vars", () => {
    expect(Exit.isSuccess(Effect.runSyncExit(readServerConfig(env)))).toBe(true);
  });
});

describe("signing key material", () => {
  it("generates key IDs the spec allows, from the random source", () => {
    let byte = 0;
    const key = generateSigningKey((n) => Uint8Array.from({ length: n }, () => byte++ % 256));
    expect(key.keyId).toMatch(/^ed25519:[a-zA-Z0-9]{8}$/);
    expect(key.seed).toHaveLength(32);
    expect(key.publicKey).toHaveLength(32);
  });

  it("derives a stable key ID from a bare seed, and keeps the one given in the Synapse layout", () => {
    const seed = encodeBase64(new Uint8Array(32).fill(1));
    expect(parseSigningKeySeed(seed)?.keyId).toBe(parseSigningKeySeed(` ${seed}\n`)?.keyId);
    expect(parseSigningKeySeed(`ed25519 auto_1 ${seed}`)?.keyId).toBe("ed25519:auto_1");
    expect(parseSigningKeySeed(`ed25519 auto-1 ${seed}`)).toBeUndefined();
    expect(parseSigningKeySeed(`curve25519 a ${seed}`)).toBeUndefined();
    expect(parseSigningKeySeed(`ed25519 ${seed}`)).toBeUndefined();
  });
});
