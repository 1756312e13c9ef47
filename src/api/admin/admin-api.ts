// Mounts the Synapse-compatible admin API under /_synapse/admin.
import type { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { cors } from "../cors";
import { registrationTokenRoutes } from "./registration-token-routes";
import { reportAdminRoutes } from "./report-admin-routes";
import { sharedSecretRegisterRoutes } from "./shared-secret-register";
import { userAdminRoutes } from "./user-admin-routes";

export function mountAdminRoutes(app: Hono<AppEnv>): void {
  // Admin consoles (synapse-admin and the like) run in browsers.
  app.use("/_synapse/*", cors);
  app.route("/_synapse/admin/v2/users", userAdminRoutes);
  app.route("/_synapse/admin/v1/registration_tokens", registrationTokenRoutes);
  app.route("/_synapse/admin/v1/register", sharedSecretRegisterRoutes);
  app.route("/_synapse/admin/v1/reports", reportAdminRoutes);
}
