// Resolving server names as far as a Worker can: direct targets, /.well-known delegation, 8448 fallback, the http loopback rule.
import { describe, expect, it } from "vitest";
import { parseServerName } from "../../../../src/protocol/identifiers/server-name";
import {
  delegatedTarget,
  directTarget,
  fallbackTarget,
  parseWellKnownServer,
  targetBaseUrl,
  wellKnownCacheMs,
} from "../../../../src/protocol/federation/server-discovery";

const name = (text: string) => {
  const r = parseServerName(text);
  if (!r.ok) throw new Error(text);
  return r.value;
};

describe("server discovery", () => {
  it("connects to IP literals directly, on their port or 8448", () => {
    expect(directTarget(name("1.2.3.4"))).toEqual({ host: "1.2.3.4", port: 8448, loopback: false });
    expect(directTarget(name("[2001:db8::1]:9000"))).toEqual({ host: "[2001:db8::1]", port: 9000, loopback: false });
    expect(directTarget(name("127.0.0.1:8481"))).toEqual({ host: "127.0.0.1", port: 8481, loopback: true });
    expect(directTarget(name("[::1]"))).toEqual({ host: "[::1]", port: 8448, loopback: true });
  });

  it("connects to a hostname with an explicit port directly, and asks /.well-known for one without", () => {
    expect(directTarget(name("example.org:8008"))).toEqual({ host: "example.org", port: 8008, loopback: false });
    expect(directTarget(name("localhost:8481"))).toEqual({ host: "localhost", port: 8481, loopback: true });
    expect(directTarget(name("example.org"))).toBeUndefined();
  });

  it("reads m.server from /.well-known and refuses invalid bodies", () => {
    expect(parseWellKnownServer({ "m.server": "matrix.example.org:443" })?.port).toBe(443);
    for (const bad of [null, [], {}, { "m.server": 1 }, { "m.server": "" }, { "m.server": "bad host" }, { "m.server": "a:99999" }]) {
      expect(parseWellKnownServer(bad)).toBeUndefined();
    }
  });

  it("uses the delegated port or 8448 (SRV cannot be looked up from a Worker), and 8448 without delegation", () => {
    expect(delegatedTarget(name("matrix.example.org:443"))).toEqual({ host: "matrix.example.org", port: 443, loopback: false });
    expect(delegatedTarget(name("matrix.example.org"))).toEqual({ host: "matrix.example.org", port: 8448, loopback: false });
    expect(fallbackTarget(name("example.org"))).toEqual({ host: "example.org", port: 8448, loopback: false });
  });

  it("uses http only for loopback targets, and only when allowed", () => {
    const local = directTarget(name("localhost:8481"))!;
    const remote = directTarget(name("example.org:8481"))!;
    expect(targetBaseUrl(local, true)).toBe("http://localhost:8481");
    expect(targetBaseUrl(local, false)).toBe("https://localhost:8481");
    expect(targetBaseUrl(remote, true)).toBe("https://example.org:8481");
    expect(directTarget(name("a.localhost:1"))!.loopback).toBe(true);
    expect(directTarget(name("localhost.example.org:1"))!.loopback).toBe(false);
    expect(directTarget(name("128.0.0.1:1"))!.loopback).toBe(false);
  });

  it("caches /.well-known per Cache-Control: 24 h by default, at most 48 h, errors 1 h", () => {
    const h = 3600_000;
    expect(wellKnownCacheMs(null, true)).toBe(24 * h);
    expect(wellKnownCacheMs("public, max-age=600", true)).toBe(600_000);
    expect(wellKnownCacheMs("max-age=99999999", true)).toBe(48 * h);
    expect(wellKnownCacheMs("no-store", true)).toBe(0);
    expect(wellKnownCacheMs("max-age=600", false)).toBe(h);
  });
});
