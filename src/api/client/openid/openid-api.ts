// Mounts the OpenID token route under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { openIdRequestTokenRoutes } from "./request-token-route";

export function mountOpenIdRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) app.route(prefix, openIdRequestTokenRoutes);
}
