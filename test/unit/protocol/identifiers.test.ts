import { describe, expect, it } from "vitest";
import { encodeBase64, encodeBase64Url } from "../../../src/protocol/base64";
import {
  isCompliantLocalpart,
  isHashIdentifier,
  isHistoricalLocalpart,
  isIpv4Literal,
  isIpv6Literal,
  isOpaqueIdentifier,
  isSpecRoomVersionId,
  isValidLocalpart,
  parseDeviceId,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseRoomVersionId,
  parseServerName,
  parseUserId,
  roomAliasLocalpart,
  roomAliasServerName,
  roomIdFormat,
  roomIdServerName,
  userIdLocalpart,
  userIdServerName,
  type InvalidIdentifier,
} from "../../../src/protocol/identifiers/ids";
import type { Result } from "../../../src/protocol/result";
import { roomVersionRules } from "../../../src/protocol/room-versions";

const errorOf = <T>(r: Result<T, InvalidIdentifier>): InvalidIdentifier => {
  if (r.ok) throw new Error(`expected a rejection, got ${String(r.value)}`);
  return r.error;
};
const valueOf = <T>(r: Result<T, InvalidIdentifier>): T => {
  if (!r.ok) throw new Error(`expected success, got ${r.error.kind}/${r.error.reason}`);
  return r.value;
};

/** 32 bytes counting up from `start`: a stand-in for a SHA-256 hash. */
const fakeHash = (start: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (start + i * 37) & 0xff);

describe("server names", () => {
  it("accepts the spec's examples with their kinds and ports", () => {
    expect(valueOf(parseServerName("matrix.org"))).toEqual({ serverName: "matrix.org", host: "matrix.org", kind: "dns" });
    expect(valueOf(parseServerName("matrix.org:8888"))).toEqual({
      serverName: "matrix.org:8888",
      host: "matrix.org",
      port: 8888,
      kind: "dns",
    });
    expect(valueOf(parseServerName("1.2.3.4"))).toMatchObject({ host: "1.2.3.4", kind: "ipv4" });
    expect(valueOf(parseServerName("1.2.3.4:1234"))).toMatchObject({ host: "1.2.3.4", port: 1234, kind: "ipv4" });
    expect(valueOf(parseServerName("[1234:5678::abcd]"))).toMatchObject({ host: "1234:5678::abcd", kind: "ipv6" });
    expect(valueOf(parseServerName("[1234:5678::abcd]:5678"))).toMatchObject({
      host: "1234:5678::abcd",
      port: 5678,
      kind: "ipv6",
    });
  });

  it("has no port key when none is given", () => {
    expect("port" in valueOf(parseServerName("example.com"))).toBe(false);
  });

  it.each([
    "localhost",
    "localhost:8008",
    "a",
    "EXAMPLE.COM",
    "my-server.example.co.uk",
    "xn--bcher-kva.example",
    "example.com.",
    "123abc",
    "1.2.3", // all digits and dots but not dotted-quad shaped: a DNS name by the grammar
    "0.0.0.0",
    "255.255.255.255:65535",
    "example.com:1",
    "example.com:00080",
    "a".repeat(255),
    "[::]",
    "[::1]",
    "[::1]:8448",
    "[1:2:3:4:5:6:7:8]",
    "[ABCD:EF01:2345:6789:abcd:ef01:2345:6789]",
    "[FF01::101]",
    "[1080::8:800:200C:417A]",
    "[1::]",
    "[1:2:3:4:5:6:7::]",
    "[::2:3:4:5:6:7:8]",
    "[::13.1.68.3]",
    "[::FFFF:129.144.52.38]",
    "[0:0:0:0:0:0:13.1.68.3]",
    "[1:2:3:4:5::1.2.3.4]",
  ])("accepts %s", (name) => {
    expect(parseServerName(name).ok).toBe(true);
  });

  it.each<[string, InvalidIdentifier["reason"]]>([
    ["", "empty"],
    [":8008", "empty"],
    ["a".repeat(256), "too_long"],
    ["exa mple.com", "invalid_character"],
    ["exa_mple.com", "invalid_character"],
    ["ex@mple.com", "invalid_character"],
    ["exämple.com", "invalid_character"],
    ["example.com/", "invalid_character"],
    ["example.com:", "invalid_port"],
    ["example.com:0", "invalid_port"],
    ["example.com:65536", "invalid_port"],
    ["example.com:123456", "invalid_port"],
    ["example.com:80a", "invalid_port"],
    ["example.com:-1", "invalid_port"],
    ["example.com:80:80", "invalid_port"],
    ["example.com: 80", "invalid_port"],
    ["1.2.3.256", "invalid_ip_literal"],
    ["999.1.1.1:80", "invalid_ip_literal"],
    ["[::1", "invalid_ip_literal"],
    ["[]", "invalid_ip_literal"],
    ["[:]", "invalid_ip_literal"],
    ["[1.2.3.4]", "invalid_ip_literal"],
    ["[example.com]", "invalid_ip_literal"],
    ["[1:2:3:4:5:6:7]", "invalid_ip_literal"],
    ["[1:2:3:4:5:6:7:8:9]", "invalid_ip_literal"],
    ["[1:2:3:4:5:6:7:8::]", "invalid_ip_literal"],
    ["[1::2::3]", "invalid_ip_literal"],
    ["[:::]", "invalid_ip_literal"],
    ["[12345::]", "invalid_ip_literal"],
    ["[g::1]", "invalid_ip_literal"],
    ["[:1:2:3:4:5:6:7]", "invalid_ip_literal"],
    ["[1:2:3:4:5:6:7:]", "invalid_ip_literal"],
    ["[::1.2.3.256]", "invalid_ip_literal"],
    ["[1.2.3.4::]", "invalid_ip_literal"],
    ["[::1.2.3.4:1]", "invalid_ip_literal"],
    ["[1:2:3:4:5:6:7:1.2.3.4]", "invalid_ip_literal"],
    ["[fe80::1%eth0]", "invalid_ip_literal"],
    ["[::1]:0", "invalid_port"],
    ["[::1]8448", "invalid_character"],
    ["::1", "empty"],
  ])("rejects %j (%s)", (name, reason) => {
    expect(errorOf(parseServerName(name))).toEqual({ _tag: "InvalidIdentifier", kind: "server_name", reason });
  });

  it("checks IP literals on their own", () => {
    expect(isIpv4Literal("10.0.0.1")).toBe(true);
    expect(isIpv4Literal("10.0.0")).toBe(false);
    expect(isIpv4Literal("1000.0.0.1")).toBe(false);
    expect(isIpv6Literal("2001:db8::1")).toBe(true);
    expect(isIpv6Literal("::ffff:192.0.2.128")).toBe(true);
    expect(isIpv6Literal("2001:db8::1::")).toBe(false);
    expect(isIpv6Literal("0000:0000:0000:0000:0000:ffff:255.255.255.255")).toBe(true); // 45 characters
    expect(isIpv6Literal("00000:0000:0000:0000:0000:ffff:255.255.255.255")).toBe(false);
  });
});

