// Synapse-compatible GET/PUT /_synapse/admin/v2/users/{userId}: read, create or modify a local account.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { accountError } from "../../accounts/account-errors";
import { deleteAllDevices } from "../../accounts/device-store";
import { announceDeviceListChange } from "../device-list-announce";
import { registrationLocalpart } from "../../accounts/localpart";
import { hashPassword } from "../../accounts/password-hash";
import { createUser, deactivateUser, getUser, setPasswordHash, setUserFlags, type UserRecord } from "../../accounts/user-store";
import { parseUserId, userIdLocalpart, userIdServerName } from "../../protocol/identifiers/user-id";
import type { JsonObject } from "../../protocol/json-value";
import { ServerConfig } from "../../platform/server-config";
import { deletePushersExceptDevice } from "../../readmodels/pusher-store";
import { WallClock } from "../../platform/wall-clock";
import { forgetTokensOf } from "../access-token-cache";
import { authedRoute, type AuthedEnv } from "../auth-middleware";
import { readJsonBody } from "../json-body";
import { matrixError } from "../matrix-error";
import { MAX_PASSWORD_LENGTH } from "../client/auth/register-routes";
import { requireAdmin } from "./require-admin";
import { leaveAllRooms } from "../client/account/leave-all-rooms";

const PutUserBody = Schema.Struct({
  password: Schema.optionalKey(Schema.NullOr(Schema.String)),
  logout_devices: Schema.optionalKey(Schema.Boolean),
  admin: Schema.optionalKey(Schema.Boolean),
  deactivated: Schema.optionalKey(Schema.Boolean),
  locked: Schema.optionalKey(Schema.Boolean),
  // Accepted for compatibility; stored once profiles exist (see userJson).
  displayname: Schema.optionalKey(Schema.NullOr(Schema.String)),
});

/** Synapse's user object, with what this server does not keep (3PIDs, avatars…) empty. */
export const userJson = (user: UserRecord): JsonObject => ({
  name: user.userId,
  displayname: null,
  avatar_url: null,
  threepids: [],
  external_ids: [],
  admin: user.isAdmin,
  deactivated: user.deactivated,
  locked: user.locked,
  suspended: user.suspended,
  is_guest: user.isGuest,
  erased: false,
  shadow_banned: false,
  appservice_id: null,
  user_type: null,
  // Synapse gives seconds here.
  creation_ts: Math.floor(user.createdTs / 1000),
});

/** The path's user ID, which must be one of ours with a localpart registration would accept. */
const localUserId = (text: string, serverName: string) =>
  Effect.gen(function* () {
    const parsed = parseUserId(text);
    if (!parsed.ok || userIdServerName(parsed.value) !== serverName) {
      return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "This endpoint can only be used with local users"));
    }
    return parsed.value;
  });

export const userAdminRoutes = new Hono<AuthedEnv>()
  .use("*", requireAdmin)
  .get(
    "/:userId",
    authedRoute((c) =>
      Effect.gen(function* () {
        const config = yield* ServerConfig;
        const userId = yield* localUserId(c.req.param("userId") ?? "", config.serverName);
        const user = yield* Effect.promise(() => getUser(c.env.DB, userId));
        if (user === null) return yield* Effect.fail(accountError("UserNotFound", "User not found"));
        return c.json(userJson(user));
      }),
    ),
  )
  .put(
    "/:userId",
    authedRoute((c) =>
      Effect.gen(function* () {
        const config = yield* ServerConfig;
        const me = c.var.requester;
        const userId = yield* localUserId(c.req.param("userId") ?? "", config.serverName);
        const body = yield* readJsonBody(c.req.raw, PutUserBody, { emptyAsObject: true });
        if (body.password != null && (body.password === "" || body.password.length > MAX_PASSWORD_LENGTH)) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "password must be 1 to 1024 characters"));
        }
        if (userId === me.userId && (body.admin === false || body.deactivated === true || body.locked === true)) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "You may not demote, lock or deactivate yourself"));
        }
        const db = c.env.DB;
        const now = (yield* WallClock).nowMs();
        const passwordHash = body.password == null ? null : yield* Effect.promise(() => hashPassword(body.password!));
        let user = yield* Effect.promise(() => getUser(db, userId));
        const creating = user === null;
        if (user === null) {
          const localpart = registrationLocalpart(userIdLocalpart(userId), config.serverName);
          if (!localpart.ok) return yield* Effect.fail(localpart.error);
          if (localpart.value !== userIdLocalpart(userId)) {
            return yield* Effect.fail(accountError("InvalidUsername", "User IDs are created in lower case"));
          }
          const created = yield* Effect.promise(() =>
            createUser(db, { localpart: localpart.value, serverName: config.serverName, passwordHash, isAdmin: body.admin ?? false, now }),
          );
          if (!created.ok) return yield* Effect.fail(created.error);
          user = created.value;
        } else {
          if (user.deactivated && body.deactivated === false) {
            return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "Reactivating a deactivated account is not supported"));
          }
          if (passwordHash !== null && !user.deactivated) {
            const set = yield* Effect.promise(() => setPasswordHash(db, userId, passwordHash));
            if (!set.ok) return yield* Effect.fail(set.error);
            if (body.logout_devices !== false) {
              yield* announceDeviceListChange(c, yield* Effect.promise(() => deleteAllDevices(db, userId)));
              yield* Effect.promise(() => deletePushersExceptDevice(db, userId));
              forgetTokensOf(db, userId);
            }
          }
        }
        if (body.admin !== undefined || body.locked !== undefined) {
          yield* Effect.promise(() =>
            setUserFlags(db, userId, {
              ...(body.admin === undefined ? {} : { isAdmin: body.admin }),
              ...(body.locked === undefined ? {} : { locked: body.locked }),
            }),
          );
          // Lock and admin state are read with the token: stale cached lookups must go.
          forgetTokensOf(db, userId);
        }
        if (body.deactivated === true && !user.deactivated) {
          const done = yield* Effect.promise(() => deactivateUser(db, userId));
          // Its devices went with their keys: room-mates' waiting /syncs learn of it now.
          if (done.ok) yield* announceDeviceListChange(c, done.value.deviceListPosition);
          yield* Effect.promise(() => deletePushersExceptDevice(db, userId));
          forgetTokensOf(db, userId);
          yield* Effect.promise(() => leaveAllRooms(c.env, userId));
        }
        const after = yield* Effect.promise(() => getUser(db, userId));
        if (after === null) return yield* Effect.fail(accountError("UserNotFound", "User not found"));
        return c.json(userJson(after), creating ? 201 : 200);
      }),
    ),
  );
