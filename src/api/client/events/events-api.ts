// Mounts single-event reads, context, redaction and search (v3, r0) and relations and threads (v1, where the spec puts them).
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { searchRoutes } from "../search/search-routes";
import { eventRoutes } from "./event-routes";
import { relationRoutes } from "./relation-routes";

export function mountEventRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, eventRoutes);
    app.route(prefix, searchRoutes);
  }
  app.route("/_matrix/client/v1", relationRoutes);
}
