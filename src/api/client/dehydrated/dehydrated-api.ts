// Mounts the dehydrated-device routes (MSC3814) under their unstable prefix (the MSC is not in a spec version yet).
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { dehydratedDeviceRoutes } from "./dehydrated-device-routes";
import { dehydratedEventsRoutes } from "./dehydrated-events-route";

export const MSC3814_PREFIX = "/_matrix/client/unstable/org.matrix.msc3814.v1";

export function mountDehydratedDeviceRoutes(app: Hono<AppEnv>): void {
  app.route(MSC3814_PREFIX, dehydratedDeviceRoutes);
  app.route(MSC3814_PREFIX, dehydratedEventsRoutes);
}
