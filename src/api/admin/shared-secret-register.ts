// Synapse's shared-secret registration (/_synapse/admin/v1/register): a nonce, then an HMAC-SHA1 signed request.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { registrationLocalpart } from "../../accounts/localpart";
import { constantTimeEqual, hashPassword } from "../../accounts/password-hash";
import { registerAccount } from "../../accounts/register-account";
import { randomOpaqueId } from "../../accounts/tokens";
import { encodeBase64Url } from "../../protocol/base64";
import { AuthConfig, ServerConfig } from "../../platform/server-config";
import { WallClock } from "../../platform/wall-clock";
import type { AppEnv } from "../app-env";
import { effectRoute } from "../effect-route";
import { readJsonBody } from "../json-body";
import { matrixError } from "../matrix-error";
import { rateLimit } from "../rate-limit";
import { sessionBody } from "../client/auth/session-response";

/** Synapse's limit too: a nonce is good for one minute. */
export const NONCE_LIFETIME_MS = 60_000;
const MAX_FIELD_LENGTH = 512;

const RegisterBody = Schema.Struct({
  nonce: Schema.String,
  username: Schema.String,
  password: Schema.String,
  mac: Schema.String,
  admin: Schema.optionalKey(Schema.Boolean),
  displayname: Schema.optionalKey(Schema.NullOr(Schema.String)),
  user_type: Schema.optionalKey(Schema.NullOr(Schema.String)),
});

const encoder = new TextEncoder();

async function hmac(hash: "SHA-1" | "SHA-256", secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The nonce carries its issue time and our signature over it, so any isolate can check it without
 * shared storage. It is not single-use as Synapse's is; that is harmless here, because the MAC
 * binds it to one username and a replay can only repeat a registration that already succeeded
 * (and so fails with M_USER_IN_USE).
 */
async function issueNonce(secret: string, now: number): Promise<string> {
  const body = `${now}.${randomOpaqueId(12)}`;
  return `${body}.${encodeBase64Url(await hmac("SHA-256", secret, `nonce\u0000${body}`))}`;
}

async function nonceIsValid(secret: string, nonce: string, now: number): Promise<boolean> {
  const parts = nonce.split(".");
  if (parts.length !== 3 || !/^[0-9]{1,15}$/.test(parts[0]!)) return false;
  const issued = Number(parts[0]);
  if (issued > now + 5_000 || now - issued > NONCE_LIFETIME_MS) return false;
  const expected = encodeBase64Url(await hmac("SHA-256", secret, `nonce\u0000${parts[0]}.${parts[1]}`));
  return constantTimeEqual(encoder.encode(expected), encoder.encode(parts[2]!));
}

/** Synapse's documented MAC: HMAC-SHA1 over nonce, username, password, admin flag (and user_type), NUL-separated. */
export async function registrationMac(
  secret: string,
  fields: { nonce: string; username: string; password: string; admin: boolean; userType?: string | null },
): Promise<string> {
  const parts = [fields.nonce, fields.username, fields.password, fields.admin ? "admin" : "notadmin"];
  if (fields.userType != null) parts.push(fields.userType);
  return toHex(await hmac("SHA-1", secret, parts.join("\u0000")));
}

const secretOrFail = Effect.gen(function* () {
  const secret = (yield* AuthConfig).registrationSharedSecret;
  if (secret === undefined) return yield* Effect.fail(matrixError(400, "M_UNKNOWN", "Shared secret registration is not enabled"));
  return secret;
});

export const sharedSecretRegisterRoutes = new Hono<AppEnv>()
  .get(
    "/",
    effectRoute((c) =>
      Effect.gen(function* () {
        const secret = yield* secretOrFail;
        const now = (yield* WallClock).nowMs();
        return c.json({ nonce: yield* Effect.promise(() => issueNonce(secret, now)) });
      }),
    ),
  )
  .post(
    "/",
    effectRoute((c) =>
      Effect.gen(function* () {
        const secret = yield* secretOrFail;
        yield* rateLimit(c, "register");
        const body = yield* readJsonBody(c.req.raw, RegisterBody);
        const now = (yield* WallClock).nowMs();
        if (!(yield* Effect.promise(() => nonceIsValid(secret, body.nonce, now)))) {
          return yield* Effect.fail(matrixError(400, "M_UNKNOWN", "Unrecognised or expired nonce"));
        }
        if (body.username.length > MAX_FIELD_LENGTH || body.password.length > MAX_FIELD_LENGTH || body.password === "") {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "username and password must be 1 to 512 characters"));
        }
        const admin = body.admin === true;
        const expected = yield* Effect.promise(() =>
          registrationMac(secret, { nonce: body.nonce, username: body.username, password: body.password, admin, userType: body.user_type ?? null }),
        );
        if (!constantTimeEqual(encoder.encode(expected), encoder.encode(body.mac.toLowerCase()))) {
          return yield* Effect.fail(matrixError(403, "M_FORBIDDEN", "HMAC incorrect"));
        }
        const config = yield* ServerConfig;
        const localpart = registrationLocalpart(body.username, config.serverName);
        if (!localpart.ok) return yield* Effect.fail(localpart.error);
        const passwordHash = yield* Effect.promise(() => hashPassword(body.password));
        const registered = yield* Effect.promise(() =>
          registerAccount(c.env.DB, {
            user: { localpart: localpart.value, serverName: config.serverName, passwordHash, isAdmin: admin, now },
            login: { initialDisplayName: null, refresh: null },
          }),
        );
        if (!registered.ok) return yield* Effect.fail(registered.error);
        const tokens = registered.value.tokens;
        if (tokens === null) return yield* Effect.fail(matrixError(500, "M_UNKNOWN", "Internal server error"));
        return c.json(sessionBody(tokens, config.serverName));
      }),
    ),
  );
