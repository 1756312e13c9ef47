// GET/POST /login (m.login.password), POST /refresh with rotation, /logout and /logout/all.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { deleteAllDevices, deleteDevice } from "../../../accounts/device-store";
import { announceDeviceListChange } from "../../device-list-announce";
import { deletePushersExceptDevice, deletePushersOfDevices } from "../../../readmodels/pusher-store";
import { crossSigningKeysOf } from "../../../accounts/cross-signing-store";
import { isDehydratedDevice } from "../../../accounts/dehydrated-device-store";
import { createSession, refreshSession } from "../../../accounts/token-store";
import { parseDeviceId } from "../../../protocol/identifiers/device-id";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { forgetAllTokens, forgetTokensOf } from "../../access-token-cache";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { decodeRequest } from "../../decode-request";
import { effectRoute } from "../../effect-route";
import { readJsonBody, readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { rateLimit } from "../../rate-limit";
import { checkPassword, INVALID_CREDENTIALS, namedUser } from "./password-check";
import { MAX_PASSWORD_LENGTH } from "./register-routes";
import { REFRESH_LIFETIMES, sessionBody } from "./session-response";

const OptionalText = Schema.optionalKey(Schema.NullOr(Schema.String));

const LoginBody = Schema.Struct({
  type: Schema.String,
  password: OptionalText,
  device_id: OptionalText,
  initial_device_display_name: OptionalText,
  refresh_token: Schema.optionalKey(Schema.Boolean),
});

const RefreshBody = Schema.Struct({ refresh_token: Schema.String });

const forbidden = () => matrixError(403, "M_FORBIDDEN", INVALID_CREDENTIALS);

/**
 * Why the user may not log in as `deviceId`, or undefined when they may.
 * - A cross-signing public key: the spec (end-to-end encryption, "Cross-signing") has servers
 *   "ensure that device IDs will not collide with cross-signing public keys", since both name
 *   ed25519 keys as `ed25519:<ID>` in signatures and /keys/query.
 * - The dehydrated device (MSC3814): it is by definition a device without access tokens, whose
 *   to-device messages wait for a later client to fetch and which that client rehydrates into a new
 *   device of its own. Logging in as it would give it tokens, so /sync would consume its messages
 *   and it would stay marked dehydrated while in use; a later PUT /dehydrated_device would then
 *   delete a live session. The client must log in as another device.
 */
async function reservedDeviceId(db: D1Database, userId: string, deviceId: string): Promise<string | undefined> {
  const keys = await crossSigningKeysOf(db, [userId]);
  if (keys.some((k) => k.publicKey === deviceId)) return "device_id is one of the user's cross-signing keys";
  if (await isDehydratedDevice(db, userId, deviceId)) return "device_id is the user's dehydrated device, which cannot be logged in as";
  return undefined;
}

export const loginRoutes = new Hono<AppEnv>()
  .get("/login", (c) => c.json({ flows: [{ type: "m.login.password" }] }))
  .post(
    "/login",
    effectRoute((c) =>
      Effect.gen(function* () {
        const raw = yield* readJsonObject(c.req.raw);
        const body = yield* decodeRequest(LoginBody, raw);
        if (body.type !== "m.login.password") {
          return yield* Effect.fail(matrixError(400, "M_UNKNOWN", `Unsupported login type ${body.type}`));
        }
        const user = namedUser(raw);
        yield* rateLimit(c, "login", user === undefined ? {} : { account: user.toLowerCase() });
        if (body.password == null) return yield* Effect.fail(matrixError(400, "M_BAD_JSON", "password is required"));
        if (body.device_id != null && !parseDeviceId(body.device_id).ok) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "device_id is not a valid device ID"));
        }
        // Only m.id.user is known here; this server keeps no third-party identifiers (spec: 403).
        if (user === undefined || body.password.length > MAX_PASSWORD_LENGTH) return yield* Effect.fail(forbidden());
        const config = yield* ServerConfig;
        const db = c.env.DB;
        const password = body.password;
        const account = yield* Effect.promise(() => checkPassword(db, config.serverName, user, password));
        if (account === undefined) return yield* Effect.fail(forbidden());
        if (account.locked) {
          return yield* Effect.fail(matrixError(401, "M_USER_LOCKED", "This account has been locked", { soft_logout: true }));
        }
        const requested = body.device_id;
        if (requested != null) {
          // After the password check, so only the account's owner learns which IDs are taken.
          const reserved = yield* Effect.promise(() => reservedDeviceId(db, account.userId, requested));
          if (reserved !== undefined) return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", reserved));
        }
        const now = (yield* WallClock).nowMs();
        const session = yield* Effect.promise(() =>
          createSession(db, {
            userId: account.userId,
            ...(body.device_id == null ? {} : { deviceId: body.device_id }),
            initialDisplayName: body.initial_device_display_name ?? null,
            refresh: body.refresh_token === true ? REFRESH_LIFETIMES : null,
            now,
          }),
        );
        if (!session.ok) return yield* Effect.fail(forbidden());
        // A client-chosen device ID ends that device's previous tokens (spec); drop their cached lookups.
        forgetTokensOf(db, account.userId, { only: session.value.deviceId });
        return c.json(sessionBody(session.value, config.serverName));
      }),
    ),
  )
  .post(
    "/refresh",
    effectRoute((c) =>
      Effect.gen(function* () {
        const body = yield* readJsonBody(c.req.raw, RefreshBody);
        const now = (yield* WallClock).nowMs();
        const db = c.env.DB;
        const refreshed = yield* Effect.promise(() => refreshSession(db, body.refresh_token, now, REFRESH_LIFETIMES));
        if (!refreshed.ok) {
          // A reuse revoked a whole session whose tokens we cannot name here.
          if (refreshed.error._tag === "RefreshTokenReused") forgetAllTokens(db);
          return yield* Effect.fail(refreshed.error);
        }
        const tokens = refreshed.value;
        forgetTokensOf(db, tokens.userId, { only: tokens.deviceId });
        return c.json({
          access_token: tokens.accessToken,
          refresh_token: tokens.refreshToken,
          ...(tokens.expiresInMs === null ? {} : { expires_in_ms: tokens.expiresInMs }),
        });
      }),
    ),
  );

