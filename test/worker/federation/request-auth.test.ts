// X-Matrix both ways between two in-process homeservers: A's signed client calls B's authenticated probe; B fetches A's keys.
import { env } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { federationRequest } from "../../../src/platform/federation-client";
import { signRequest } from "../../../src/protocol/federation/signed-request";
import { formatXMatrixHeader, parseXMatrixHeader } from "../../../src/protocol/federation/x-matrix-header";
import { keyFor, resetFederationCaches, routeTo, testServer } from "./support";

const A = testServer("localhost:8481", keyFor("ed25519:a1", 11));
const B = testServer("127.0.0.1:8482", keyFor("ed25519:b1", 22));
let keyFetches: string[] = [];

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());
beforeEach(async () => {
  await resetFederationCaches();
  keyFetches = [];
  msw.resetHandlers(
    routeTo("http://localhost:8481", A),
    routeTo("http://127.0.0.1:8482", B),
  );
  msw.events.on("request:start", ({ request }) => {
    if (new URL(request.url).pathname === "/_matrix/key/v2/server") keyFetches.push(new URL(request.url).host);
  });
});
afterEach(() => msw.events.removeAllListeners());

const probe = "/_matrix/federation/v1/test_probe";

/** A request to B signed by A, optionally altered. */
function signedToB(options: { method?: string; path?: string; signedPath?: string; destination?: string; header?: string; body?: object } = {}) {
  const method = options.method ?? "GET";
  const path = options.path ?? probe;
  const header =
    options.header ??
    signRequest(
      {
        method,
        uri: options.signedPath ?? path,
        origin: A.serverName,
        destination: options.destination ?? B.serverName,
        ...(options.body === undefined ? {} : { content: options.body as never }),
      },
      A.key,
    );
  return B.fetch(
    new Request(`http://127.0.0.1:8482${path}`, {
      method,
      headers: { Authorization: header, "Content-Type": "application/json" },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
}

async function expectError(res: Response, status: number, errcode: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ errcode });
}

describe("federation request authentication between two servers", () => {
  it("A's signed client reaches B's authenticated route; B learns A's keys from A and caches them", async () => {
    const res = await federationRequest(A.client, { destination: B.serverName, method: "GET", path: `${probe}?x=%40a%3Ab&y=1` });
    expect(res).toEqual({ ok: true, value: { status: 200, body: { origin: "localhost:8481", content: null } } });
    expect(keyFetches).toEqual(["localhost:8481"]);
    const row = await env.DB.prepare("SELECT key_id, expired_ts FROM remote_server_keys WHERE server_name = ?").bind(A.serverName).first();
    expect(row).toEqual({ key_id: "ed25519:a1", expired_ts: null });
    // The second request is checked against the cached key: no new fetch.
    const again = await federationRequest(A.client, { destination: B.serverName, method: "GET", path: probe });
    expect(again.ok && again.value.status).toBe(200);
    expect(keyFetches).toEqual(["localhost:8481"]);
  });

  it("signs and checks the body of a PUT, and B can call A back the same way", async () => {
    const body = { pdus: [], edus: [{ edu_type: "m.typing", content: { a: "ü" } }] };
    const res = await federationRequest(A.client, { destination: B.serverName, method: "PUT", path: `${probe}/txn1`, body });
    expect(res).toEqual({ ok: true, value: { status: 200, body: { origin: A.serverName, content: body } } });
    const back = await federationRequest(B.client, { destination: A.serverName, method: "PUT", path: `${probe}/t` });
    expect(back).toEqual({ ok: true, value: { status: 200, body: { origin: B.serverName, content: {} } } });
  });

  it("accepts a header without destination (older servers), checked against B's own name", async () => {
    const parsed = parseXMatrixHeader(signRequest({ method: "GET", uri: probe, origin: A.serverName, destination: B.serverName }, A.key));
    if (!parsed.ok) throw new Error("unparsable");
    const noDestination = `X-Matrix origin="${parsed.value.origin}",key="${parsed.value.key}",sig="${parsed.value.sig}"`;
    const res = await signedToB({ header: noDestination });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ origin: A.serverName, content: null });
  });

  it("answers 401 M_UNAUTHORIZED without a header, and 400 M_UNAUTHORIZED for a malformed one", async () => {
    await expectError(await B.fetch(new Request(`http://127.0.0.1:8482${probe}`)), 401, "M_UNAUTHORIZED");
    await expectError(await signedToB({ header: 'X-Matrix origin="localhost:8481",key="ed25519:a1"' }), 400, "M_UNAUTHORIZED");
    await expectError(await signedToB({ header: "Bearer abc" }), 400, "M_UNAUTHORIZED");
    await expectError(await signedToB({ header: 'X-Matrix origin="not a name",key="ed25519:a1",sig="x"' }), 400, "M_UNAUTHORIZED");
    expect(keyFetches).toEqual([]);
  });

  it("refuses a request for another destination without fetching any key", async () => {
    await expectError(await signedToB({ destination: "elsewhere.example" }), 401, "M_UNAUTHORIZED");
    expect(keyFetches).toEqual([]);
  });

  it("refuses a signature over another target, method or body", async () => {
    await expectError(await signedToB({ signedPath: `${probe}?other=1` }), 401, "M_UNAUTHORIZED");
    const goodPut = await signedToB({ method: "PUT", path: `${probe}/1`, body: { a: 1 } });
    expect(goodPut.status).toBe(200);
    const header = signRequest({ method: "PUT", uri: `${probe}/1`, origin: A.serverName, destination: B.serverName, content: { a: 1 } }, A.key);
    await expectError(await signedToB({ method: "PUT", path: `${probe}/1`, body: { a: 2 }, header }), 401, "M_UNAUTHORIZED");
  });

  it("refuses a key the origin does not publish, and an origin whose keys cannot be had", async () => {
    const other = keyFor("ed25519:zz", 33);
    const header = signRequest({ method: "GET", uri: probe, origin: A.serverName, destination: B.serverName }, other);
    await expectError(await signedToB({ header }), 401, "M_UNAUTHORIZED");
    // A forged header in A's name with a key A does publish, but signed by someone else.
    const forged = signRequest({ method: "GET", uri: probe, origin: A.serverName, destination: B.serverName }, keyFor("ed25519:a1", 99));
    await expectError(await signedToB({ header: forged }), 401, "M_UNAUTHORIZED");
    msw.use(http.all("http://localhost:8499/*", () => HttpResponse.error()));
    const offline = formatXMatrixHeader({ origin: "localhost:8499", destination: B.serverName, key: "ed25519:a1", sig: "AAAA" });
    await expectError(await signedToB({ header: offline }), 401, "M_UNAUTHORIZED");
  });

  it("fetches again, at most once a minute, for a key the origin did not list", async () => {
    const other = keyFor("ed25519:new", 44);
    const header = signRequest({ method: "GET", uri: probe, origin: A.serverName, destination: B.serverName }, other);
    await expectError(await signedToB({ header }), 401, "M_UNAUTHORIZED");
    await expectError(await signedToB({ header }), 401, "M_UNAUTHORIZED");
    expect(keyFetches).toEqual(["localhost:8481"]);
  });

  it("refuses to send what it cannot sign, and reports an unreachable destination", async () => {
    expect(await federationRequest(A.client, { destination: B.serverName, method: "PUT", path: `${probe}/1`, body: { a: 1.5 } })).toMatchObject({
      ok: false,
      error: { reason: "invalid_request" },
    });
    expect(await federationRequest(A.client, { destination: B.serverName, method: "GET", path: "/elsewhere" })).toMatchObject({
      ok: false,
      error: { reason: "invalid_request" },
    });
    msw.use(http.all("http://localhost:8499/*", () => HttpResponse.error()));
    expect(await federationRequest(A.client, { destination: "localhost:8499", method: "GET", path: probe })).toMatchObject({
      ok: false,
      error: { reason: "unreachable" },
    });
  });

  it("does not let a request body break the route: bad JSON in a signed PUT is 400 M_NOT_JSON", async () => {
    const header = signRequest({ method: "PUT", uri: `${probe}/1`, origin: A.serverName, destination: B.serverName, content: {} }, A.key);
    const res = await B.fetch(new Request(`http://127.0.0.1:8482${probe}/1`, { method: "PUT", headers: { Authorization: header }, body: "{nope" }));
    await expectError(res, 400, "M_NOT_JSON");
  });
});
