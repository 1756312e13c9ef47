// Mounts simplified sliding sync (MSC4186) under the client API.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { slidingSyncRoutes } from "./sliding-sync-routes";

export function mountSlidingSyncRoutes(app: Hono<AppEnv>): void {
  app.route("/_matrix/client", slidingSyncRoutes);
}
