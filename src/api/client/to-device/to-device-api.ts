// Mounts send-to-device messaging under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { sendToDeviceRoutes } from "./send-to-device-routes";

export function mountToDeviceRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) app.route(prefix, sendToDeviceRoutes);
}
