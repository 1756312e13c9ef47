// Mounts the room alias and published room directory routes under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { aliasLookupRoutes, aliasRoutes } from "./alias-routes";
import { publicRoomsOpenRoutes, publicRoomsRoutes } from "./public-rooms-routes";

export function mountDirectoryRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, aliasLookupRoutes);
    app.route(prefix, aliasRoutes);
    app.route(prefix, publicRoomsOpenRoutes);
    app.route(prefix, publicRoomsRoutes);
  }
}
