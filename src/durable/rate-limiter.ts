// The rate-limiter Durable Object: token buckets kept in memory, one instance per limited key.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";

/** A token bucket's rule: refill speed and capacity. */
export interface BucketRule {
  readonly perSecond: number;
  readonly burst: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** 0 when allowed; otherwise how long until `cost` tokens are back. */
  readonly retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

/**
 * Buckets live in memory only: losing them when the object is evicted (idle for a while) merely
 * forgives a client that had gone quiet anyway, and keeps every check free of storage writes.
 * The caller passes the time, so a clock that steps backwards (another isolate's) never refills.
 */
export class RateLimiterDurableObject extends DurableObject<Env> {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, rule: BucketRule, nowMs: number, cost = 1): TakeResult {
    return takeFromBucket(this.buckets, key, rule, nowMs, cost);
  }
}

/** The bucket arithmetic, apart from the object so it reads (and tests) as plain code. */
export function takeFromBucket(
  buckets: Map<string, Bucket>,
  key: string,
  rule: BucketRule,
  nowMs: number,
  cost: number,
): TakeResult {
  const burst = Math.max(1, rule.burst);
  const perMs = Math.max(rule.perSecond, 1e-9) / 1000;
  const bucket = buckets.get(key) ?? { tokens: burst, lastMs: nowMs };
  const elapsed = Math.max(0, nowMs - bucket.lastMs);
  bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perMs);
  bucket.lastMs = Math.max(bucket.lastMs, nowMs);
  buckets.set(key, bucket);
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return { allowed: true, retryAfterMs: 0 };
  }
  return { allowed: false, retryAfterMs: Math.ceil((cost - bucket.tokens) / perMs) };
}
