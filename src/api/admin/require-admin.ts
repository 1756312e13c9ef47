// Guards the admin API: a valid access token of an account with the admin flag, else 403 M_FORBIDDEN.
import type { MiddlewareHandler } from "hono";
import { type AuthedEnv, requireAuth } from "../auth-middleware";
import { matrixError } from "../matrix-error";

const authenticated = requireAuth();

export const requireAdmin: MiddlewareHandler<AuthedEnv> = (c, next) =>
  authenticated(c, async () => {
    if (!c.var.requester.isAdmin) throw matrixError(403, "M_FORBIDDEN", "You are not a server admin");
    await next();
  });
