// Inbound X-Matrix authentication for federation routes: who is calling (the origin server), or 401/400.
import { Cause, Data, Effect, Exit } from "effect";
import type { Context, MiddlewareHandler } from "hono";
import { verifyRequestSignature } from "../../protocol/federation/signed-request";
import { parseXMatrixHeader, type XMatrixAuth } from "../../protocol/federation/x-matrix-header";
import { isValidServerName } from "../../protocol/identifiers/server-name";
import type { JsonObject } from "../../protocol/json-value";
import { requestVerifyKey } from "../../platform/remote-server-keys";
import type { AppEnv } from "../app-env";
import { effectRoute, type RouteEffect } from "../effect-route";
import { logIfInternal } from "../error-handlers";
import { toMatrixError } from "../error-table";
import { readJsonObject } from "../json-body";
import { type FederationDeps, federationDeps } from "./federation-deps";

export class FederationAuthError extends Data.TaggedError("FederationAuthError")<{
  /**
   * missing_header: no X-Matrix Authorization; malformed_header: one that does not parse;
   * wrong_destination: addressed to another server; unknown_key: the origin's key could not be
   * had (unknown, old, or the origin unreachable); bad_signature: the signature does not verify.
   */
  readonly reason: "missing_header" | "malformed_header" | "wrong_destination" | "unknown_key" | "bad_signature";
  readonly message: string;
}> {}

/** Who sent an authenticated federation request, and its parsed body. */
export interface FederationCaller {
  /** The origin server name, proven by its signature. */
  readonly origin: string;
  /** The JSON body that was signed (routes read it here: the stream is already consumed); undefined without a body. */
  readonly content: JsonObject | undefined;
}

/** The Hono environment of routes behind `requireServerAuth`: the caller is in `c.var.federation`. */
export type FederationEnv = {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { federation: FederationCaller };
};

/** Transactions carry up to 50 PDUs of 64 KiB and 100 EDUs; this leaves room for that with margin. */
export const FEDERATION_MAX_BODY_BYTES = 8 * 1024 * 1024;

const authError = (reason: FederationAuthError["reason"], message: string) => Effect.fail(new FederationAuthError({ reason, message }));

/** The request target as received: path and query, without scheme and host (what the sender signed). */
export function requestTarget(url: string): string {
  const afterScheme = url.indexOf("://");
  const pathStart = url.indexOf("/", afterScheme < 0 ? 0 : afterScheme + 3);
  return pathStart < 0 ? "/" : url.slice(pathStart);
}

/** Checks the request's X-Matrix header against the origin's current key; fails with what to answer. */
export function authenticateServer(c: Context<AppEnv>, deps: FederationDeps): Effect.Effect<FederationCaller, unknown> {
  return Effect.gen(function* () {
    const header = c.req.header("Authorization");
    if (header === undefined || header.trim() === "") return yield* authError("missing_header", "Missing X-Matrix Authorization header");
    const parsed = parseXMatrixHeader(header);
    if (!parsed.ok) return yield* authError("malformed_header", `Malformed Authorization header (${parsed.error.reason}: ${parsed.error.detail})`);
    const auth: XMatrixAuth = parsed.value;
    if (!isValidServerName(auth.origin)) return yield* authError("malformed_header", "origin is not a server name");
    if (auth.destination !== undefined && auth.destination !== deps.serverName) {
      return yield* authError("wrong_destination", `This request is for ${auth.destination}, not ${deps.serverName}`);
    }
    // Spec "API standards": POST and PUT carry a (possibly empty) JSON object, which is signed as
    // `content`; other methods have no body, and their signed JSON has no `content`.
    const hasBody = c.req.method === "POST" || c.req.method === "PUT";
    const content = hasBody ? yield* readJsonObject(c.req.raw, { maxBytes: FEDERATION_MAX_BODY_BYTES, emptyAsObject: true }) : undefined;
    const publicKey = yield* originKey(deps, auth);
    const request = { method: c.req.method, uri: requestTarget(c.req.url), ...(content === undefined ? {} : { content }) };
    const verified = verifyRequestSignature(request, auth, deps.serverName, publicKey);
    if (!verified.ok) return yield* authError("bad_signature", `The request signature does not verify (${verified.error.reason})`);
    return { origin: auth.origin, content };
  });
}

/** The origin's key: our own keys for ourselves, else from the remote key cache (fetched when missing). */
function originKey(deps: FederationDeps, auth: XMatrixAuth): Effect.Effect<Uint8Array, FederationAuthError> {
  if (auth.origin === deps.serverName) {
    const own = deps.ownKeys.current;
    return own.keyId === auth.key ? Effect.succeed(own.publicKey) : authError("unknown_key", `${auth.key} is not a current key of ${auth.origin}`);
  }
  if (!auth.key.startsWith("ed25519:")) return authError("unknown_key", `Unsupported key algorithm in ${auth.key}`);
  return Effect.promise(() => requestVerifyKey(deps, auth.origin, auth.key)).pipe(
    Effect.flatMap((found) =>
      found.ok ? Effect.succeed(found.value) : authError("unknown_key", `No usable key ${auth.key} of ${auth.origin}: ${found.error.detail}`),
    ),
  );
}

/** Hono middleware: puts the authenticated origin into `c.var.federation`, or answers without running the route. */
export function requireServerAuth(): MiddlewareHandler<FederationEnv> {
  return async (c, next) => {
    const base = c as unknown as Context<AppEnv>;
    const exit = await Effect.runPromiseExit(
      federationDeps(base).pipe(
        Effect.flatMap((deps) => authenticateServer(base, deps)),
        Effect.provide(base.var.services(base.env)),
      ),
    );
    if (Exit.isFailure(exit)) {
      const failure = Cause.squash(exit.cause);
      logIfInternal(base, failure);
      throw toMatrixError(failure);
    }
    c.set("federation", exit.value);
    await next();
  };
}

/** effectRoute for a route behind requireServerAuth: the handler sees `c.var.federation`. */
export function federationRoute(route: (c: Context<FederationEnv>) => RouteEffect): (c: Context<FederationEnv>) => Promise<Response> {
  const run = effectRoute((c) => route(c as unknown as Context<FederationEnv>));
  return (c) => run(c as unknown as Context<AppEnv>);
}
