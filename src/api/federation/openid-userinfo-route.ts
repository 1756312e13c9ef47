// GET /_matrix/federation/v1/openid/userinfo (spec server-server "OpenID"): who an OpenID token was issued to.
import { Effect } from "effect";
import { Hono } from "hono";
import { openIdTokenOwner } from "../../accounts/openid-token-store";
import { WallClock } from "../../platform/wall-clock";
import type { AppEnv } from "../app-env";
import { effectRoute } from "../effect-route";
import { matrixError } from "../matrix-error";

/**
 * Asked by third parties (integration managers, widget hosts), not by homeservers: the spec gives it
 * no X-Matrix authentication, the token in the query string is the whole credential. An unknown or
 * expired token (or one of a since deactivated account) is 401 M_UNKNOWN_TOKEN; the answer is only
 * `sub`, the user ID, since the token grants nothing more.
 */
const userInfo = effectRoute((c) =>
  Effect.gen(function* () {
    const token = c.req.query("access_token");
    if (token === undefined) return yield* Effect.fail(matrixError(400, "M_MISSING_PARAM", "access_token is required"));
    const now = (yield* WallClock).nowMs();
    const owner = token === "" ? undefined : yield* Effect.promise(() => openIdTokenOwner(c.env.DB, token, now));
    if (owner === undefined) return yield* Effect.fail(matrixError(401, "M_UNKNOWN_TOKEN", "Unknown or expired OpenID token"));
    return c.json({ sub: owner });
  }),
);

export const openIdUserInfoRoutes = new Hono<AppEnv>().get("/_matrix/federation/v1/openid/userinfo", userInfo);
