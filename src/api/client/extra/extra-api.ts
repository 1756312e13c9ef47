// Mounts timestamp_to_event (v1), content reports (v3) and the other endpoints of src/api/client/extra.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { notificationsRoutes } from "./notifications-route";
import { reportRoutes } from "./report-routes";
import { timestampRoutes } from "./timestamp-route";

export function mountExtraRoutes(app: Hono<AppEnv>): void {
  app.route("/_matrix/client/v1", timestampRoutes);
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, reportRoutes);
    app.route(prefix, notificationsRoutes);
  }
}
