// POST /keys/claim: one one-time key per requested device and algorithm (each key handed out once), else the fallback key.
import { Effect } from "effect";
import { Hono } from "hono";
import { claimKeys, type KeyClaim } from "../../../accounts/one-time-key-store";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
import { isJsonObject, type JsonObject, type JsonValue } from "../../../protocol/json-value";
import { parseStrictJson } from "../../../protocol/strict-json";
import { ServerConfig } from "../../../platform/server-config";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { serverOf } from "./keys-request";
import { UNREACHABLE } from "./query-route";

export const claimKeysRoutes = new Hono<AuthedEnv>().post(
  "/keys/claim",
  requireAuth({ allowGuests: true }),
  authedRoute((c) =>
    Effect.gen(function* () {
      const { serverName } = yield* ServerConfig;
      const body = yield* readJsonObject(c.req.raw);
      const wanted = body["one_time_keys"];
      if (!isJsonObject(wanted)) return yield* Effect.fail(e2eeKeyError("bad_json", "one_time_keys must be an object"));
      const claims: KeyClaim[] = [];
      const failures: Record<string, JsonObject> = {};
      for (const [userId, devices] of Object.entries(wanted)) {
        if (!isJsonObject(devices) || !Object.values(devices).every((a) => typeof a === "string")) {
          return yield* Effect.fail(e2eeKeyError("bad_json", `one_time_keys.${userId} must map device IDs to algorithms`));
        }
        if (serverOf(userId) !== serverName) {
          failures[serverOf(userId)] = UNREACHABLE;
          continue;
        }
        for (const [deviceId, algorithm] of Object.entries(devices)) claims.push({ userId, deviceId, algorithm: algorithm as string });
      }
      const claimed = yield* Effect.promise(() => claimKeys(c.env.DB, claims));
      const oneTimeKeys: Record<string, Record<string, Record<string, JsonValue>>> = {};
      for (const key of claimed) {
        const parsed = parseStrictJson(key.keyJson);
        if (!parsed.ok) return yield* Effect.die(new Error("stored one-time key is not JSON"));
        const forUser = (oneTimeKeys[key.userId] ??= {});
        forUser[key.deviceId] = { [`${key.algorithm}:${key.keyId}`]: parsed.value };
      }
      return c.json({ one_time_keys: oneTimeKeys, failures });
    }),
  ),
);
