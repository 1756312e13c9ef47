// GET /_matrix/key/v2/server: the published key verifies its own signature, persists, and is made once.
import { env, SELF } from "cloudflare:test";
import { Effect } from "effect";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import { decodeBase64, encodeBase64 } from "../../src/protocol/base64";
import { isJsonObject, type JsonObject } from "../../src/protocol/json-value";
import { publicKeyFromSeed, verifyJsonSignature } from "../../src/protocol/signing";
import { forgetCachedSigningKeys, makeD1SigningKeyStore } from "../../src/platform/d1-signing-key-store";
import { testServices } from "../../src/platform/services";

const KEY_ID = /^ed25519:[a-zA-Z0-9_]+$/;

async function fetchKeys(): Promise<JsonObject> {
  const res = await SELF.fetch("http://localhost/_matrix/key/v2/server");
  expect(res.status).toBe(200);
  const body: unknown = await res.json();
  if (!isJsonObject(body)) throw new Error("not an object");
  return body;
}

function currentKey(body: JsonObject): { keyId: string; publicKey: Uint8Array } {
  const verifyKeys = body["verify_keys"];
  if (!isJsonObject(verifyKeys)) throw new Error("no verify_keys");
  const ids = Object.keys(verifyKeys);
  expect(ids).toHaveLength(1);
  const keyId = ids[0]!;
  const entry = verifyKeys[keyId];
  if (!isJsonObject(entry) || typeof entry["key"] !== "string") throw new Error("no key");
  const decoded = decodeBase64(entry["key"]);
  if (!decoded.ok) throw new Error("bad base64");
  return { keyId, publicKey: decoded.value };
}

async function clearKeys(): Promise<void> {
  await env.DB.prepare("DELETE FROM server_signing_keys").run();
  forgetCachedSigningKeys();
}

