// Mounts the push routes (push rules and pushers) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { pushRuleRoutes } from "./push-rule-routes";
import { pusherRoutes } from "./pusher-routes";

export function mountPushRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, pushRuleRoutes);
    app.route(prefix, pusherRoutes);
  }
}
