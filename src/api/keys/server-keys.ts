// GET /_matrix/key/v2/server: our signing keys, signed by the current key (server-server "Publishing Keys").
import { Effect } from "effect";
import { Hono } from "hono";
import { encodeBase64 } from "../../protocol/base64";
import type { JsonObject } from "../../protocol/json-value";
import { signJson } from "../../protocol/signing";
import { ServerConfig } from "../../platform/server-config";
import { type ServerKeys, SigningKeyStore } from "../../platform/signing-key-store";
import { WallClock } from "../../platform/wall-clock";
import type { AppEnv } from "../app-env";
import { effectRoute } from "../effect-route";

export const serverKeysRoutes = new Hono<AppEnv>().get(
  "/_matrix/key/v2/server",
  effectRoute((c) =>
    Effect.gen(function* () {
      const config = yield* ServerConfig;
      const clock = yield* WallClock;
      const keys = yield* (yield* SigningKeyStore).keys;
      const response = serverKeysResponse(config.serverName, keys, clock.nowMs() + config.keyValidityMs);
      return c.json(signJson(response, config.serverName, keys.current));
    }),
  ),
);

/** The unsigned response body. */
export function serverKeysResponse(serverName: string, keys: ServerKeys, validUntilTs: number): JsonObject {
  const oldVerifyKeys: Record<string, JsonObject> = {};
  for (const old of keys.old) {
    oldVerifyKeys[old.keyId] = { key: encodeBase64(old.publicKey), expired_ts: old.expiredTs };
  }
  return {
    server_name: serverName,
    verify_keys: { [keys.current.keyId]: { key: encodeBase64(keys.current.publicKey) } },
    old_verify_keys: oldVerifyKeys,
    valid_until_ts: validUntilTs,
  };
}
