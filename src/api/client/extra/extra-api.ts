// Mounts timestamp_to_event and the space hierarchy (v1), content reports and notifications (v3, r0).
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { hierarchyRoutes } from "./hierarchy-route";
import { notificationsRoutes } from "./notifications-route";
import { reportRoutes } from "./report-routes";
import { timestampRoutes } from "./timestamp-route";

export function mountExtraRoutes(app: Hono<AppEnv>): void {
  app.route("/_matrix/client/v1", timestampRoutes);
  app.route("/_matrix/client/v1", hierarchyRoutes);
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, reportRoutes);
    app.route(prefix, notificationsRoutes);
  }
}
