// POST /keys/query: the queried users' device keys and cross-signing keys, with the signatures the caller may see.
import { Effect } from "effect";
import { Hono } from "hono";
import { localKeys } from "../../../accounts/local-keys-query";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
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
      const keys = yield* Effect.promise(() => localKeys(db, requested, requester));
      return c.json({ ...keys, failures });
    }),
  ),
);
