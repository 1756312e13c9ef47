// Mounts typing, receipts, read markers and presence under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { presenceRoutes } from "./presence-routes";
import { receiptRoutes } from "./receipt-routes";
import { typingRoutes } from "./typing-routes";

export function mountEphemeralRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, typingRoutes);
    app.route(prefix, receiptRoutes);
    app.route(prefix, presenceRoutes);
  }
}
