// Mounts the profile and user directory routes under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { userDirectoryRoutes } from "../user-directory/user-directory-routes";
import { profileEditRoutes, profileReadRoutes } from "./profile-routes";

export function mountProfileRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, profileReadRoutes);
    app.route(prefix, profileEditRoutes);
    app.route(prefix, userDirectoryRoutes);
  }
}
