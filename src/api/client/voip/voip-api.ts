// Mounts the VoIP routes (TURN credentials) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { turnServerRoutes } from "./turn-server-routes";

export function mountVoipRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) app.route(prefix, turnServerRoutes);
}
