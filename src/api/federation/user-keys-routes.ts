// GET /_matrix/federation/v1/user/devices/{userId}, POST /user/keys/query and /user/keys/claim: our users' devices and keys for other servers.
import { Effect } from "effect";
import { Hono } from "hono";
import { claimLocalKeys, deviceListStreamId, localKeys } from "../../accounts/local-keys-query";
import type { KeyClaim } from "../../accounts/one-time-key-store";
import { federationQueryError } from "../../protocol/federation/query-error";
import { isJsonObject, type JsonObject } from "../../protocol/json-value";
import { ServerConfig } from "../../platform/server-config";
import type { AppEnv } from "../app-env";
import { localUserId } from "./query-routes";
import { federationRoute, type FederationEnv, requireServerAuth } from "./server-auth";

const badJson = (message: string) => Effect.fail(federationQueryError("bad_json", message));

/** The device's keys as published: `unsigned` (where the client API puts the display name) left out. */
function withoutUnsigned(keys: JsonObject): JsonObject {
  const { unsigned: _unsigned, ...rest } = keys;
  return rest;
}

const userDevices = federationRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const userId = yield* localUserId(c.req.param("userId") ?? "", serverName);
    const db = c.env.DB;
    // The stream position is read first: a change landing in between is then announced after it.
    const streamId = yield* Effect.promise(() => deviceListStreamId(db, userId));
    const keys = yield* Effect.promise(() => localKeys(db, new Map([[userId, "all"]]), null));
    const devices = Object.entries(keys.device_keys[userId] ?? {}).map(([deviceId, deviceKeys]) => {
      const unsigned = deviceKeys["unsigned"];
      const name = isJsonObject(unsigned) ? unsigned["device_display_name"] : undefined;
      return { device_id: deviceId, keys: withoutUnsigned(deviceKeys), ...(typeof name === "string" ? { device_display_name: name } : {}) };
    });
    const master = keys.master_keys[userId];
    const selfSigning = keys.self_signing_keys[userId];
    return c.json({
      user_id: userId,
      stream_id: streamId,
      devices,
      ...(master === undefined ? {} : { master_key: master }),
      ...(selfSigning === undefined ? {} : { self_signing_key: selfSigning }),
    });
  }),
);

const userKeysQuery = federationRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const wanted = (c.var.federation.content ?? {})["device_keys"];
    if (!isJsonObject(wanted)) return yield* badJson("device_keys must be an object");
    const requested = new Map<string, ReadonlySet<string> | "all">();
    for (const [user, devices] of Object.entries(wanted)) {
      if (!Array.isArray(devices) || !devices.every((d) => typeof d === "string")) {
        return yield* badJson(`device_keys.${user.slice(0, 100)} must be a list of device IDs`);
      }
      const userId = yield* localUserId(user, serverName);
      requested.set(userId, devices.length === 0 ? "all" : new Set(devices as string[]));
    }
    // Another server never gets a user-signing key (viewer null).
    const keys = yield* Effect.promise(() => localKeys(c.env.DB, requested, null));
    return c.json({ device_keys: keys.device_keys, master_keys: keys.master_keys, self_signing_keys: keys.self_signing_keys });
  }),
);

const userKeysClaim = federationRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const wanted = (c.var.federation.content ?? {})["one_time_keys"];
    if (!isJsonObject(wanted)) return yield* badJson("one_time_keys must be an object");
    const claims: KeyClaim[] = [];
    for (const [user, devices] of Object.entries(wanted)) {
      if (!isJsonObject(devices) || !Object.values(devices).every((a) => typeof a === "string")) {
        return yield* badJson(`one_time_keys.${user.slice(0, 100)} must map device IDs to algorithms`);
      }
      const userId = yield* localUserId(user, serverName);
      for (const [deviceId, algorithm] of Object.entries(devices)) claims.push({ userId, deviceId, algorithm: algorithm as string });
    }
    const oneTimeKeys = yield* Effect.promise(() => claimLocalKeys(c.env.DB, claims));
    return c.json({ one_time_keys: oneTimeKeys });
  }),
);

export const federationUserKeysRoutes = new Hono<FederationEnv>()
  .get("/_matrix/federation/v1/user/devices/:userId", requireServerAuth(), userDevices)
  .post("/_matrix/federation/v1/user/keys/query", requireServerAuth(), userKeysQuery)
  .post("/_matrix/federation/v1/user/keys/claim", requireServerAuth(), userKeysClaim) as unknown as Hono<AppEnv>;
