// Mounts the federation groundwork: the notary key query and /_matrix/federation/v1/version.
import type { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { notaryRoutes } from "./notary-routes";
import { openIdUserInfoRoutes } from "./openid-userinfo-route";
import { federationQueryRoutes } from "./query-routes";
import { federationUserKeysRoutes } from "./user-keys-routes";
import { federationVersionRoutes } from "./version-route";

/**
 * Federation routes that need X-Matrix put `requireServerAuth()` (./server-auth.ts) on each route,
 * not on the whole /_matrix/federation/* prefix: an unknown federation path must answer 404
 * M_UNRECOGNIZED (spec "Unsupported endpoints") whoever asks, and /version needs no authentication.
 */
export function mountFederationRoutes(app: Hono<AppEnv>): void {
  app.route("/", federationVersionRoutes);
  app.route("/", notaryRoutes);
  app.route("/", federationQueryRoutes);
  app.route("/", federationUserKeysRoutes);
  app.route("/", openIdUserInfoRoutes);
}