describe("user IDs", () => {
  it("accepts ordinary IDs and splits them", () => {
    const id = valueOf(parseUserId("@alice:example.org"));
    expect(id).toBe("@alice:example.org");
    expect(userIdLocalpart(id)).toBe("alice");
    expect(userIdServerName(id)).toBe("example.org");
  });

  it("splits at the first colon, keeping ports and IPv6 literals in the server name", () => {
    const withPort = valueOf(parseUserId("@bob:localhost:8008"));
    expect(userIdLocalpart(withPort)).toBe("bob");
    expect(userIdServerName(withPort)).toBe("localhost:8008");
    const ipv6 = valueOf(parseUserId("@carol:[::1]:8448"));
    expect(userIdServerName(ipv6)).toBe("[::1]:8448");
  });

  it("takes every character of the new-ID grammar", () => {
    expect(isValidLocalpart("a-z.0_9=/+")).toBe(true);
    expect(valueOf(parseUserId("@a-z.0_9=/+:example.org", { allowHistorical: false }))).toBeDefined();
  });

  it.each(["Alice", "alice!", "al ice", "ali:ce", "", "élodie", "a*b", "a#b", "a@b", "a\u0000b"])(
    "the new-ID grammar refuses %j",
    (localpart) => {
      expect(isValidLocalpart(localpart)).toBe(false);
    },
  );

  it.each(["Alice", "alice!", "al ice", "", "élodie", "日本", "😀", "a\u0001b", "a\u007fb", "#$%&'()*"])(
    "historical localpart %j is accepted from federation but not for new IDs",
    (localpart) => {
      expect(isHistoricalLocalpart(localpart)).toBe(true);
      expect(parseUserId(`@${localpart}:example.org`).ok).toBe(true);
      if (!isValidLocalpart(localpart)) {
        expect(errorOf(parseUserId(`@${localpart}:example.org`, { allowHistorical: false }))).toEqual({
          _tag: "InvalidIdentifier",
          kind: "user_id",
          reason: "invalid_localpart",
        });
      }
    },
  );

  it.each(["a\u0000b", "\ud800", "a\udc00", "\ude00\ud83d"])("even historical localparts refuse NUL and lone surrogates (%j)", (localpart) => {
    expect(isHistoricalLocalpart(localpart)).toBe(false);
    expect(errorOf(parseUserId(`@${localpart}:example.org`)).reason).toBe("invalid_localpart");
  });

  it("marks compliance as the appendix defines it (U+0021 to U+007E, non-empty)", () => {
    expect(isCompliantLocalpart("alice")).toBe(true);
    expect(isCompliantLocalpart("Alice!")).toBe(true);
    expect(isCompliantLocalpart("")).toBe(false);
    expect(isCompliantLocalpart("al ice")).toBe(false);
    expect(isCompliantLocalpart("élodie")).toBe(false);
    expect(isCompliantLocalpart("a\u007f")).toBe(false);
  });

  it("allows exactly 255 bytes, counting UTF-8 bytes rather than characters", () => {
    const server = "example.org";
    const fill = 255 - 2 - server.length;
    expect(parseUserId(`@${"a".repeat(fill)}:${server}`).ok).toBe(true);
    expect(errorOf(parseUserId(`@${"a".repeat(fill + 1)}:${server}`)).reason).toBe("too_long");
    // "é" is 2 bytes and "😀" is 4: the same character count is over the limit in bytes.
    expect(parseUserId(`@${"é".repeat(fill / 2 - 1)}a:${server}`).ok).toBe(fill % 2 === 0);
    expect(errorOf(parseUserId(`@${"é".repeat(Math.ceil(fill / 2))}a:${server}`)).reason).toBe("too_long");
    expect(errorOf(parseUserId(`@${"😀".repeat(Math.floor(fill / 4) + 1)}:${server}`)).reason).toBe("too_long");
    expect(parseUserId(`@${"😀".repeat(Math.floor(fill / 4))}:${server}`).ok).toBe(true);
  });

  it.each<[string, InvalidIdentifier["reason"]]>([
    ["", "empty"],
    ["alice:example.org", "missing_sigil"],
    ["#alice:example.org", "missing_sigil"],
    ["@alice", "missing_server"],
    ["@alice:", "invalid_server_name"],
    ["@alice:exa mple.org", "invalid_server_name"],
    ["@alice:example.org:99999", "invalid_server_name"],
    ["@alice:[::1", "invalid_server_name"],
    ["@alice:1.2.3.999", "invalid_server_name"],
  ])("rejects %j (%s)", (text, reason) => {
    expect(errorOf(parseUserId(text))).toEqual({ _tag: "InvalidIdentifier", kind: "user_id", reason });
  });

  it("accepts the empty historical localpart", () => {
    expect(userIdLocalpart(valueOf(parseUserId("@:example.org")))).toBe("");
    expect(errorOf(parseUserId("@:example.org", { allowHistorical: false })).reason).toBe("invalid_localpart");
  });
});

