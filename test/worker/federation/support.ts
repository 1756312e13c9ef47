// Federation test helpers: in-process servers reached through msw, fixed keys, and a clean key cache.
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { http, HttpResponse } from "msw";
import { createApp } from "../../../src/api/app";
import type { AppEnv } from "../../../src/api/app-env";
import { federationRoute, type FederationEnv, requireServerAuth } from "../../../src/api/federation/server-auth";
import { Effect } from "effect";
import { encodeBase64 } from "../../../src/protocol/base64";
import type { JsonObject } from "../../../src/protocol/json-value";
import { prepareSigningKey, signJson, type PreparedSigningKey } from "../../../src/protocol/signing";
import { liveOutboundFetch } from "../../../src/platform/outbound-fetch";
import { forgetResolvedServers } from "../../../src/platform/server-resolver";
import { testServices } from "../../../src/platform/services";
import type { FederationClientDeps } from "../../../src/platform/federation-client";

export const keyFor = (keyId: string, fill: number): PreparedSigningKey => prepareSigningKey(keyId, new Uint8Array(32).fill(fill));

/** A probe behind requireServerAuth: answers with the authenticated origin and the signed body. */
function probeRoutes(): Hono<AppEnv> {
  const probe = new Hono<FederationEnv>();
  const answer = federationRoute((c) =>
    Effect.succeed(c.json({ origin: c.var.federation.origin, content: c.var.federation.content ?? null })),
  );
  probe.get("/_matrix/federation/v1/test_probe", requireServerAuth(), answer);
  probe.put("/_matrix/federation/v1/test_probe/:id", requireServerAuth(), answer);
  return probe as unknown as Hono<AppEnv>;
}

export interface TestServer {
  readonly serverName: string;
  readonly key: PreparedSigningKey;
  readonly env: typeof env;
  /** Serves a request as this server would (the worker's fetch handler). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Client dependencies for requests sent from this server. */
  readonly client: FederationClientDeps;
}

/** A whole homeserver app with its own name and key, sharing the test D1 (tables are keyed by server name). */
export function testServer(serverName: string, key: PreparedSigningKey, options: { nowMs?: number } = {}): TestServer {
  const app = createApp({
    services: testServices({ config: { serverName }, key, ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }) }),
    extraRoutes: probeRoutes(),
  });
  const serverEnv = { ...env, ALLOW_HTTP_FEDERATION: "on" };
  return {
    serverName,
    key,
    env: serverEnv,
    fetch: async (request) => app.fetch(request, serverEnv),
    client: {
      serverName,
      signingKey: key,
      fetch: liveOutboundFetch,
      nowMs: () => options.nowMs ?? Date.now(),
      allowHttpLoopback: true,
    },
  };
}

/** An msw handler sending every request for `origin` (e.g. http://localhost:8481) to the server in-process. */
export const routeTo = (origin: string, server: TestServer) => http.all(`${origin}/*`, ({ request }) => server.fetch(request as unknown as Request));

/** A signed /_matrix/key/v2/server body of a fake remote server. */
export function keyResponse(
  serverName: string,
  key: PreparedSigningKey,
  validUntilTs: number,
  old: readonly { key: PreparedSigningKey; expiredTs: number }[] = [],
): JsonObject {
  return signJson(
    {
      server_name: serverName,
      verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) } },
      old_verify_keys: Object.fromEntries(old.map((o) => [o.key.keyId, { key: encodeBase64(o.key.publicKey), expired_ts: o.expiredTs }])),
      valid_until_ts: validUntilTs,
    },
    serverName,
    key,
  );
}

export const json = (body: JsonObject, init?: ResponseInit) => HttpResponse.json(body, init);

export async function resetFederationCaches(): Promise<void> {
  await env.DB.batch([env.DB.prepare("DELETE FROM remote_server_keys"), env.DB.prepare("DELETE FROM remote_server_key_responses")]);
  forgetResolvedServers();
}