describe("GET /_matrix/key/v2/server", () => {
  beforeEach(clearKeys);

  it("publishes one ed25519 key, signed by itself, valid for KEY_VALIDITY_MS", async () => {
    const before = Date.now();
    const body = await fetchKeys();
    expect(body["server_name"]).toBe(env.SERVER_NAME);
    expect(body["old_verify_keys"]).toEqual({});
    const { keyId, publicKey } = currentKey(body);
    expect(keyId).toMatch(KEY_ID);
    expect(publicKey).toHaveLength(32);
    expect(verifyJsonSignature(body, env.SERVER_NAME, keyId, publicKey)).toEqual({ ok: true, value: undefined });
    const validUntil = body["valid_until_ts"];
    expect(typeof validUntil).toBe("number");
    expect(validUntil as number).toBeGreaterThanOrEqual(before + Number(env.KEY_VALIDITY_MS));
    expect(validUntil as number).toBeLessThanOrEqual(Date.now() + Number(env.KEY_VALIDITY_MS));
    // Tampering breaks the signature: the check above is not vacuous.
    const tampered = { ...body, valid_until_ts: (validUntil as number) + 1 };
    expect(verifyJsonSignature(tampered, env.SERVER_NAME, keyId, publicKey).ok).toBe(false);
  });

  it("stores the key in D1 with the seed that gives the published public key", async () => {
    const { keyId, publicKey } = currentKey(await fetchKeys());
    const rows = await env.DB.prepare("SELECT key_id, seed_b64, public_key_b64, expired_ts FROM server_signing_keys").all<{
      key_id: string;
      seed_b64: string;
      public_key_b64: string;
      expired_ts: number | null;
    }>();
    expect(rows.results).toHaveLength(1);
    const row = rows.results[0]!;
    expect(row.key_id).toBe(keyId);
    expect(row.expired_ts).toBeNull();
    expect(row.public_key_b64).toBe(encodeBase64(publicKey));
    const seed = decodeBase64(row.seed_b64);
    expect(seed.ok && encodeBase64(publicKeyFromSeed(seed.value))).toBe(encodeBase64(publicKey));
  });

  it("returns the same key every time, also once the in-isolate cache is dropped", async () => {
    const first = currentKey(await fetchKeys());
    expect(currentKey(await fetchKeys())).toEqual(first);
    forgetCachedSigningKeys();
    expect(currentKey(await fetchKeys())).toEqual(first);
  });

  it("reads D1 again after the cache is dropped (the cache is real, and so is the persistence)", async () => {
    const first = currentKey(await fetchKeys());
    const seed = new Uint8Array(32).fill(7);
    const otherPublic = encodeBase64(publicKeyFromSeed(seed));
    await env.DB.prepare("UPDATE server_signing_keys SET seed_b64 = ?, public_key_b64 = ?")
      .bind(encodeBase64(seed), otherPublic)
      .run();
    expect(currentKey(await fetchKeys())).toEqual(first);
    forgetCachedSigningKeys();
    expect(encodeBase64(currentKey(await fetchKeys()).publicKey)).toBe(otherPublic);
  });

  it("publishes retired keys under old_verify_keys with expired_ts", async () => {
    const current = currentKey(await fetchKeys());
    const oldSeed = new Uint8Array(32).fill(3);
    await env.DB.prepare(
      "INSERT INTO server_signing_keys (key_id, seed_b64, public_key_b64, created_ts, expired_ts) VALUES (?, ?, ?, 1, 1000)",
    )
      .bind("ed25519:old", encodeBase64(oldSeed), encodeBase64(publicKeyFromSeed(oldSeed)))
      .run();
    forgetCachedSigningKeys();
    const body = await fetchKeys();
    expect(currentKey(body)).toEqual(current);
    expect(body["old_verify_keys"]).toEqual({
      "ed25519:old": { key: encodeBase64(publicKeyFromSeed(oldSeed)), expired_ts: 1000 },
    });
  });

  it("refuses to sign with a stored key whose seed does not match its public key (500, not a wrong key)", async () => {
    await fetchKeys();
    await env.DB.prepare("UPDATE server_signing_keys SET public_key_b64 = ?").bind(encodeBase64(new Uint8Array(32))).run();
    forgetCachedSigningKeys();
    const res = await SELF.fetch("http://localhost/_matrix/key/v2/server");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errcode: "M_UNKNOWN", error: "Internal server error" });
  });

  it("uses SIGNING_KEY_SEED instead of D1 when set, in either accepted format", async () => {
    const seed = new Uint8Array(32).fill(9);
    const app = createApp();
    for (const [text, expectedId] of [
      [encodeBase64(seed), /^ed25519:seed_[0-9a-f]{8}$/],
      [`ed25519 a_Bc9 ${encodeBase64(seed)}`, /^ed25519:a_Bc9$/],
    ] as const) {
      const res = await app.request("/_matrix/key/v2/server", {}, { ...env, SIGNING_KEY_SEED: text });
      const body = (await res.json()) as JsonObject;
      const { keyId, publicKey } = currentKey(body);
      expect(keyId).toMatch(expectedId);
      expect(encodeBase64(publicKey)).toBe(encodeBase64(publicKeyFromSeed(seed)));
      expect(verifyJsonSignature(body, env.SERVER_NAME, keyId, publicKey).ok).toBe(true);
    }
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM server_signing_keys").first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("refuses a malformed SIGNING_KEY_SEED rather than ignoring it", async () => {
    const app = createApp();
    for (const text of ["not base64!", encodeBase64(new Uint8Array(31)), `ed25519 bad-version ${encodeBase64(new Uint8Array(32))}`]) {
      const res = await app.request("/_matrix/key/v2/server", {}, { ...env, SIGNING_KEY_SEED: text });
      expect(res.status, text).toBe(500);
    }
  });

  it("uses the clock and validity from the services", async () => {
    const app = createApp({ services: testServices({ nowMs: 1_000_000, config: { keyValidityMs: 5 } }) });
    const res = await app.request("/_matrix/key/v2/server", {}, env);
    const body = (await res.json()) as JsonObject;
    expect(body["valid_until_ts"]).toBe(1_000_005);
    expect(body["server_name"]).toBe("test.example");
  });
});

describe("D1 signing-key store", () => {
  beforeEach(clearKeys);

  it("ends with one key when many isolates create the first key at once", async () => {
    // Separate stores stand in for separate isolates: each reads D1 before any of them has written.
    const generated = new Set<number>();
    const stores = Array.from({ length: 8 }, (_, i) =>
      makeD1SigningKeyStore(env.DB, {
        nowMs: () => 1000,
        randomBytes: (length) => {
          generated.add(i);
          return new Uint8Array(length).fill(i + 1);
        },
      }),
    );
    const results = await Promise.all(stores.map((store) => Effect.runPromise(store.keys)));
    // The race really happened: several stores found no key and made one of their own.
    expect(generated.size).toBeGreaterThan(1);
    const ids = new Set(results.map((keys) => keys.current.keyId));
    const publicKeys = new Set(results.map((keys) => encodeBase64(keys.current.publicKey)));
    expect(ids.size).toBe(1);
    expect(publicKeys.size).toBe(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM server_signing_keys").first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("never lets a second current key in, even by a direct insert", async () => {
    await Effect.runPromise(makeD1SigningKeyStore(env.DB, { nowMs: () => 1 }).keys);
    await expect(
      env.DB.prepare("INSERT INTO server_signing_keys (key_id, seed_b64, public_key_b64, created_ts) VALUES ('ed25519:x', 'a', 'b', 2)").run(),
    ).rejects.toThrow(/UNIQUE/);
  });
});