describe("room IDs", () => {
  const v12Id = "!" + encodeBase64Url(fakeHash(1));

  it("accepts `!opaque:server` in versions 1 to 11", () => {
    const id = valueOf(parseRoomId("!OGEhHVWSdvArJzumhm:matrix.org", { format: "with_server" }));
    expect(roomIdServerName(id)).toBe("matrix.org");
    expect(parseRoomId("!a:localhost:8008", { format: "with_server" }).ok).toBe(true);
    expect(parseRoomId("!Ünïcödé\u0001:example.org").ok).toBe(true); // any non-surrogate code points but : and NUL
  });

  it("accepts the v12 form: `!` and a 43-character URL-safe base64 hash, no server", () => {
    expect(v12Id.length).toBe(44);
    const id = valueOf(parseRoomId(v12Id, { format: "hash" }));
    expect(roomIdServerName(id)).toBeUndefined();
    expect(parseRoomId(v12Id).ok).toBe(true);
  });

  it("picks the format from the room version's rules", () => {
    expect(roomIdFormat(roomVersionRules("11")!)).toBe("with_server");
    expect(roomIdFormat(roomVersionRules("1")!)).toBe("with_server");
    expect(roomIdFormat(roomVersionRules("12")!)).toBe("hash");
  });

  it.each<[string, "with_server" | "hash" | "any", InvalidIdentifier["reason"]]>([
    ["", "any", "empty"],
    ["room:example.org", "any", "missing_sigil"],
    ["$abc:example.org", "any", "missing_sigil"],
    ["!abc", "with_server", "missing_server"],
    ["!abc:example.org", "hash", "unexpected_server"],
    ["!abc", "hash", "invalid_hash"],
    ["!abc", "any", "invalid_hash"],
    ["!a\u0000b:example.org", "any", "invalid_localpart"],
    ["!a\ud800:example.org", "any", "invalid_localpart"],
    ["!abc:bad_host", "any", "invalid_server_name"],
    ["!" + "a".repeat(243) + ":example.org", "any", "too_long"],
  ])("rejects %j as %s (%s)", (text, format, reason) => {
    expect(errorOf(parseRoomId(text, { format }))).toEqual({ _tag: "InvalidIdentifier", kind: "room_id", reason });
  });

  it("allows exactly 255 bytes with a server", () => {
    expect(parseRoomId("!" + "a".repeat(242) + ":example.org").ok).toBe(true);
  });

  it("rejects v12 IDs that are not a hash encoding", () => {
    const body = v12Id.slice(1);
    expect(errorOf(parseRoomId("!" + body.slice(0, 42), { format: "hash" })).reason).toBe("invalid_hash");
    expect(errorOf(parseRoomId("!" + body + "A", { format: "hash" })).reason).toBe("invalid_hash");
    expect(errorOf(parseRoomId(v12Id + "=", { format: "hash" })).reason).toBe("invalid_hash");
    // The standard alphabet's + and / are not URL-safe.
    expect(errorOf(parseRoomId("!" + "+".repeat(42) + "A", { format: "hash" })).reason).toBe("invalid_hash");
    expect(errorOf(parseRoomId("!" + "/".repeat(42) + "A", { format: "hash" })).reason).toBe("invalid_hash");
    // A last character with non-zero padding bits cannot come from encoding 32 bytes.
    expect(errorOf(parseRoomId("!" + "A".repeat(42) + "B", { format: "hash" })).reason).toBe("invalid_hash");
  });
});

