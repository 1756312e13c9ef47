// The notary: GET /_matrix/key/v2/query/{serverName} and POST /_matrix/key/v2/query (spec "Querying Keys Through Another Server").
import { Effect } from "effect";
import { Hono } from "hono";
import { type NotaryCriteria, type NotaryQueryError, parseNotaryBody, parseNotaryGet } from "../../protocol/federation/notary-query";
import type { JsonObject } from "../../protocol/json-value";
import type { Result } from "../../protocol/result";
import { signJson } from "../../protocol/signing";
import { notaryRemoteResponse } from "../../platform/remote-server-keys";
import { ServerConfig } from "../../platform/server-config";
import type { AppEnv } from "../app-env";
import { effectRoute } from "../effect-route";
import { readJsonObject } from "../json-body";
import { serverKeysResponse } from "../keys/server-keys";
import { type FederationDeps, federationDeps } from "./federation-deps";

const orFail = <A>(result: Result<A, NotaryQueryError>) => (result.ok ? Effect.succeed(result.value) : Effect.fail(result.error));

/** Our own keys, as /_matrix/key/v2/server serves them (valid for KEY_VALIDITY_MS from now). */
const ownResponse = (deps: FederationDeps, keyValidityMs: number): JsonObject =>
  signJson(serverKeysResponse(deps.serverName, deps.ownKeys, deps.nowMs() + keyValidityMs), deps.serverName, deps.signingKey);

/**
 * The answer for every asked server, each response additionally signed by us. Remote servers are
 * answered from the D1 cache or fetched (in parallel); a server we know nothing of is left out.
 */
function answer(deps: FederationDeps, keyValidityMs: number, criteria: readonly NotaryCriteria[]) {
  return Effect.promise(async () => {
    const responses = await Promise.all(
      criteria.map((query) =>
        query.serverName === deps.serverName ? ownResponse(deps, keyValidityMs) : notaryRemoteResponse(deps, query),
      ),
    );
    const signed = responses.filter((r): r is JsonObject => r !== undefined).map((r) => signJson(r, deps.serverName, deps.signingKey));
    return { server_keys: signed };
  });
}

export const notaryRoutes = new Hono<AppEnv>()
  .get(
    "/_matrix/key/v2/query/:serverName",
    effectRoute((c) =>
      Effect.gen(function* () {
        const criteria = yield* orFail(parseNotaryGet(c.req.param("serverName") ?? "", c.req.query("minimum_valid_until_ts")));
        const deps = yield* federationDeps(c);
        const config = yield* ServerConfig;
        return c.json(yield* answer(deps, config.keyValidityMs, [criteria]));
      }),
    ),
  )
  .post(
    "/_matrix/key/v2/query",
    effectRoute((c) =>
      Effect.gen(function* () {
        const criteria = yield* orFail(parseNotaryBody(yield* readJsonObject(c.req.raw)));
        const deps = yield* federationDeps(c);
        const config = yield* ServerConfig;
        return c.json(yield* answer(deps, config.keyValidityMs, criteria));
      }),
    ),
  );
