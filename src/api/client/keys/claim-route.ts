// POST /keys/claim: one one-time key per requested device and algorithm (each key handed out once), else the fallback key.
import { Effect } from "effect";
import { Hono } from "hono";
import { claimLocalKeys } from "../../../accounts/local-keys-query";
import type { KeyClaim } from "../../../accounts/one-time-key-store";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";
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
      const oneTimeKeys = yield* Effect.promise(() => claimLocalKeys(c.env.DB, claims));
      return c.json({ one_time_keys: oneTimeKeys, failures });
    }),
  ),
);
