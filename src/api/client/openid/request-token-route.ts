// POST /user/{userId}/openid/request_token (spec "OpenID"): a token a third party exchanges for the user's ID.
import { Effect } from "effect";
import { Hono } from "hono";
import { issueOpenIdToken } from "../../../accounts/openid-token-store";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";

/**
 * Only for the caller's own ID (a token for someone else would let anyone claim to be them: 403).
 * The body is `{}`; an absent body is taken as one. The token answers only the federation
 * userinfo endpoint (src/api/federation/openid-userinfo-route.ts), nothing else.
 */
const requestToken = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester.userId;
    if (c.req.param("userId") !== me) {
      return yield* Effect.fail(matrixError(403, "M_FORBIDDEN", "Cannot request an OpenID token for another user"));
    }
    yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const now = (yield* WallClock).nowMs();
    const { serverName } = yield* ServerConfig;
    const issued = yield* Effect.promise(() => issueOpenIdToken(c.env.DB, me, now));
    return c.json({
      access_token: issued.token,
      token_type: "Bearer",
      matrix_server_name: serverName,
      expires_in: Math.floor(issued.expiresInMs / 1000),
    });
  }),
);

export const openIdRequestTokenRoutes = new Hono<AuthedEnv>().post("/user/:userId/openid/request_token", requireAuth(), requestToken);
