// PUT/GET /user/{userId}/account_data/{type} and the per-room variant under /user/{userId}/rooms/{roomId}/.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { getAccountData, putAccountData, type AccountDataKey } from "../../../readmodels/account-data";
import { PUSH_RULES_ACCOUNT_DATA_TYPE, pushRulesForSync } from "../../../readmodels/push-rule-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { roomIdParam } from "../rooms/room-request";
import { announceAccountData, ownUserParam } from "./user-data-request";
import { UserDataError } from "./user-data-error";

/**
 * Types the server manages (spec "Client Config", Server Behaviour): clients read them here as
 * normal but set them elsewhere (/read_markers, /pushrules), global or per room alike.
 */
const SERVER_MANAGED_TYPES: ReadonlySet<string> = new Set(["m.fully_read", "m.push_rules"]);

function keyOf(c: Context<AuthedEnv>, perRoom: boolean): Effect.Effect<AccountDataKey, unknown> {
  return Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the account data");
    const type = c.req.param("type") ?? "";
    if (!perRoom) return { userId, type };
    const roomId = yield* roomIdParam(c);
    return { userId, roomId, type };
  });
}

const put = (perRoom: boolean) =>
  authedRoute((c) =>
    Effect.gen(function* () {
      const key = yield* keyOf(c, perRoom);
      if (SERVER_MANAGED_TYPES.has(key.type)) {
        return yield* Effect.fail(
          new UserDataError({ reason: "server_managed", message: `Cannot set ${key.type} through this API` }),
        );
      }
      // Account data is never signed, so fractions are fine (clients store settings such as volumes).
      const content = yield* readJsonObject(c.req.raw, { allowFloats: true });
      const position = yield* Effect.promise(() => putAccountData(c.env.DB, key, content));
      yield* announceAccountData(c, position);
      return c.json({});
    }),
  );

const get = (perRoom: boolean) =>
  authedRoute((c) =>
    Effect.gen(function* () {
      const key = yield* keyOf(c, perRoom);
      // A user who never edited a rule has no m.push_rules row, yet has rules: the defaults.
      const pushRules = key.roomId === undefined && key.type === PUSH_RULES_ACCOUNT_DATA_TYPE;
      const content = yield* Effect.promise(() => (pushRules ? pushRulesForSync(c.env.DB, key.userId) : getAccountData(c.env.DB, key)));
      if (content === undefined) {
        const where = perRoom ? "for this room " : "";
        return yield* Effect.fail(new UserDataError({ reason: "not_found", message: `No ${key.type} account data ${where}set` }));
      }
      return c.json(content);
    }),
  );

export const accountDataRoutes = new Hono<AuthedEnv>()
  .put("/user/:userId/account_data/:type", requireAuth(), put(false))
  .get("/user/:userId/account_data/:type", requireAuth(), get(false))
  .put("/user/:userId/rooms/:roomId/account_data/:type", requireAuth(), put(true))
  .get("/user/:userId/rooms/:roomId/account_data/:type", requireAuth(), get(true));
