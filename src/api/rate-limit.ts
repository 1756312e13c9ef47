// rateLimit(): token-bucket limits per client IP and per user for login, registration and message sending.
import { Effect } from "effect";
import type { Context } from "hono";
import { rateLimiterClient, type TakeResult } from "../durable/rate-limiter-client";
import { AuthConfig, type RateLimits } from "../platform/server-config";
import { WallClock } from "../platform/wall-clock";
import type { AppEnv } from "./app-env";
import { MatrixError } from "./matrix-error";

export type RateLimitKind = keyof RateLimits;

/** Who else besides the client IP a request is counted against. */
export interface RateSubjects {
  /** The authenticated user (message sending). */
  readonly userId?: string;
  /** The account a login or UIA password attempt names, whether or not it exists. */
  readonly account?: string;
}

/** Cloudflare's client address; absent only off Cloudflare (tests calling the app directly). */
export const clientIp = <E extends AppEnv>(c: Context<E>): string | undefined => c.req.header("CF-Connecting-IP") ?? undefined;

/**
 * Takes one token from every bucket the request counts against (its IP, plus the user or account
 * named) and fails with 429 M_LIMIT_EXCEEDED, `retry_after_ms` and `Retry-After`, when any is
 * empty. A no-op when RATE_LIMIT=off.
 *
 * Usage in a route: `yield* rateLimit(c, "message", { userId: requester.userId })`.
 */
export function rateLimit<E extends AppEnv>(
  c: Context<E>,
  kind: RateLimitKind,
  subjects: RateSubjects = {},
): Effect.Effect<void, MatrixError, AuthConfig | WallClock> {
  return Effect.gen(function* () {
    const limits = (yield* AuthConfig).rateLimits;
    if (limits === null) return;
    const rule = limits[kind];
    const now = (yield* WallClock).nowMs();
    const ip = clientIp(c);
    const keys = [
      ...(ip === undefined ? [] : [`${kind}:ip:${ip}`]),
      ...(subjects.userId === undefined ? [] : [`${kind}:user:${subjects.userId}`]),
      ...(subjects.account === undefined ? [] : [`${kind}:account:${subjects.account}`]),
    ];
    if (keys.length === 0) return;
    const limiter = rateLimiterClient(c.env.RATE_LIMITER);
    const results = yield* Effect.promise(() => Promise.all(keys.map((key) => takeOrAllow(() => limiter.take(key, rule, now)))));
    const waitMs = Math.max(0, ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs));
    if (results.every((r) => r.allowed)) return;
    return yield* Effect.fail(limitExceeded(waitMs));
  });
}

/** 429 with both the deprecated body field and the Retry-After header (whole seconds, rounded up). */
export function limitExceeded(waitMs: number): MatrixError {
  return new MatrixError({
    status: 429,
    errcode: "M_LIMIT_EXCEEDED",
    message: "Too many requests; retry later",
    extra: { retry_after_ms: waitMs },
    headers: { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) },
  });
}

/**
 * An unreachable limiter lets the request through (and logs): a limiter outage must not lock
 * every user out of login, and the limits are a brake on abuse, not an access control.
 */
async function takeOrAllow(take: () => Promise<TakeResult>): Promise<TakeResult> {
  try {
    return await take();
  } catch (cause) {
    console.error("rate limiter unavailable; allowing the request:", cause);
    return { allowed: true, retryAfterMs: 0 };
  }
}
