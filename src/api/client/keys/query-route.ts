// POST /keys/query: the queried users' device keys and cross-signing keys, with the signatures the caller may see.
import { Effect } from "effect";
import { Hono } from "hono";
import { crossSigningKeysOf, signaturesVisibleTo, type StoredSignature } from "../../../accounts/cross-signing-store";
import { deviceKeysOfUsers, existingUsers } from "../../../accounts/device-keys-store";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
import { mergeSignatures } from "../../../protocol/e2ee/signatures";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";
import { ServerConfig } from "../../../platform/server-config";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { serverOf } from "./keys-request";

/** What a user ID must look like to be looked up at all. */
const isUserIdShape = (text: string): boolean => text.startsWith("@") && text.indexOf(":") > 1;

/** `failures` entry for a server this one cannot ask (federation is not built). */
export const UNREACHABLE: JsonObject = { status: 503, message: "Federation is not available on this server" };

export const queryKeysRoutes = new Hono<AuthedEnv>().post(
  "/keys/query",
  requireAuth({ allowGuests: true }),
  authedRoute((c) =>
    Effect.gen(function* () {
      const requester = c.var.requester.userId;
      const db = c.env.DB;
      const { serverName } = yield* ServerConfig;
      const body = yield* readJsonObject(c.req.raw);
      const wanted = body["device_keys"];
      if (!isJsonObject(wanted)) return yield* Effect.fail(e2eeKeyError("bad_json", "device_keys must be an object"));
      const requested = new Map<string, ReadonlySet<string> | "all">();
      const failures: Record<string, JsonObject> = {};
      for (const [userId, devices] of Object.entries(wanted)) {
        if (!Array.isArray(devices) || !devices.every((d) => typeof d === "string")) {
          return yield* Effect.fail(e2eeKeyError("bad_json", `device_keys.${userId} must be a list of device IDs`));
        }
        if (!isUserIdShape(userId)) return yield* Effect.fail(e2eeKeyError("invalid_param", `${userId.slice(0, 100)} is not a user ID`));
        if (serverOf(userId) !== serverName) {
          failures[serverOf(userId)] = UNREACHABLE;
          continue;
        }
        requested.set(userId, devices.length === 0 ? "all" : new Set(devices as string[]));
      }
      const userIds = [...requested.keys()];
      const [known, devices, crossSigning, signatures] = yield* Effect.promise(() =>
        Promise.all([
          existingUsers(db, userIds),
          deviceKeysOfUsers(db, userIds),
          crossSigningKeysOf(db, userIds),
          signaturesVisibleTo(db, requester, userIds),
        ]),
      );
      const signaturesOf = (userId: string, keyId: string): StoredSignature[] =>
        signatures.filter((s) => s.targetUserId === userId && s.targetKeyId === keyId);

      const deviceKeys: Record<string, Record<string, JsonObject>> = {};
      for (const userId of userIds) if (known.has(userId)) deviceKeys[userId] = {};
      for (const device of devices) {
        const wantedDevices = requested.get(device.userId);
        if (wantedDevices === undefined || (wantedDevices !== "all" && !wantedDevices.has(device.deviceId))) continue;
        const forUser = (deviceKeys[device.userId] ??= {});
        forUser[device.deviceId] = {
          ...mergeSignatures(device.keys, signaturesOf(device.userId, device.deviceId)),
          unsigned: device.displayName === null ? {} : { device_display_name: device.displayName },
        };
      }

      const masterKeys: Record<string, JsonObject> = {};
      const selfSigningKeys: Record<string, JsonObject> = {};
      const userSigningKeys: Record<string, JsonObject> = {};
      for (const key of crossSigning) {
        const json = mergeSignatures(key.json, signaturesOf(key.userId, key.publicKey));
        if (key.usage === "master") masterKeys[key.userId] = json;
        else if (key.usage === "self_signing") selfSigningKeys[key.userId] = json;
        // Spec: the user-signing key only of the user making the request.
        else if (key.userId === requester) userSigningKeys[key.userId] = json;
      }
      return c.json({
        device_keys: deviceKeys,
        master_keys: masterKeys,
        self_signing_keys: selfSigningKeys,
        user_signing_keys: userSigningKeys,
        failures,
      });
    }),
  ),
);
