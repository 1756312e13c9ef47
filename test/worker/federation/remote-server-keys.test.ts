// Fetching other servers' keys: discovery, self-signature, the 7-day cap, old keys, and the D1 cache.
import { env } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeBase64 } from "../../../src/protocol/base64";
import { MAX_KEY_VALIDITY_MS } from "../../../src/protocol/federation/server-key-response";
import { liveOutboundFetch } from "../../../src/platform/outbound-fetch";
import { eventKeyLookup, fetchServerKeys, MIN_REFETCH_MS, requestVerifyKey, type RemoteKeyDeps } from "../../../src/platform/remote-server-keys";
import { resolveServer } from "../../../src/platform/server-resolver";
import { keyFor, keyResponse, resetFederationCaches } from "./support";

const NOW = 1_700_000_000_000;
const remoteKey = keyFor("ed25519:r1", 51);
const oldKey = keyFor("ed25519:r0", 52);
let now = NOW;
const deps = (allowHttpLoopback = false): RemoteKeyDeps => ({ db: env.DB, fetch: liveOutboundFetch, nowMs: () => now, allowHttpLoopback });
let requests: string[] = [];

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());
beforeEach(async () => {
  await resetFederationCaches();
  now = NOW;
  requests = [];
  msw.resetHandlers();
  msw.events.on("request:start", ({ request }) => void requests.push(request.url));
});
afterEach(() => msw.events.removeAllListeners());

/** remote.test delegates to keys.remote.test:443 through /.well-known. */
function serveRemote(body: object, wellKnown: object | number = { "m.server": "keys.remote.test:443" }) {
  msw.use(
    http.get("https://remote.test/.well-known/matrix/server", () =>
      typeof wellKnown === "number" ? new HttpResponse(null, { status: wellKnown }) : HttpResponse.json(wellKnown),
    ),
    http.get("https://keys.remote.test/_matrix/key/v2/server", () => HttpResponse.json(body)),
    http.get("https://remote.test:8448/_matrix/key/v2/server", () => HttpResponse.json(body)),
  );
}

const rows = () =>
  env.DB.prepare("SELECT key_id, public_key_b64, expired_ts, valid_until_ts, fetched_ts FROM remote_server_keys WHERE server_name = 'remote.test' ORDER BY key_id").all();

describe("remote server keys", () => {
  it("follows /.well-known delegation, verifies the response and stores current and old keys, validity capped at 7 days", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 30 * 86_400_000, [{ key: oldKey, expiredTs: NOW - 5 }]));
    const r = await fetchServerKeys(deps(), "remote.test");
    expect(r.ok).toBe(true);
    expect(requests).toEqual(["https://remote.test/.well-known/matrix/server", "https://keys.remote.test/_matrix/key/v2/server"]);
    const capped = NOW + MAX_KEY_VALIDITY_MS;
    expect((await rows()).results).toEqual([
      { key_id: "ed25519:r0", public_key_b64: encodeBase64(oldKey.publicKey), expired_ts: NOW - 5, valid_until_ts: capped, fetched_ts: NOW },
      { key_id: "ed25519:r1", public_key_b64: encodeBase64(remoteKey.publicKey), expired_ts: null, valid_until_ts: capped, fetched_ts: NOW },
    ]);
  });

  it("keeps a shorter published validity as it is", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 1000));
    expect((await fetchServerKeys(deps(), "remote.test")).ok).toBe(true);
    expect((await rows()).results.map((row) => row["valid_until_ts"])).toEqual([NOW + 1000]);
  });

  it("uses port 8448 of the server name when /.well-known fails (no SRV lookups in a Worker), and caches that failure", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 1000), 404);
    expect((await fetchServerKeys(deps(), "remote.test")).ok).toBe(true);
    expect((await fetchServerKeys(deps(), "remote.test")).ok).toBe(true);
    expect(requests).toEqual([
      "https://remote.test/.well-known/matrix/server",
      "https://remote.test:8448/_matrix/key/v2/server",
      "https://remote.test:8448/_matrix/key/v2/server",
    ]);
  });

  it("stores nothing from a response that is not signed by its own keys, or names another server", async () => {
    const forged = keyResponse("remote.test", remoteKey, NOW + 1000);
    serveRemote({ ...forged, verify_keys: { "ed25519:r1": { key: encodeBase64(keyFor("x", 9).publicKey) } } });
    expect(await fetchServerKeys(deps(), "remote.test")).toMatchObject({ ok: false, error: { reason: "invalid_response" } });
    msw.resetHandlers();
    serveRemote(keyResponse("other.test", remoteKey, NOW + 1000));
    expect(await fetchServerKeys(deps(), "remote.test")).toMatchObject({ ok: false, error: { reason: "invalid_response" } });
    expect((await rows()).results).toEqual([]);
  });

  it("answers request-signing keys from the cache, refetches once expired (not within a minute of the last fetch), never accepts an old key", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 1000, [{ key: oldKey, expiredTs: NOW - 5 }]));
    const first = await requestVerifyKey(deps(), "remote.test", "ed25519:r1");
    expect(first.ok && encodeBase64(first.value)).toBe(encodeBase64(remoteKey.publicKey));
    const fetchesAfterFirst = requests.length;
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:r1")).ok).toBe(true);
    expect(requests.length).toBe(fetchesAfterFirst);
    expect(await requestVerifyKey(deps(), "remote.test", "ed25519:r0")).toMatchObject({ ok: false, error: { reason: "unknown_key" } });
    // Expired, but asked less than a minute ago: what the server said then stands.
    now = NOW + 2000;
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:r1")).ok).toBe(false);
    expect(requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length).toBe(1);
    now = NOW + MIN_REFETCH_MS;
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:r1")).ok).toBe(false);
    expect(requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length).toBe(2);
  });

  it("refetches for an unknown key only when the last fetch is a minute old", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 10 * MIN_REFETCH_MS));
    const keyFetches = () => requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length;
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:nope")).ok).toBe(false);
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:nope")).ok).toBe(false);
    expect(keyFetches()).toBe(1);
    now = NOW + MIN_REFETCH_MS;
    expect((await requestVerifyKey(deps(), "remote.test", "ed25519:nope")).ok).toBe(false);
    expect(keyFetches()).toBe(2);
  });

  it("does not fetch on every request from a server whose published keys are already expired", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW - 1));
    const keyFetches = () => requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length;
    expect(await requestVerifyKey(deps(), "remote.test", "ed25519:r1")).toMatchObject({ ok: false, error: { reason: "unknown_key" } });
    expect(await requestVerifyKey(deps(), "remote.test", "ed25519:r1")).toMatchObject({ ok: false, error: { reason: "unknown_key" } });
    expect(keyFetches()).toBe(1);
  });

  it("shares one fetch between concurrent lookups of the same server", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 1000));
    const all = await Promise.all(Array.from({ length: 5 }, () => requestVerifyKey(deps(), "remote.test", "ed25519:r1")));
    expect(all.every((r) => r.ok)).toBe(true);
    expect(requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length).toBe(1);
  });

  it("uses plain http only for loopback names, and only when ALLOW_HTTP_FEDERATION allows it", async () => {
    expect(await resolveServer(deps(true), "localhost:8481")).toEqual({ ok: true, value: "http://localhost:8481" });
    expect(await resolveServer(deps(true), "127.0.0.1:8482")).toEqual({ ok: true, value: "http://127.0.0.1:8482" });
    expect(await resolveServer(deps(false), "localhost:8481")).toEqual({ ok: true, value: "https://localhost:8481" });
    expect(await resolveServer(deps(true), "example.org:8481")).toEqual({ ok: true, value: "https://example.org:8481" });
    expect(await resolveServer(deps(true), "[::1]")).toEqual({ ok: true, value: "http://[::1]:8448" });
    expect(await resolveServer(deps(), "bad name")).toMatchObject({ ok: false, error: { reason: "invalid_server_name" } });
  });

  it("follows a delegation without a port to 8448, and honours the /.well-known cache time", async () => {
    msw.use(
      http.get("https://deleg.test/.well-known/matrix/server", () =>
        HttpResponse.json({ "m.server": "matrix.deleg.test" }, { headers: { "Cache-Control": "max-age=60" } }),
      ),
    );
    expect(await resolveServer(deps(), "deleg.test")).toEqual({ ok: true, value: "https://matrix.deleg.test:8448" });
    expect(await resolveServer(deps(), "deleg.test")).toEqual({ ok: true, value: "https://matrix.deleg.test:8448" });
    expect(requests.length).toBe(1);
    now = NOW + 60_000;
    await resolveServer(deps(), "deleg.test");
    expect(requests.length).toBe(2);
  });
});

