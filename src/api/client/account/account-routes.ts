// GET /account/whoami, POST /account/password and POST /account/deactivate (both user-interactive).
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { deleteAllDevices } from "../../../accounts/device-store";
import { announceDeviceListChange } from "../../device-list-announce";
import { deletePushersExceptDevice } from "../../../readmodels/pusher-store";
import { hashPassword } from "../../../accounts/password-hash";
import { deactivateUser, setPasswordHash } from "../../../accounts/user-store";
import { forgetTokensOf } from "../../access-token-cache";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { decodeRequest } from "../../decode-request";
import { readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { leaveAllRooms } from "./leave-all-rooms";
import { MAX_PASSWORD_LENGTH } from "../auth/register-routes";
import { PASSWORD, userInteractiveAuth } from "../auth/user-interactive-auth";

const PasswordBody = Schema.Struct({
  new_password: Schema.String,
  logout_devices: Schema.optionalKey(Schema.Boolean),
});

const DeactivateBody = Schema.Struct({
  erase: Schema.optionalKey(Schema.Boolean),
  id_server: Schema.optionalKey(Schema.String),
});

/** Re-entering one's password is the only way to authenticate again here. */
const PASSWORD_FLOWS = [[PASSWORD]] as const;

export const accountRoutes = new Hono<AuthedEnv>()
  .get(
    "/account/whoami",
    requireAuth({ allowGuests: true }),
    authedRoute((c) =>
      Effect.sync(() => {
        const me = c.var.requester;
        return c.json({ user_id: me.userId, device_id: me.deviceId, is_guest: me.isGuest });
      }),
    ),
  )
  .post(
    "/account/password",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const me = c.var.requester;
        const raw = yield* readJsonObject(c.req.raw);
        const body = yield* decodeRequest(PasswordBody, raw);
        if (body.new_password === "" || body.new_password.length > MAX_PASSWORD_LENGTH) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "new_password must be 1 to 1024 characters"));
        }
        const uia = yield* userInteractiveAuth(c, {
          route: "POST /account/password",
          body: raw,
          userId: me.userId,
          flows: PASSWORD_FLOWS,
        });
        if (!uia.done) return c.json(uia.challenge, 401);
        const db = c.env.DB;
        const hash = yield* Effect.promise(() => hashPassword(body.new_password));
        const set = yield* Effect.promise(() => setPasswordHash(db, me.userId, hash));
        if (!set.ok) return yield* Effect.fail(set.error);
        // The spec's default: every other device is logged out; the caller's own session stays.
        if (body.logout_devices !== false) {
          yield* announceDeviceListChange(c, yield* Effect.promise(() => deleteAllDevices(db, me.userId, me.deviceId)));
          forgetTokensOf(db, me.userId, { except: me.deviceId });
          // The logged-out devices' pushers go with them.
          yield* Effect.promise(() => deletePushersExceptDevice(db, me.userId, me.deviceId));
        }
        return c.json({});
      }),
    ),
  )
  .post(
    "/account/deactivate",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const me = c.var.requester;
        const raw = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
        yield* decodeRequest(DeactivateBody, raw);
        const uia = yield* userInteractiveAuth(c, {
          route: "POST /account/deactivate",
          body: raw,
          userId: me.userId,
          flows: PASSWORD_FLOWS,
        });
        if (!uia.done) return c.json(uia.challenge, 401);
        const db = c.env.DB;
        const done = yield* Effect.promise(() => deactivateUser(db, me.userId));
        if (!done.ok) return yield* Effect.fail(done.error);
        forgetTokensOf(db, me.userId);
        // Its devices went with their keys: room-mates' waiting /syncs learn of it now.
        yield* announceDeviceListChange(c, done.value.deviceListPosition);
        // Nothing is pushed to a deactivated account's sessions any more.
        yield* Effect.promise(() => deletePushersExceptDevice(db, me.userId));
        yield* Effect.promise(() => leaveAllRooms(c.env, me.userId));
        return c.json({ id_server_unbind_result: "no-support" });
      }),
    ),
  );
