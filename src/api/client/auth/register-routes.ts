// POST /register (user-interactive: m.login.dummy or m.login.registration_token), /register/available, token validity.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { accountError } from "../../../accounts/account-errors";
import { generateLocalpart, registrationLocalpart } from "../../../accounts/localpart";
import { hashPassword } from "../../../accounts/password-hash";
import { registerAccount } from "../../../accounts/register-account";
import { isRegistrationTokenValid } from "../../../accounts/registration-token-store";
import { isLocalpartTaken } from "../../../accounts/user-store";
import { parseDeviceId } from "../../../protocol/identifiers/device-id";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import type { AppEnv } from "../../app-env";
import { decodeRequest } from "../../decode-request";
import { effectRoute } from "../../effect-route";
import { readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { rateLimit } from "../../rate-limit";
import { REFRESH_LIFETIMES, sessionBody } from "./session-response";
import { DUMMY, REGISTRATION_TOKEN, userInteractiveAuth } from "./user-interactive-auth";

const OptionalText = Schema.optionalKey(Schema.NullOr(Schema.String));

const RegisterBody = Schema.Struct({
  username: OptionalText,
  password: OptionalText,
  device_id: OptionalText,
  initial_device_display_name: OptionalText,
  inhibit_login: Schema.optionalKey(Schema.Boolean),
  refresh_token: Schema.optionalKey(Schema.Boolean),
});

/** PBKDF2 takes any length, but there is no reason to hash megabytes sent by a client. */
export const MAX_PASSWORD_LENGTH = 1024;

const registrationClosed = () => matrixError(403, "M_FORBIDDEN", "Registration is disabled on this server");

/** Usernames are checked before authentication, so nobody completes a stage only to learn the name is taken. */
const checkUsername = (db: D1Database, username: string, serverName: string) =>
  Effect.gen(function* () {
    const localpart = registrationLocalpart(username, serverName);
    if (!localpart.ok) return yield* Effect.fail(localpart.error);
    if (yield* Effect.promise(() => isLocalpartTaken(db, localpart.value))) {
      return yield* Effect.fail(accountError("UserInUse", "User ID already taken"));
    }
    return localpart.value;
  });

/** Routes under /_matrix/client/{r0,v3}. */
export const registerRoutes = new Hono<AppEnv>()
  .post(
    "/register",
    effectRoute((c) =>
      Effect.gen(function* () {
        const kind = c.req.query("kind") ?? "user";
        if (kind === "guest") {
          return yield* Effect.fail(matrixError(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest access is disabled on this server"));
        }
        if (kind !== "user") return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "kind must be user or guest"));
        const config = yield* ServerConfig;
        if (config.registration === "closed") return yield* Effect.fail(registrationClosed());
        yield* rateLimit(c, "register");
        const raw = yield* readJsonObject(c.req.raw);
        const body = yield* decodeRequest(RegisterBody, raw);
        const db = c.env.DB;
        const chosen = body.username == null ? undefined : yield* checkUsername(db, body.username, config.serverName);
        if (body.device_id != null && !parseDeviceId(body.device_id).ok) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "device_id is not a valid device ID"));
        }
        if (body.password != null && body.password.length > MAX_PASSWORD_LENGTH) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "password is too long"));
        }

        const flows = config.registration === "token" ? [[REGISTRATION_TOKEN]] : [[DUMMY]];
        const uia = yield* userInteractiveAuth(c, { route: "POST /register", body: raw, userId: null, flows });
        if (!uia.done) return c.json(uia.challenge, 401);

        const now = (yield* WallClock).nowMs();
        const passwordHash = body.password == null ? null : yield* Effect.promise(() => hashPassword(body.password!));
        const inhibitLogin = body.inhibit_login === true;
        const registered = yield* Effect.promise(() =>
          registerAccount(db, {
            user: { localpart: chosen ?? generateLocalpart(), serverName: config.serverName, passwordHash, now },
            login: inhibitLogin
              ? null
              : {
                  ...(body.device_id == null ? {} : { deviceId: body.device_id }),
                  initialDisplayName: body.initial_device_display_name ?? null,
                  refresh: body.refresh_token === true ? REFRESH_LIFETIMES : null,
                },
            registrationToken: uia.session.registrationToken,
          }),
        );
        if (!registered.ok) return yield* Effect.fail(registered.error);
        const { user, tokens } = registered.value;
        if (tokens === null) return c.json({ user_id: user.userId, home_server: config.serverName });
        return c.json(sessionBody(tokens, config.serverName));
      }),
    ),
  )
  .get(
    "/register/available",
    effectRoute((c) =>
      Effect.gen(function* () {
        const config = yield* ServerConfig;
        if (config.registration === "closed") return yield* Effect.fail(registrationClosed());
        yield* rateLimit(c, "register");
        const username = c.req.query("username");
        if (username === undefined) return yield* Effect.fail(matrixError(400, "M_MISSING_PARAM", "username is required"));
        yield* checkUsername(c.env.DB, username, config.serverName);
        return c.json({ available: true });
      }),
    ),
  );

/** Routes under /_matrix/client/v1 (spec: "Token-authenticated registration"). */
export const registrationTokenValidityRoutes = new Hono<AppEnv>().get(
  "/register/m.login.registration_token/validity",
  effectRoute((c) =>
    Effect.gen(function* () {
      const config = yield* ServerConfig;
      if (config.registration !== "token") {
        return yield* Effect.fail(matrixError(403, "M_FORBIDDEN", "Registration tokens are not in use on this server"));
      }
      yield* rateLimit(c, "register");
      const token = c.req.query("token");
      if (token === undefined) return yield* Effect.fail(matrixError(400, "M_MISSING_PARAM", "token is required"));
      const now = (yield* WallClock).nowMs();
      return c.json({ valid: yield* Effect.promise(() => isRegistrationTokenValid(c.env.DB, token, now)) });
    }),
  ),
);
