// Mounts the end-to-end encryption key routes (spec "End-to-end encryption": /keys/*) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { keyChangesRoutes } from "./changes-route";
import { claimKeysRoutes } from "./claim-route";
import { crossSigningRoutes } from "./cross-signing-routes";
import { queryKeysRoutes } from "./query-route";
import { uploadKeysRoutes } from "./upload-route";

export function mountKeysRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, uploadKeysRoutes);
    app.route(prefix, queryKeysRoutes);
    app.route(prefix, claimKeysRoutes);
    app.route(prefix, keyChangesRoutes);
    app.route(prefix, crossSigningRoutes);
  }
}
