// Mounts the room routes (create, send, state, membership, sync, messages) under every client API version prefix.
import type { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { CLIENT_PREFIXES } from "../accounts-api";
import { createRoomRoutes } from "./create-room-route";
import { membershipRoutes } from "./membership-routes";
import { roomEventRoutes } from "./room-event-routes";
import { syncRoutes } from "./sync-routes";

export function mountRoomRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) {
    app.route(prefix, createRoomRoutes);
    app.route(prefix, roomEventRoutes);
    app.route(prefix, membershipRoutes);
    app.route(prefix, syncRoutes);
  }
}
