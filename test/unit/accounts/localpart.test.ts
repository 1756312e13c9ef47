import { describe, expect, it } from "vitest";
import { generateLocalpart, loginLocalpart, registrationLocalpart, userIdFor } from "../../../src/accounts/localpart";
import { isValidLocalpart } from "../../../src/protocol/identifiers/user-id";

describe("registration usernames", () => {
  it("lowercases, as the appendix asks of servers creating user IDs", () => {
    expect(registrationLocalpart("Alice", "example.org")).toEqual({ ok: true, value: "alice" });
    expect(registrationLocalpart("a.b_c=d-e/f+1", "example.org")).toEqual({ ok: true, value: "a.b_c=d-e/f+1" });
  });

  it.each([
    ["", "empty"],
    ["al ice", "space"],
    ["al:ice", "colon"],
    ["alice*", "wildcard"],
    ["ålice", "non-ASCII"],
    ["\u212aelvin", "KELVIN SIGN lowercases to ASCII k"],
    ["@alice", "sigil"],
  ])("rejects %j (%s) as M_INVALID_USERNAME", (username) => {
    const result = registrationLocalpart(username, "example.org");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error._tag).toBe("InvalidUsername");
  });

  it("rejects a username whose user ID would exceed 255 bytes", () => {
    const server = "example.org";
    const fits = "a".repeat(255 - 2 - server.length);
    expect(registrationLocalpart(fits, server).ok).toBe(true);
    expect(registrationLocalpart(`${fits}a`, server).ok).toBe(false);
  });

  it("generates valid localparts", () => {
    for (let i = 0; i < 50; i++) expect(isValidLocalpart(generateLocalpart())).toBe(true);
    expect(userIdFor("bob", "example.org:8448")).toBe("@bob:example.org:8448");
  });
});

describe("login identifiers", () => {
  it("accepts a bare localpart or a user ID of this server, case-insensitively", () => {
    expect(loginLocalpart("Alice", "example.org")).toBe("alice");
    expect(loginLocalpart("@Alice:example.org", "example.org")).toBe("alice");
    expect(loginLocalpart("@alice:example.org:8448", "example.org:8448")).toBe("alice");
  });

  it("refuses other servers and malformed identifiers", () => {
    expect(loginLocalpart("@alice:other.org", "example.org")).toBeUndefined();
    expect(loginLocalpart("@alice", "example.org")).toBeUndefined();
    expect(loginLocalpart("", "example.org")).toBeUndefined();
    expect(loginLocalpart("alice:example.org", "example.org")).toBeUndefined();
  });
});
