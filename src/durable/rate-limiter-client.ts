// Typed access to the rate limiter: each key gets its own Durable Object instance.
import type { BucketRule, RateLimiterDurableObject, TakeResult } from "./rate-limiter";

export type { BucketRule, TakeResult } from "./rate-limiter";

export interface RateLimiterClient {
  readonly take: (key: string, rule: BucketRule, nowMs: number) => Promise<TakeResult>;
}

/**
 * One instance per key keeps every hot key on its own object (no shared queue between unrelated
 * clients) and needs no eviction logic: an idle instance simply goes away with its buckets.
 */
export function rateLimiterClient(namespace: DurableObjectNamespace<RateLimiterDurableObject>): RateLimiterClient {
  return {
    take: async (key, rule, nowMs) => {
      const stub = namespace.get(namespace.idFromName(key));
      const result = await stub.take(key, rule, nowMs);
      return { allowed: result.allowed, retryAfterMs: result.retryAfterMs };
    },
  };
}