/** Logging out stays possible for locked accounts and guests (spec "Account locking"). */
const logoutAuth = requireAuth({ allowGuests: true, allowLocked: true });

export const logoutRoutes = new Hono<AuthedEnv>()
  .post(
    "/logout",
    logoutAuth,
    authedRoute((c) =>
      Effect.gen(function* () {
        const me = c.var.requester;
        yield* readJsonObject(c.req.raw, { emptyAsObject: true });
        // The device goes with its token (spec); it may already be gone, which changes nothing.
        const deleted = yield* Effect.promise(() => deleteDevice(c.env.DB, me.userId, me.deviceId));
        if (deleted.ok) yield* announceDeviceListChange(c, deleted.value);
        forgetTokensOf(c.env.DB, me.userId, { only: me.deviceId });
        // Pushers set with this token go with it.
        yield* Effect.promise(() => deletePushersOfDevices(c.env.DB, me.userId, [me.deviceId]));
        return c.json({});
      }),
    ),
  )
  .post(
    "/logout/all",
    logoutAuth,
    authedRoute((c) =>
      Effect.gen(function* () {
        const me = c.var.requester;
        yield* readJsonObject(c.req.raw, { emptyAsObject: true });
        yield* announceDeviceListChange(c, yield* Effect.promise(() => deleteAllDevices(c.env.DB, me.userId)));
        forgetTokensOf(c.env.DB, me.userId);
        yield* Effect.promise(() => deletePushersExceptDevice(c.env.DB, me.userId));
        return c.json({});
      }),
    ),
  );
