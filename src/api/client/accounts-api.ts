// Mounts the account and authentication routes under every client API version prefix that has them.
import type { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { accountRoutes } from "./account/account-routes";
import { authMetadataRoutes, capabilitiesRoutes } from "./account/capabilities";
import { deviceRoutes } from "./account/device-routes";
import { loginRoutes, logoutRoutes } from "./auth/login-routes";
import { registerRoutes, registrationTokenValidityRoutes } from "./auth/register-routes";

/** r0 is what older clients (matrix-nio 0.20) still call; v3 is the current name of the same API. */
export const CLIENT_PREFIXES = ["/_matrix/client/v3", "/_matrix/client/r0"] as const;

export function mountAccountRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, registerRoutes);
    app.route(prefix, loginRoutes);
    app.route(prefix, logoutRoutes);
    app.route(prefix, accountRoutes);
    app.route(prefix, deviceRoutes);
    app.route(prefix, capabilitiesRoutes);
  }
  app.route("/_matrix/client/v1", registrationTokenValidityRoutes);
  app.route("/_matrix/client/v1", authMetadataRoutes);
  app.route("/_matrix/client/unstable/org.matrix.msc2965", authMetadataRoutes);
}