describe("event IDs", () => {
  // The examples quoted in rooms/v3.md and rooms/fragments/v4-event-ids.md.
  const v3Examples = ["$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk", "$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o"];
  const v4Example = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";

  it("accepts `$opaque:server` for room versions 1 and 2", () => {
    expect(parseEventId("$randomstring:example.org", { format: "v1" }).ok).toBe(true);
    expect(parseEventId("$1234567890abc:localhost:8008", { format: "v1" }).ok).toBe(true);
    expect(errorOf(parseEventId(v3Examples[0]!, { format: "v1" })).reason).toBe("missing_server");
  });

  it("accepts the spec's v3 examples (standard base64) and its v4 example (URL-safe)", () => {
    for (const id of v3Examples) expect(parseEventId(id, { format: "v3" }).ok).toBe(true);
    expect(parseEventId(v4Example, { format: "v4" }).ok).toBe(true);
    for (const id of [...v3Examples, v4Example]) expect(parseEventId(id).ok).toBe(true);
  });

  it("keeps the v3 and v4 alphabets apart", () => {
    expect(errorOf(parseEventId(v3Examples[0]!, { format: "v4" })).reason).toBe("invalid_hash"); // has "/"
    expect(errorOf(parseEventId(v4Example, { format: "v3" })).reason).toBe("invalid_hash"); // has "-" and "_"
    expect(errorOf(parseEventId("$" + "+".repeat(21) + "_".repeat(21) + "A")).reason).toBe("invalid_hash");
  });

  it("accepts any encoded 32-byte hash in its own alphabet", () => {
    for (let seed = 0; seed < 64; seed++) {
      const hash = fakeHash(seed * 11);
      expect(parseEventId("$" + encodeBase64(hash), { format: "v3" }).ok).toBe(true);
      expect(parseEventId("$" + encodeBase64Url(hash), { format: "v4" }).ok).toBe(true);
      expect(isHashIdentifier(encodeBase64Url(hash), "url_safe")).toBe(true);
    }
  });

  it.each<[string, "v1" | "v3" | "v4" | "any", InvalidIdentifier["reason"]]>([
    ["", "any", "empty"],
    ["abc:example.org", "v1", "missing_sigil"],
    ["!acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk", "v3", "missing_sigil"],
    ["$abc:example.org", "v3", "unexpected_server"],
    ["$abc:example.org", "v4", "unexpected_server"],
    ["$abc", "v4", "invalid_hash"],
    ["$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk=", "v3", "invalid_hash"],
    ["$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJ", "v3", "invalid_hash"],
    ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Z!", "v4", "invalid_hash"],
    ["$a:exa mple.org", "v1", "invalid_server_name"],
    ["$a\u0000:example.org", "v1", "invalid_localpart"],
    ["$" + "a".repeat(242) + ":example.org:1", "v1", "too_long"],
  ])("rejects %j as %s (%s)", (text, format, reason) => {
    expect(errorOf(parseEventId(text, { format }))).toEqual({ _tag: "InvalidIdentifier", kind: "event_id", reason });
  });
});

