import { describe, expect, it } from "vitest";
import {
  generateAccessToken,
  generateDeviceId,
  generateRefreshToken,
  hashToken,
  randomOpaqueId,
  randomString,
} from "../../../src/accounts/tokens";

describe("tokens", () => {
  it("access and refresh tokens carry 256 random bits behind a recognisable prefix", () => {
    const access = generateAccessToken();
    const refresh = generateRefreshToken();
    expect(access).toMatch(/^mat_[A-Za-z0-9_-]{43}$/);
    expect(refresh).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    const seen = new Set(Array.from({ length: 1000 }, generateAccessToken));
    expect(seen.size).toBe(1000);
  });

  it("hashes deterministically to unpadded URL-safe base64 of sha256", () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(hashToken("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    expect(hashToken("mat_x")).not.toBe(hashToken("mat_y"));
  });

  it("makes opaque IDs in the opaque-identifier alphabet", () => {
    expect(randomOpaqueId(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("makes ten-letter device IDs", () => {
    for (let i = 0; i < 100; i++) expect(generateDeviceId()).toMatch(/^[A-Z]{10}$/);
  });

  it("draws every character of the alphabet with roughly equal frequency", () => {
    const alphabet = "abc";
    const text = randomString(alphabet, 30_000);
    expect(text).toHaveLength(30_000);
    for (const c of alphabet) {
      const n = text.split(c).length - 1;
      expect(n).toBeGreaterThan(9_000);
      expect(n).toBeLessThan(11_000);
    }
  });
});
