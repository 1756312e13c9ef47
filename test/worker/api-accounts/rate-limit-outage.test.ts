// Rate limiting fails closed: when the limiter object cannot answer, the request gets 429 M_LIMIT_EXCEEDED, never a pass or a 500.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/api/app";
import type { RateLimiterDurableObject } from "../../../src/durable/rate-limiter";
import type { Env } from "../../../src/platform/env";
import { DEFAULT_RATE_LIMITS } from "../../../src/platform/server-config";
import { testServices } from "../../../src/platform/services";
import { SERVER, uniqueName, V3 } from "./support";

/** A limiter binding whose every call fails, as when the object cannot be reached. */
const unreachable = {
  idFromName: () => {
    throw new Error("limiter unreachable (test)");
  },
  get: () => {
    throw new Error("limiter unreachable (test)");
  },
} as unknown as DurableObjectNamespace<RateLimiterDurableObject>;

/** A limiter binding whose calls never answer. */
const silent = {
  idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
  get: () => ({ take: () => new Promise<never>(() => undefined) }),
} as unknown as DurableObjectNamespace<RateLimiterDurableObject>;

const badLogin = () => ({ type: "m.login.password", identifier: { type: "m.id.user", user: uniqueName() }, password: "wrong" });

function appWith(limiter: DurableObjectNamespace<RateLimiterDurableObject>, rateLimits: typeof DEFAULT_RATE_LIMITS | null) {
  const app = createApp({ services: testServices({ config: { serverName: SERVER, registration: "open" }, auth: { rateLimits } }) });
  const brokenEnv: Env = { ...env, RATE_LIMITER: limiter };
  return (body: unknown) =>
    app.request(`${V3}/login`, { method: "POST", body: JSON.stringify(body), headers: { "CF-Connecting-IP": "198.51.100.7" } }, brokenEnv);
}

describe("an unreachable limiter", () => {
  it("refuses with 429 M_LIMIT_EXCEEDED, retry_after_ms and Retry-After", async () => {
    const res = await appWith(unreachable, DEFAULT_RATE_LIMITS)(badLogin());
    expect(res.status).toBe(429);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body["errcode"]).toBe("M_LIMIT_EXCEEDED");
    expect(body["retry_after_ms"]).toBeGreaterThan(0);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("refuses when the limiter does not answer in time", { timeout: 15_000 }, async () => {
    const started = Date.now();
    const res = await appWith(silent, DEFAULT_RATE_LIMITS)(badLogin());
    expect(res.status).toBe(429);
    expect(((await res.json()) as Record<string, unknown>)["errcode"]).toBe("M_LIMIT_EXCEEDED");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("is never asked when RATE_LIMIT=off", async () => {
    const res = await appWith(unreachable, null)(badLogin());
    expect(res.status).toBe(403);
  });
});
