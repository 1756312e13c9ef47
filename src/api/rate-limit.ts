// rateLimit(): token-bucket limits per client IP and per user for login, registration, message sending and ephemeral updates.
import { Effect, Exit } from "effect";
import type { Context } from "hono";
import { rateLimiterClient, type TakeResult } from "../durable/rate-limiter-client";
import { AuthConfig, DEFAULT_RATE_LIMITS, type RateLimits } from "../platform/server-config";
import { WallClock } from "../platform/wall-clock";
import type { AppEnv } from "./app-env";
import { MatrixError } from "./matrix-error";

export type RateLimitKind = keyof RateLimits;

/** Kinds counted per user only: authenticated, frequent traffic where a shared NAT is many clients. */
const USER_ONLY: ReadonlySet<RateLimitKind> = new Set<RateLimitKind>(["typing", "receipt", "presence", "to_device"]);

/** How long the limiter may take to answer before the request is refused. */
export const LIMITER_TIMEOUT_MS = 2_000;

/** The wait a client is told when the limiter could not answer: short, the outage may be brief. */
export const LIMITER_UNAVAILABLE_RETRY_MS = 2_000;

/** Who else besides the client IP a request is counted against. */
export interface RateSubjects {
  /** The authenticated user (message sending, typing, receipts, presence). */
  readonly userId?: string;
  /** The account a login or UIA password attempt names, whether or not it exists. */
  readonly account?: string;
}

/** Cloudflare's client address; absent only off Cloudflare (tests calling the app directly). */
export const clientIp = <E extends AppEnv>(c: Context<E>): string | undefined => c.req.header("CF-Connecting-IP") ?? undefined;

/**
 * Takes one token from every bucket the request counts against (its IP unless the kind is per
 * user only, plus the user or account named) and fails with 429 M_LIMIT_EXCEEDED, `retry_after_ms`
 * and `Retry-After`, when any is empty. A no-op when RATE_LIMIT=off.
 *
 * Fails closed: when the limiter object throws or does not answer within LIMITER_TIMEOUT_MS, the
 * request is refused with the same 429 (a short retry_after_ms), never let through and never a 500.
 * A 429 rather than a 503: every client already backs off and retries on M_LIMIT_EXCEEDED.
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
    const rule = limits[kind] ?? DEFAULT_RATE_LIMITS[kind];
    const now = (yield* WallClock).nowMs();
    const ip = USER_ONLY.has(kind) ? undefined : clientIp(c);
    const keys = [
      ...(ip === undefined ? [] : [`${kind}:ip:${ip}`]),
      ...(subjects.userId === undefined ? [] : [`${kind}:user:${subjects.userId}`]),
      ...(subjects.account === undefined ? [] : [`${kind}:account:${subjects.account}`]),
    ];
    if (keys.length === 0) return;
    const limiter = rateLimiterClient(c.env.RATE_LIMITER);
    const answer = yield* Effect.tryPromise({
      try: () => Promise.all(keys.map((key) => limiter.take(key, rule, now))),
      catch: (cause) => cause,
    }).pipe(Effect.timeout(LIMITER_TIMEOUT_MS), Effect.exit);
    // Fail closed: a limiter that cannot answer refuses the request as if the bucket were empty.
    if (Exit.isFailure(answer)) {
      console.error("rate limiter unavailable; refusing the request:", answer.cause);
      return yield* Effect.fail(limitExceeded(LIMITER_UNAVAILABLE_RETRY_MS));
    }
    const results: readonly TakeResult[] = answer.value;
    if (results.every((r) => r.allowed)) return;
    return yield* Effect.fail(limitExceeded(Math.max(0, ...results.filter((r) => !r.allowed).map((r) => r.retryAfterMs))));
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