describe("room aliases", () => {
  it("accepts aliases and splits them", () => {
    const alias = valueOf(parseRoomAlias("#matrix:matrix.org"));
    expect(roomAliasLocalpart(alias)).toBe("matrix");
    expect(roomAliasServerName(alias)).toBe("matrix.org");
    expect(roomAliasServerName(valueOf(parseRoomAlias("#a:[::1]:8448")))).toBe("[::1]:8448");
  });

  it("allows any non-surrogate code points but : and NUL in the localpart", () => {
    expect(parseRoomAlias("#Café Chat 😀!:example.org").ok).toBe(true);
    expect(parseRoomAlias("#tab\there:example.org").ok).toBe(true);
  });

  it.each<[string, InvalidIdentifier["reason"]]>([
    ["", "empty"],
    ["matrix:matrix.org", "missing_sigil"],
    ["@matrix:matrix.org", "missing_sigil"],
    ["#matrix", "missing_server"],
    ["#a\u0000b:example.org", "invalid_localpart"],
    ["#a\ud800:example.org", "invalid_localpart"],
    ["#room:example.org:0", "invalid_server_name"],
    ["#room:", "invalid_server_name"],
    ["#" + "a".repeat(243) + ":example.org", "too_long"],
  ])("rejects %j (%s)", (text, reason) => {
    expect(errorOf(parseRoomAlias(text))).toEqual({ _tag: "InvalidIdentifier", kind: "room_alias", reason });
  });

  it("allows exactly 255 bytes", () => {
    expect(parseRoomAlias("#" + "a".repeat(242) + ":example.org").ok).toBe(true);
  });
});

describe("device IDs", () => {
  it("accepts server-generated and client-chosen IDs", () => {
    expect(parseDeviceId("ABCDEFGHIJ").ok).toBe(true);
    expect(parseDeviceId("my-laptop_2.0~").ok).toBe(true);
    expect(parseDeviceId("Élodie's phone").ok).toBe(true);
    expect(parseDeviceId("x".repeat(255)).ok).toBe(true);
  });

  it.each<[string, InvalidIdentifier["reason"]]>([
    ["", "empty"],
    ["x".repeat(256), "too_long"],
    ["é".repeat(128), "too_long"],
    ["a\u0000", "invalid_character"],
    ["a\nb", "invalid_character"],
    ["a\u007f", "invalid_character"],
    ["a\ud800", "invalid_character"],
  ])("rejects %j (%s)", (text, reason) => {
    expect(errorOf(parseDeviceId(text))).toEqual({ _tag: "InvalidIdentifier", kind: "device_id", reason });
  });

  it("offers the Opaque Identifier Grammar for IDs the server or client generates", () => {
    expect(isOpaqueIdentifier("AbC-._~09")).toBe(true);
    expect(isOpaqueIdentifier("")).toBe(false);
    expect(isOpaqueIdentifier("a b")).toBe(false);
    expect(isOpaqueIdentifier("a/b")).toBe(false);
    expect(isOpaqueIdentifier("x".repeat(255))).toBe(true);
    expect(isOpaqueIdentifier("x".repeat(256))).toBe(false);
  });
});

describe("room version IDs", () => {
  it.each(["1", "12", "org.example.my-version", "a".repeat(32), "9.1-beta"])("accepts %j", (id) => {
    expect(parseRoomVersionId(id).ok).toBe(true);
  });

  it.each<[string, InvalidIdentifier["reason"]]>([
    ["", "empty"],
    ["a".repeat(33), "too_long"],
    ["V1", "invalid_character"],
    ["org_example", "invalid_character"],
    ["1 ", "invalid_character"],
    ["日本", "invalid_character"],
  ])("rejects %j (%s)", (id, reason) => {
    expect(errorOf(parseRoomVersionId(id))).toEqual({ _tag: "InvalidIdentifier", kind: "room_version", reason });
  });

  it("tells spec-reserved versions (digits and dots only) from custom ones", () => {
    expect(isSpecRoomVersionId(valueOf(parseRoomVersionId("12")))).toBe(true);
    expect(isSpecRoomVersionId(valueOf(parseRoomVersionId("1.5")))).toBe(true);
    expect(isSpecRoomVersionId(valueOf(parseRoomVersionId("org.example.1")))).toBe(false);
  });
});
