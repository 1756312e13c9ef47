// The server's settings as an Effect service, read and checked once from the worker's vars.
import { Context, Effect, Layer } from "effect";
import { ConfigError } from "./config-error";
import type { Env } from "./env";
import { parseServerName } from "./server-name";

export type RegistrationPolicy = "open" | "token" | "closed";

/** A token bucket: refill speed and capacity. */
export interface RateRule {
  readonly perSecond: number;
  readonly burst: number;
}

/** What is rate limited, per user and per client IP. */
export interface RateLimits {
  readonly login: RateRule;
  readonly register: RateRule;
  readonly message: RateRule;
  /** Per user only (not per IP, so a shared NAT is not one client); unset: the default rule. */
  readonly typing?: RateRule;
  /** Receipts and read markers, per user; unset: the default rule. */
  readonly receipt?: RateRule;
  /** Setting one's presence, per user; unset: the default rule. */
  readonly presence?: RateRule;
  /** Send-to-device requests, per user; unset: the default rule. */
  readonly to_device?: RateRule;
}

/** The settings of accounts and authentication, a service of their own so other routes need not know them. */
export interface AuthConfigShape {
  /** null: rate limiting is off (RATE_LIMIT=off, for benchmarks). */
  readonly rateLimits: RateLimits | null;
  /** Enables shared-secret registration (Synapse's admin register API) when set. */
  readonly registrationSharedSecret: string | undefined;
}

export interface ServerConfigShape {
  /** The Matrix server name, `host[:port]`, checked against the spec grammar. */
  readonly serverName: string;
  /** The URL clients should use, without a trailing slash; undefined means "the request's origin". */
  readonly publicBaseUrl: string | undefined;
  readonly registration: RegistrationPolicy;
  /** How far ahead `valid_until_ts` of our key response lies. */
  readonly keyValidityMs: number;
}

const REGISTRATION_POLICIES: readonly RegistrationPolicy[] = ["open", "token", "closed"];

/** Reads the vars; any unusable value is an error rather than a guess, so a typo cannot open registration. */
export function readServerConfig(env: Pick<Env, "SERVER_NAME" | "PUBLIC_BASE_URL" | "REGISTRATION" | "KEY_VALIDITY_MS">): Effect.Effect<ServerConfigShape, ConfigError> {
  return Effect.gen(function* () {
    const serverName = env.SERVER_NAME ?? "";
    if (parseServerName(serverName) === undefined) {
      return yield* new ConfigError({ reason: "bad_server_name", setting: "SERVER_NAME", detail: serverName });
    }
    const publicBaseUrl = yield* readBaseUrl(env.PUBLIC_BASE_URL ?? "");
    const registration = REGISTRATION_POLICIES.find((p) => p === (env.REGISTRATION ?? "closed"));
    if (registration === undefined) {
      return yield* new ConfigError({ reason: "bad_registration", setting: "REGISTRATION", detail: env.REGISTRATION });
    }
    const validityText = env.KEY_VALIDITY_MS ?? "";
    const keyValidityMs = /^[0-9]{1,15}$/.test(validityText) ? Number(validityText) : 0;
    if (keyValidityMs <= 0) {
      return yield* new ConfigError({ reason: "bad_key_validity", setting: "KEY_VALIDITY_MS", detail: validityText });
    }
    return { serverName, publicBaseUrl, registration, keyValidityMs };
  });
}

function readBaseUrl(text: string): Effect.Effect<string | undefined, ConfigError> {
  if (text === "") return Effect.succeed(undefined);
  const fail = new ConfigError({ reason: "bad_public_base_url", setting: "PUBLIC_BASE_URL", detail: text });
  if (!URL.canParse(text)) return Effect.fail(fail);
  const url = new URL(text);
  if (url.protocol !== "https:" && url.protocol !== "http:") return Effect.fail(fail);
  return Effect.succeed(text.replace(/\/+$/, ""));
}

export class ServerConfig extends Context.Service<ServerConfig, ServerConfigShape>()("platform/ServerConfig") {
  /** The live layer: the worker's vars. */
  static readonly fromEnv = (env: Env): Layer.Layer<ServerConfig, ConfigError> =>
    Layer.effect(ServerConfig, readServerConfig(env));

