// Rate limiting: 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After, per IP and per account; the off switch; the settings.
import { env } from "cloudflare:test";
import { Effect, Exit } from "effect";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp, type AppEnv } from "../../../src/api/app";
import { effectRoute } from "../../../src/api/effect-route";
import { rateLimit } from "../../../src/api/rate-limit";
import { takeFromBucket } from "../../../src/durable/rate-limiter";
import { DEFAULT_RATE_LIMITS, parseRateRule, readAuthConfig, type RateLimits } from "../../../src/platform/server-config";
import { testServices } from "../../../src/platform/services";
import { testApp, uniqueName } from "./support";

const tight: RateLimits = {
  login: { perSecond: 0.001, burst: 2 },
  register: { perSecond: 0.001, burst: 2 },
  message: { perSecond: 0.001, burst: 3 },
};

let ipCounter = 1;
const freshIp = () => `192.0.2.${ipCounter++}`;

const badLogin = (user: string) => ({ type: "m.login.password", identifier: { type: "m.id.user", user }, password: "wrong" });

describe("login limits", () => {
  it("limits logins per IP with 429, retry_after_ms and a Retry-After header", async () => {
    const call = testApp({ auth: { rateLimits: tight } });
    const ip = freshIp();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await call("POST", "login", { body: badLogin(uniqueName()), headers: { "CF-Connecting-IP": ip } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([403, 403, 429]);
    expect(last?.body["errcode"]).toBe("M_LIMIT_EXCEEDED");
    expect(last?.body["retry_after_ms"]).toBeGreaterThan(0);
    expect(Number(last?.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    // Another IP is not affected.
    const other = await call("POST", "login", { body: badLogin(uniqueName()), headers: { "CF-Connecting-IP": freshIp() } });
    expect(other.status).toBe(403);
  });

  it("limits logins per account whatever the IP", async () => {
    const call = testApp({ auth: { rateLimits: tight } });
    const name = uniqueName();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await call("POST", "login", { body: badLogin(name), headers: { "CF-Connecting-IP": freshIp() } })).status);
    }
    expect(statuses).toEqual([403, 403, 429]);
  });

  it("refills with time", async () => {
    const t0 = Date.now();
    const rules: RateLimits = { ...tight, login: { perSecond: 1, burst: 1 } };
    const ip = freshIp();
    const at = (ms: number) => testApp({ auth: { rateLimits: rules }, nowMs: ms });
    const headers = { "CF-Connecting-IP": ip };
    expect((await at(t0)("POST", "login", { body: badLogin(uniqueName()), headers })).status).toBe(403);
    expect((await at(t0 + 100)("POST", "login", { body: badLogin(uniqueName()), headers })).status).toBe(429);
    expect((await at(t0 + 1_100)("POST", "login", { body: badLogin(uniqueName()), headers })).status).toBe(403);
  });

  it("does nothing when rate limiting is off", async () => {
    const call = testApp();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      expect((await call("POST", "login", { body: badLogin(uniqueName()), headers: { "CF-Connecting-IP": ip } })).status).toBe(403);
    }
  });
});

describe("registration limits", () => {
  it("limits registrations per IP", async () => {
    const call = testApp({ auth: { rateLimits: tight } });
    const headers = { "CF-Connecting-IP": freshIp() };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("POST", "register", { body: { username: uniqueName() }, headers })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe("rateLimit() for other routes (message sending)", () => {
  const probes = new Hono<AppEnv>().post(
    "/_matrix/test/send",
    effectRoute((c) =>
      Effect.gen(function* () {
        yield* rateLimit(c, "message", { userId: c.req.query("user") ?? "" });
        return c.json({});
      }),
    ),
  );
  const app = createApp({ services: testServices({ auth: { rateLimits: tight } }), extraRoutes: probes });

  it("limits per user", async () => {
    const user = `@${uniqueName()}:test.example`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await app.request(`/_matrix/test/send?user=${encodeURIComponent(user)}`, { method: "POST" }, env)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await app.request(`/_matrix/test/send?user=${encodeURIComponent(`@${uniqueName()}:test.example`)}`, { method: "POST" }, env);
    expect(other.status).toBe(200);
  });
});

describe("token buckets", () => {
  it("spends the burst, then refills at the rate, never beyond the burst", () => {
    const buckets = new Map();
    const rule = { perSecond: 2, burst: 3 };
    const take = (ms: number) => takeFromBucket(buckets, "k", rule, ms, 1);
    expect([take(0), take(0), take(0)].every((r) => r.allowed)).toBe(true);
    expect(take(0)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(take(500).allowed).toBe(true);
    expect(take(100_000).allowed).toBe(true);
    expect([take(100_000), take(100_000)].every((r) => r.allowed)).toBe(true);
    expect(take(100_000).allowed).toBe(false);
    // A clock stepping backwards refills nothing.
    expect(take(50_000).allowed).toBe(false);
  });
});

describe("settings", () => {
  it("reads RATE_LIMIT, the rules and the shared secret; defaults are on", () => {
    const read = (vars: Record<string, string | undefined>) => Effect.runSyncExit(readAuthConfig(vars));
    const defaults = read({});
    expect(Exit.isSuccess(defaults) && defaults.value).toEqual({ rateLimits: DEFAULT_RATE_LIMITS, registrationSharedSecret: undefined });
    const off = read({ RATE_LIMIT: "off", REGISTRATION_SHARED_SECRET: "s" });
    expect(Exit.isSuccess(off) && off.value).toEqual({ rateLimits: null, registrationSharedSecret: "s" });
    const custom = read({ RATE_LIMIT_LOGIN: "1.5:4" });
    expect(Exit.isSuccess(custom) && custom.value.rateLimits?.login).toEqual({ perSecond: 1.5, burst: 4 });
    for (const bad of [{ RATE_LIMIT: "maybe" }, { RATE_LIMIT_MESSAGE: "fast" }, { RATE_LIMIT_REGISTER: "0:5" }]) {
      expect(Exit.isFailure(read(bad)), JSON.stringify(bad)).toBe(true);
    }
    expect(parseRateRule(" 0.2 : 10 ")).toEqual({ perSecond: 0.2, burst: 10 });
    expect(parseRateRule("1:0")).toBeUndefined();
  });

  it("is on in wrangler.toml", () => {
    const live = Effect.runSyncExit(readAuthConfig(env));
    expect(Exit.isSuccess(live) && live.value.rateLimits).not.toBeNull();
  });
});
