// Access-token authentication for every versioned client route: who is calling, or 401.
import { Cause, Effect, Exit } from "effect";
import type { Context, MiddlewareHandler } from "hono";
import { authenticateAccessToken, type TokenOwner } from "../accounts/token-store";
import { touchDevice } from "../accounts/device-store";
import { WallClock } from "../platform/wall-clock";
import type { AppEnv } from "./app-env";
import { cachedTokenOwner, rememberTokenOwner } from "./access-token-cache";
import { effectRoute, type RouteEffect } from "./effect-route";
import { logIfInternal } from "./error-handlers";
import { toMatrixError } from "./error-table";
import { matrixError } from "./matrix-error";

/** The authenticated caller of a request. */
export interface Requester extends TokenOwner {
  readonly accessToken: string;
}

/** The Hono environment of routes behind `requireAuth`: the caller is in `c.var.requester`. */
export type AuthedEnv = {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { requester: Requester };
};

export interface AuthOptions {
  /** Guests may call only the routes the guest-access module lists. */
  readonly allowGuests?: boolean;
  /** A locked account may still log out (spec "Account locking"); nothing else. */
  readonly allowLocked?: boolean;
}

/** A device's last-seen time is written at most this often, so requests do not each cost a write. */
const LAST_SEEN_INTERVAL_MS = 60_000;

/**
 * The token from `Authorization: Bearer`, else from the deprecated `access_token` query
 * parameter (older clients still send it). The header wins when both are present.
 */
export function accessTokenOf(request: Request): string | undefined {
  const header = request.headers.get("Authorization");
  if (header !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const query = new URL(request.url).searchParams.get("access_token");
  return query === null || query === "" ? undefined : query;
}

/** The caller, from the in-isolate cache or one indexed D1 read; fails with the Matrix error to send. */
export function authenticate(c: Context<AppEnv>, options: AuthOptions = {}): Effect.Effect<Requester, unknown, WallClock> {
  return Effect.gen(function* () {
    const accessToken = accessTokenOf(c.req.raw);
    if (accessToken === undefined) return yield* Effect.fail(matrixError(401, "M_MISSING_TOKEN", "Missing access token"));
    const now = (yield* WallClock).nowMs();
    const db = c.env.DB;
    let owner = cachedTokenOwner(db, accessToken);
    if (owner === undefined) {
      const found = yield* Effect.promise(() => authenticateAccessToken(db, accessToken, now));
      if (!found.ok) return yield* Effect.fail(found.error);
      owner = found.value;
      rememberTokenOwner(db, accessToken, owner);
    } else if (owner.expiresTs !== null && owner.expiresTs <= now) {
      return yield* Effect.fail(matrixError(401, "M_UNKNOWN_TOKEN", "access token expired", { soft_logout: true }));
    }
    if (owner.locked && options.allowLocked !== true) {
      return yield* Effect.fail(matrixError(401, "M_USER_LOCKED", "This account has been locked", { soft_logout: true }));
    }
    if (owner.isGuest && options.allowGuests !== true) {
      return yield* Effect.fail(matrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest accounts cannot use this endpoint"));
    }
    if (owner.deviceLastSeenTs === null || owner.deviceLastSeenTs <= now - LAST_SEEN_INTERVAL_MS) {
      const seen = owner;
      const ip = c.req.header("CF-Connecting-IP") ?? null;
      rememberTokenOwner(db, accessToken, { ...seen, deviceLastSeenTs: now });
      yield* Effect.promise(() =>
        touchDevice(db, { userId: seen.userId, deviceId: seen.deviceId, ip, now, minIntervalMs: LAST_SEEN_INTERVAL_MS }),
      );
    }
    return { ...owner, accessToken };
  });
}

/** Hono middleware: puts the caller into `c.var.requester`, or answers 401/403 without running the route. */
export function requireAuth(options: AuthOptions = {}): MiddlewareHandler<AuthedEnv> {
  return async (c, next) => {
    const base = c as unknown as Context<AppEnv>;
    const exit = await Effect.runPromiseExit(
      authenticate(base, options).pipe(Effect.provide(base.var.services(base.env))),
    );
    if (Exit.isFailure(exit)) {
      const failure = Cause.squash(exit.cause);
      logIfInternal(base, failure);
      throw toMatrixError(failure);
    }
    c.set("requester", exit.value);
    await next();
  };
}

/** effectRoute for a route behind requireAuth: the handler sees `c.var.requester`. */
export function authedRoute(route: (c: Context<AuthedEnv>) => RouteEffect): (c: Context<AuthedEnv>) => Promise<Response> {
  const run = effectRoute((c) => route(c as unknown as Context<AuthedEnv>));
  return (c) => run(c as unknown as Context<AppEnv>);
}