  /** A fixed configuration for tests; override what a test cares about. */
  static readonly test = (overrides: Partial<ServerConfigShape> = {}): Layer.Layer<ServerConfig> =>
    Layer.succeed(ServerConfig, {
      serverName: "test.example",
      publicBaseUrl: undefined,
      registration: "closed",
      keyValidityMs: 7 * 24 * 60 * 60 * 1000,
      ...overrides,
    });
}

type AuthVars = Partial<
  Pick<Env, "RATE_LIMIT" | "RATE_LIMIT_LOGIN" | "RATE_LIMIT_REGISTER" | "RATE_LIMIT_MESSAGE" | "REGISTRATION_SHARED_SECRET">
>;

/** Defaults when a rule is not set: generous enough for people, tight enough to slow guessing. */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  login: { perSecond: 0.2, burst: 10 },
  register: { perSecond: 0.2, burst: 10 },
  message: { perSecond: 5, burst: 50 },
  // Clients send typing every few seconds while typing, and stop on idle: room to switch rooms fast.
  typing: { perSecond: 1, burst: 30 },
  // A receipt (and often a read marker) on every read: room to catch up on many rooms at once.
  receipt: { perSecond: 5, burst: 100 },
  presence: { perSecond: 0.5, burst: 20 },
  // Key sharing sends a burst of to-device requests when a room gains devices; kept apart from room messages.
  to_device: { perSecond: 10, burst: 100 },
};

/** Rate limiting is on unless RATE_LIMIT is exactly "off"; anything unreadable is an error, never "off". */
export function readAuthConfig(env: AuthVars): Effect.Effect<AuthConfigShape, ConfigError> {
  return Effect.gen(function* () {
    const secret = env.REGISTRATION_SHARED_SECRET ?? "";
    const registrationSharedSecret = secret === "" ? undefined : secret;
    const switchText = (env.RATE_LIMIT ?? "on").trim().toLowerCase();
    if (switchText === "off") return { rateLimits: null, registrationSharedSecret };
    if (switchText !== "on") {
      return yield* new ConfigError({ reason: "bad_rate_limit", setting: "RATE_LIMIT", detail: env.RATE_LIMIT ?? "" });
    }
    const rule = (setting: string, text: string | undefined, fallback: RateRule) => {
      if (text === undefined || text.trim() === "") return Effect.succeed(fallback);
      const parsed = parseRateRule(text);
      return parsed === undefined
        ? Effect.fail(new ConfigError({ reason: "bad_rate_limit", setting, detail: text }))
        : Effect.succeed(parsed);
    };
    const rateLimits = {
      login: yield* rule("RATE_LIMIT_LOGIN", env.RATE_LIMIT_LOGIN, DEFAULT_RATE_LIMITS.login),
      register: yield* rule("RATE_LIMIT_REGISTER", env.RATE_LIMIT_REGISTER, DEFAULT_RATE_LIMITS.register),
      message: yield* rule("RATE_LIMIT_MESSAGE", env.RATE_LIMIT_MESSAGE, DEFAULT_RATE_LIMITS.message),
      typing: DEFAULT_RATE_LIMITS.typing,
      receipt: DEFAULT_RATE_LIMITS.receipt,
      presence: DEFAULT_RATE_LIMITS.presence,
      to_device: DEFAULT_RATE_LIMITS.to_device,
    };
    return { rateLimits, registrationSharedSecret };
  });
}

/** "<requests per second>:<burst>", e.g. "0.2:10": ten at once, then one every five seconds. */
export function parseRateRule(text: string): RateRule | undefined {
  const match = /^\s*([0-9]{1,9}(?:\.[0-9]{1,9})?)\s*:\s*([0-9]{1,7})\s*$/.exec(text);
  if (match === null) return undefined;
  const perSecond = Number(match[1]);
  const burst = Number(match[2]);
  return perSecond > 0 && burst >= 1 ? { perSecond, burst } : undefined;
}

export class AuthConfig extends Context.Service<AuthConfig, AuthConfigShape>()("platform/AuthConfig") {
  static readonly fromEnv = (env: Env): Layer.Layer<AuthConfig, ConfigError> => Layer.effect(AuthConfig, readAuthConfig(env));

  /** Tests: rate limiting off and no shared secret, unless a test asks. */
  static readonly test = (overrides: Partial<AuthConfigShape> = {}): Layer.Layer<AuthConfig> =>
    Layer.succeed(AuthConfig, { rateLimits: null, registrationSharedSecret: undefined, ...overrides });
}
