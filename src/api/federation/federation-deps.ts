// What federation code needs from the request: our name and key, the clock, D1, outbound fetch and the http-loopback setting.
import { Effect } from "effect";
import type { Context } from "hono";
import type { FederationClientDeps } from "../../platform/federation-client";
import { readFederationSettings } from "../../platform/federation-settings";
import { liveOutboundFetch } from "../../platform/outbound-fetch";
import type { RemoteKeyDeps } from "../../platform/remote-server-keys";
import { ServerConfig } from "../../platform/server-config";
import { type ServerKeys, SigningKeyStore } from "../../platform/signing-key-store";
import { WallClock } from "../../platform/wall-clock";
import type { AppEnv } from "../app-env";

export interface FederationDeps extends FederationClientDeps, RemoteKeyDeps {
  readonly ownKeys: ServerKeys;
}

export function federationDeps(c: Context<AppEnv>) {
  return Effect.gen(function* () {
    const config = yield* ServerConfig;
    const clock = yield* WallClock;
    const ownKeys = yield* (yield* SigningKeyStore).keys;
    const settings = readFederationSettings(c.env);
    if (!settings.ok) return yield* Effect.fail(settings.error);
    const deps: FederationDeps = {
      db: c.env.DB,
      fetch: liveOutboundFetch,
      nowMs: clock.nowMs,
      allowHttpLoopback: settings.value.allowHttpLoopback,
      serverName: config.serverName,
      signingKey: ownKeys.current,
      ownKeys,
    };
    return deps;
  });
}
