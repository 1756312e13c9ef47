// POST /keys/upload: the device's identity keys, one-time keys and fallback keys; answers the one-time key counts.
import { Effect } from "effect";
import { Hono } from "hono";
import { positionOf, recordDeviceListChangeStatement } from "../../../accounts/device-list-stream";
import { getDeviceKeys, putDeviceKeysStatement } from "../../../accounts/device-keys-store";
import { insertOneTimeKeysStatement, putFallbackKeysStatement, storedOneTimeKeys } from "../../../accounts/one-time-key-store";
import { canonicalJson } from "../../../protocol/canonical-json";
import { parseDeviceKeys } from "../../../protocol/e2ee/device-keys";
import { newOneTimeKeys, parseFallbackKeys, parseKeyMap, type UploadedKey } from "../../../protocol/e2ee/one-time-keys";
import { oneTimeKeyCounts } from "../../../readmodels/one-time-key-counts";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { announceDeviceListChange } from "../../device-list-announce";
import { optionalObject, orFail } from "./keys-request";

export const uploadKeysRoutes = new Hono<AuthedEnv>().post(
  "/keys/upload",
  // Spec "Guest Access" lists /keys/upload, /keys/query and /keys/claim.
  requireAuth({ allowGuests: true }),
  authedRoute((c) =>
    Effect.gen(function* () {
      const { userId, deviceId } = c.var.requester;
      const db = c.env.DB;
      const body = yield* readJsonObject(c.req.raw);
      const deviceKeysField = yield* optionalObject(body, "device_keys");
      const oneTimeField = yield* optionalObject(body, "one_time_keys");
      const fallbackField = yield* optionalObject(body, "fallback_keys");
      const deviceKeys = deviceKeysField === undefined ? undefined : yield* orFail(parseDeviceKeys(deviceKeysField, { userId, deviceId }));
      const oneTime: UploadedKey[] = oneTimeField === undefined ? [] : yield* orFail(parseKeyMap("one_time_keys", oneTimeField));
      const fallback: UploadedKey[] = fallbackField === undefined ? [] : yield* orFail(parseFallbackKeys(fallbackField));

      const [stored, existing] = yield* Effect.promise(() =>
        Promise.all([storedOneTimeKeys(db, userId, deviceId, oneTime), deviceKeys === undefined ? undefined : getDeviceKeys(db, userId, deviceId)]),
      );
      const fresh = yield* orFail(newOneTimeKeys(oneTime, stored));
      // Identity keys sent again unchanged are not a device-list change.
      const keysChanged = deviceKeys !== undefined && (existing === undefined || canonicalJson(existing) !== canonicalJson(deviceKeys));

      const statements: D1PreparedStatement[] = [];
      if (keysChanged) {
        statements.push(putDeviceKeysStatement(db, userId, deviceId, canonicalJson(deviceKeys)), recordDeviceListChangeStatement(db, userId));
      }
      if (fresh.length > 0) statements.push(insertOneTimeKeysStatement(db, userId, deviceId, fresh));
      if (fallback.length > 0) statements.push(putFallbackKeysStatement(db, userId, deviceId, fallback));
      if (statements.length > 0) {
        const results = yield* Effect.promise(() => db.batch(statements));
        if (keysChanged) yield* announceDeviceListChange(c, positionOf(results[1]));
      }
      const counts = yield* Effect.promise(() => oneTimeKeyCounts(db, userId, deviceId));
      return c.json({ one_time_key_counts: counts });
    }),
  ),
);
