// Mounts the per-user data routes (filters, account data, room tags) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { accountDataRoutes } from "./account-data-routes";
import { filterRoutes } from "./filter-routes";
import { tagRoutes } from "./tag-routes";

export function mountUserDataRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, filterRoutes);
    app.route(prefix, accountDataRoutes);
    app.route(prefix, tagRoutes);
  }
}
