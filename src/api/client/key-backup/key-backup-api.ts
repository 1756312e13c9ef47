// Mounts the server-side key backup routes (spec "Server-side key backups": /room_keys/*) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { backupKeysRoutes } from "./keys-routes";
import { backupVersionRoutes } from "./version-routes";

export function mountKeyBackupRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, backupVersionRoutes);
    app.route(prefix, backupKeysRoutes);
  }
}
