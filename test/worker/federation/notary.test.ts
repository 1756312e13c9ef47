// The notary (/_matrix/key/v2/query): our own keys and remote ones, each additionally signed by us; cache and offline servers.
import { env } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { createApp } from "../../../src/api/app";
import { testServices } from "../../../src/platform/services";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isJsonObject, type JsonObject } from "../../../src/protocol/json-value";
import { verifyJsonSignature } from "../../../src/protocol/signing";
import { MAX_KEY_VALIDITY_MS } from "../../../src/protocol/federation/server-key-response";
import { keyFor, keyResponse, resetFederationCaches, testServer } from "./support";

const NOW = 1_700_000_000_000;
const notary = testServer("notary.test", keyFor("ed25519:n1", 61), { nowMs: NOW });
const remoteKey = keyFor("ed25519:r1", 62);
let keyFetches = 0;
let remoteOnline = true;
let remoteValidUntil = NOW + 86_400_000;

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());
beforeEach(async () => {
  await resetFederationCaches();
  keyFetches = 0;
  remoteOnline = true;
  remoteValidUntil = NOW + 86_400_000;
  msw.resetHandlers(
    http.get("https://remote.test:8448/_matrix/key/v2/server", () => {
      keyFetches++;
      return remoteOnline ? HttpResponse.json(keyResponse("remote.test", remoteKey, remoteValidUntil)) : HttpResponse.error();
    }),
    http.get("https://remote.test/.well-known/matrix/server", () => new HttpResponse(null, { status: 404 })),
    http.all("https://offline.test*", () => HttpResponse.error()),
    http.all("https://offline.test:8448/*", () => HttpResponse.error()),
  );
});
afterEach(() => msw.events.removeAllListeners());

async function query(path: string, body?: object): Promise<{ status: number; body: JsonObject }> {
  const res = await notary.fetch(
    new Request(`https://notary.test${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }),
  );
  return { status: res.status, body: (await res.json()) as JsonObject };
}

function serverKeys(body: JsonObject): JsonObject[] {
  const list = body["server_keys"];
  if (!Array.isArray(list)) throw new Error("no server_keys");
  return list.filter(isJsonObject);
}

const signedBy = (response: JsonObject, server: string, keyId: string, publicKey: Uint8Array) =>
  verifyJsonSignature(response, server, keyId, publicKey).ok;

describe("notary", () => {
  it("answers for itself with its own keys, signed by itself", async () => {
    const { status, body } = await query("/_matrix/key/v2/query/notary.test");
    expect(status).toBe(200);
    const [own] = serverKeys(body);
    expect(own?.["server_name"]).toBe("notary.test");
    expect(signedBy(own!, "notary.test", "ed25519:n1", notary.key.publicKey)).toBe(true);
  });

  it("fetches a remote server's keys and passes them on signed by the server and by the notary", async () => {
    const { status, body } = await query("/_matrix/key/v2/query/remote.test");
    expect(status).toBe(200);
    const [remote] = serverKeys(body);
    expect(remote?.["server_name"]).toBe("remote.test");
    expect(remote?.["valid_until_ts"]).toBe(remoteValidUntil);
    expect(signedBy(remote!, "remote.test", "ed25519:r1", remoteKey.publicKey)).toBe(true);
    expect(signedBy(remote!, "notary.test", "ed25519:n1", notary.key.publicKey)).toBe(true);
    expect(keyFetches).toBe(1);
  });

  it("answers from the cache while it is valid long enough, and fetches again when asked for longer", async () => {
    await query("/_matrix/key/v2/query/remote.test");
    await query(`/_matrix/key/v2/query/remote.test?minimum_valid_until_ts=${remoteValidUntil}`);
    expect(keyFetches).toBe(1);
    await query(`/_matrix/key/v2/query/remote.test?minimum_valid_until_ts=${remoteValidUntil + 1}`);
    expect(keyFetches).toBe(2);
  });

  it("answers for an offline server from its cache, and leaves out one it knows nothing of", async () => {
    await query("/_matrix/key/v2/query/remote.test");
    remoteOnline = false;
    const { status, body } = await query("/_matrix/key/v2/query", {
      server_keys: {
        "remote.test": { "ed25519:r1": { minimum_valid_until_ts: NOW + MAX_KEY_VALIDITY_MS } },
        "offline.test": {},
        "notary.test": {},
      },
    });
    expect(status).toBe(200);
    const names = serverKeys(body).map((r) => r["server_name"]);
    expect(names.sort()).toEqual(["notary.test", "remote.test"]);
    expect(keyFetches).toBe(2);
    const remote = serverKeys(body).find((r) => r["server_name"] === "remote.test")!;
    expect(signedBy(remote, "remote.test", "ed25519:r1", remoteKey.publicKey)).toBe(true);
    expect(signedBy(remote, "notary.test", "ed25519:n1", notary.key.publicKey)).toBe(true);
  });

  it("returns an empty list when no servers are asked", async () => {
    expect(await query("/_matrix/key/v2/query", { server_keys: {} })).toEqual({ status: 200, body: { server_keys: [] } });
  });

  it("answers 500 when ALLOW_HTTP_FEDERATION is unreadable, rather than guessing", async () => {
    const app = createApp({ services: testServices({ config: { serverName: "notary.test" }, key: notary.key }) });
    const res = await app.request("/_matrix/key/v2/query/remote.test", {}, { ...env, ALLOW_HTTP_FEDERATION: "maybe" });
    expect(res.status).toBe(500);
    expect(keyFetches).toBe(0);
  });

  it("refuses bad queries with the spec's errors", async () => {
    expect(await query("/_matrix/key/v2/query", {})).toMatchObject({ status: 400, body: { errcode: "M_BAD_JSON" } });
    expect(await query("/_matrix/key/v2/query", { server_keys: { "remote.test": { k: { minimum_valid_until_ts: 1.5 } } } })).toMatchObject({
      status: 400,
    });
    expect(await query("/_matrix/key/v2/query/remote.test?minimum_valid_until_ts=soon")).toMatchObject({
      status: 400,
      body: { errcode: "M_INVALID_PARAM" },
    });
    expect(await query("/_matrix/key/v2/query/bad%20name")).toMatchObject({ status: 400, body: { errcode: "M_INVALID_PARAM" } });
    expect(keyFetches).toBe(0);
  });
});
