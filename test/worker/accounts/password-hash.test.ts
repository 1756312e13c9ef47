import { describe, expect, it } from "vitest";
import {
  burnPasswordVerification,
  constantTimeEqual,
  DEFAULT_PBKDF2_ITERATIONS,
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  needsRehash,
  verifyPassword,
} from "../../../src/accounts/password-hash";

describe("password hashing in workerd", () => {
  it("verifies the right password and rejects others", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapla", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("stores a self-describing string with a fresh salt each time", async () => {
    const a = await hashPassword("pw", { iterations: 1_000 });
    const b = await hashPassword("pw", { iterations: 1_000 });
    expect(a).toMatch(/^pbkdf2-sha256\$1000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("pw", b)).toBe(true);
  });

  it("handles non-ASCII passwords as UTF-8", async () => {
    const stored = await hashPassword("pässwörd 🔑", { iterations: 1_000 });
    expect(await verifyPassword("pässwörd 🔑", stored)).toBe(true);
    expect(await verifyPassword("passwörd 🔑", stored)).toBe(false);
  });

  it("matches an independent PBKDF2 computation (RFC 8018 construction, nothing home-made)", async () => {
    const stored = await hashPassword("password", { iterations: 1_000 });
    const [, , saltB64, hashB64] = stored.split("$");
    const salt = Uint8Array.from(atob(saltB64!.padEnd(24, "=")), (c) => c.charCodeAt(0));
    const { pbkdf2 } = await import("@noble/hashes/pbkdf2.js");
    const { sha256 } = await import("@noble/hashes/sha2.js");
    const expected = pbkdf2(sha256, new TextEncoder().encode("password"), salt, { c: 1_000, dkLen: 32 });
    expect(btoa(String.fromCharCode(...expected)).replace(/=+$/, "")).toBe(hashB64);
  });

  it("fails closed on stored values it cannot read, including hostile iteration counts", async () => {
    const good = await hashPassword("pw", { iterations: 1_000 });
    const [, , salt, hash] = good.split("$");
    for (const bad of [
      "",
      "plain",
      `bcrypt$1000$${salt}$${hash}`,
      `pbkdf2-sha256$999999999$${salt}$${hash}`,
      `pbkdf2-sha256$1$${salt}$${hash}`,
      `pbkdf2-sha256$1000$${salt}$${hash}AAAA`,
      `pbkdf2-sha256$1000$!!$${hash}`,
      `pbkdf2-sha256$1000$${salt}`,
    ]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
    }
  });

  it("clamps requested iterations to what production Workers accept", async () => {
    const stored = await hashPassword("pw", { iterations: 600_000 });
    expect(stored.split("$")[1]).toBe(String(MAX_PBKDF2_ITERATIONS));
  });

  it("asks for a rehash when the stored parameters are below the current ones", async () => {
    const weak = await hashPassword("pw", { iterations: 1_000 });
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(weak, { iterations: 1_000 })).toBe(false);
    expect(needsRehash("garbage")).toBe(true);
  });

  it("compares in constant time over the whole length", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([]))).toBe(true);
  });

  it("measures the cost of one hash at the default parameters", async () => {
    await hashPassword("warm-up", { iterations: 1_000 });
    const runs = 5;
    const started = performance.now();
    let stored = "";
    for (let i = 0; i < runs; i++) stored = await hashPassword(`password ${i}`);
    const hashMs = (performance.now() - started) / runs;
    const verifyStarted = performance.now();
    expect(await verifyPassword(`password ${runs - 1}`, stored)).toBe(true);
    const verifyMs = performance.now() - verifyStarted;
    const burnStarted = performance.now();
    expect(await burnPasswordVerification("x")).toBe(false);
    const burnMs = performance.now() - burnStarted;
    console.log(
      `PBKDF2-SHA256 ${DEFAULT_PBKDF2_ITERATIONS} iterations in workerd: ${hashMs.toFixed(1)} ms per hash, ` +
        `${verifyMs.toFixed(1)} ms per verify, ${burnMs.toFixed(1)} ms per dummy verify`,
    );
    expect(stored.split("$")[1]).toBe(String(DEFAULT_PBKDF2_ITERATIONS));
    // Far below the paid plan's 30 s CPU limit; a regression to a slow path (pure JS) would show here.
    expect(hashMs).toBeLessThan(2_000);
  });
});