describe("keys for checking event signatures", () => {
  const keyFetches = () => requests.filter((u) => u.endsWith("/_matrix/key/v2/server")).length;

  it("gives current keys until their capped validity and old keys until they expired, fetching once per server", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 1000, [{ key: oldKey, expiredTs: NOW - 5 }]));
    const lookup = await eventKeyLookup(deps(), [
      { serverName: "remote.test", keyId: "ed25519:r1", atTs: NOW },
      { serverName: "remote.test", keyId: "ed25519:r0", atTs: NOW - 10 },
    ]);
    expect(keyFetches()).toBe(1);
    expect(lookup("remote.test", "ed25519:r1")).toEqual({ publicKey: remoteKey.publicKey, validUntilTs: NOW + 1000 });
    expect(lookup("remote.test", "ed25519:r0")).toEqual({ publicKey: oldKey.publicKey, validUntilTs: NOW - 5 });
    expect(lookup("remote.test", "ed25519:zz")).toBeUndefined();
    // From the cache now: no fetch for keys valid at the events' times.
    const cached = await eventKeyLookup(deps(), [{ serverName: "remote.test", keyId: "ed25519:r1", atTs: NOW + 1000 }]);
    expect(cached("remote.test", "ed25519:r1")?.validUntilTs).toBe(NOW + 1000);
    expect(keyFetches()).toBe(1);
  });

  it("fetches again for an event after the cached validity (once the last fetch is a minute old), not for an old key", async () => {
    serveRemote(keyResponse("remote.test", remoteKey, NOW + 10 * MIN_REFETCH_MS, [{ key: oldKey, expiredTs: NOW - 5 }]));
    await eventKeyLookup(deps(), [{ serverName: "remote.test", keyId: "ed25519:r1", atTs: NOW }]);
    now = NOW + MIN_REFETCH_MS;
    await eventKeyLookup(deps(), [{ serverName: "remote.test", keyId: "ed25519:r0", atTs: NOW }]);
    expect(keyFetches()).toBe(1);
    const later = await eventKeyLookup(deps(), [{ serverName: "remote.test", keyId: "ed25519:r1", atTs: NOW + 20 * MIN_REFETCH_MS }]);
    expect(keyFetches()).toBe(2);
    expect(later("remote.test", "ed25519:r1")?.validUntilTs).toBe(NOW + 10 * MIN_REFETCH_MS);
  });

  it("leaves out servers that cannot be reached", async () => {
    msw.use(http.all("https://gone.test/*", () => HttpResponse.error()), http.all("https://gone.test:8448/*", () => HttpResponse.error()));
    const lookup = await eventKeyLookup(deps(), [{ serverName: "gone.test", keyId: "ed25519:a", atTs: NOW }]);
    expect(lookup("gone.test", "ed25519:a")).toBeUndefined();
  });
});
