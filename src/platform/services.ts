// The set of platform services the HTTP routes use, wired from the bindings (live) or fixed (tests).
import { Effect, Layer } from "effect";
import { ConfigError } from "./config-error";
import { d1SigningKeyStoreLayer } from "./d1-signing-key-store";
import type { Env } from "./env";
import { AuthConfig, type AuthConfigShape, ServerConfig, type ServerConfigShape } from "./server-config";
import { parseSigningKeySeed } from "./signing-key-material";
import { type ServerSigningKey, SigningKeyStore } from "./signing-key-store";
import { WallClock } from "./wall-clock";

export type AppServices = ServerConfig | AuthConfig | WallClock | SigningKeyStore;

/** Builds the services for one request; cheap, since each part is a plain value or a thin wrapper. */
export type ServicesFor = (env: Env) => Layer.Layer<AppServices, ConfigError>;

export const liveServices: ServicesFor = (env) =>
  Layer.mergeAll(ServerConfig.fromEnv(env), AuthConfig.fromEnv(env), signingKeyLayer(env)).pipe(Layer.provideMerge(WallClock.live));

/** SIGNING_KEY_SEED, when set, replaces the key kept in D1; a malformed one is refused, not ignored. */
function signingKeyLayer(env: Env): Layer.Layer<SigningKeyStore, ConfigError, WallClock> {
  const seedText = env.SIGNING_KEY_SEED ?? "";
  if (seedText === "") return d1SigningKeyStoreLayer(env.DB);
  const key = parseSigningKeySeed(seedText);
  if (key === undefined) {
    const error = new ConfigError({ reason: "bad_signing_key_seed", setting: "SIGNING_KEY_SEED", detail: "not an ed25519 seed" });
    return Layer.effect(SigningKeyStore, Effect.fail(error));
  }
  return SigningKeyStore.fixed(key);
}

export interface TestServicesOptions {
  readonly config?: Partial<ServerConfigShape>;
  /** Rate limits and the registration shared secret; off and unset unless given. */
  readonly auth?: Partial<AuthConfigShape>;
  readonly nowMs?: number;
  /** A fixed key; without it the D1 store of `env` is used, as in production. */
  readonly key?: ServerSigningKey;
}

/** Services for route tests: a fixed config and clock, and a fixed key or the real D1 store. */
export const testServices =
  (options: TestServicesOptions = {}): ServicesFor =>
  (env) =>
    Layer.mergeAll(
      ServerConfig.test(options.config),
      AuthConfig.test(options.auth),
      options.key === undefined ? d1SigningKeyStoreLayer(env.DB) : SigningKeyStore.fixed(options.key),
    ).pipe(Layer.provideMerge(options.nowMs === undefined ? WallClock.live : WallClock.fixed(options.nowMs)));
