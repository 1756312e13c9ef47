// The server's settings as an Effect service, read and checked once from the worker's vars.
import { Context, Effect, Layer } from "effect";
import { ConfigError } from "./config-error";
import type { Env } from "./env";
import { parseServerName } from "./server-name";

export type RegistrationPolicy = "open" | "token" | "closed";

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
