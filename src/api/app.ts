// The HTTP application: error handling, CORS and every route group mounted on one Hono app.
import { Hono } from "hono";
import { liveServices, type ServicesFor } from "../platform/services";
import type { AppEnv } from "./app-env";
import { mountAdminRoutes } from "./admin/admin-api";
import { mountAccountRoutes } from "./client/accounts-api";
import { mountDirectoryRoutes } from "./client/directory/directory-api";
import { mountEphemeralRoutes } from "./client/ephemeral/ephemeral-api";
import { mountExtraRoutes } from "./client/extra/extra-api";
import { mountKeysRoutes } from "./client/keys/keys-api";
import { mountProfileRoutes } from "./client/profile/profile-api";
import { mountPushRoutes } from "./client/push/push-api";
import { mountEventRoutes } from "./client/events/events-api";
import { mountMemberRoutes } from "./client/members/members-api";
import { mountRoomRoutes } from "./client/rooms/rooms-api";
import { mountRoomUpgradeRoutes } from "./client/rooms/upgrade-route";
import { mountToDeviceRoutes } from "./client/to-device/to-device-api";
import { mountSlidingSyncRoutes } from "./client/sliding-sync/sliding-sync-api";
import { mountKeyBackupRoutes } from "./client/key-backup/key-backup-api";
import { mountDehydratedDeviceRoutes } from "./client/dehydrated/dehydrated-api";
import { mountMediaRoutes } from "./media/media-api";
import { mountUserDataRoutes } from "./client/user-data/user-data-api";
import { mountVoipRoutes } from "./client/voip/voip-api";
import { mountOpenIdRoutes } from "./client/openid/openid-api";
import { versionsRoutes } from "./client/versions";
import { cors } from "./cors";
import { makeNotFound, onError } from "./error-handlers";
import { serverKeysRoutes } from "./keys/server-keys";
import { wellKnownRoutes } from "./well-known";
import { mountFederationRoutes } from "./federation/federation-api";

export type { AppEnv } from "./app-env";

export interface AppOptions {
  /** Builds the platform services per request; tests pass fixed ones. */
  readonly services?: ServicesFor;
  /** Extra routes mounted before the error handlers (tests mount probes here). */
  readonly extraRoutes?: Hono<AppEnv>;
}

export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const services = options.services ?? liveServices;
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("services", services);
    await next();
  });
  app.use("/_matrix/*", cors);
  app.use("/.well-known/*", cors);
  app.route("/", versionsRoutes);
  app.route("/", wellKnownRoutes);
  app.route("/", serverKeysRoutes);
  mountAccountRoutes(app);
  mountRoomRoutes(app);
  mountRoomUpgradeRoutes(app);
  mountMemberRoutes(app);
  mountEventRoutes(app);
  mountDirectoryRoutes(app);
  mountUserDataRoutes(app);
  mountPushRoutes(app);
  mountProfileRoutes(app);
  mountEphemeralRoutes(app);
  mountExtraRoutes(app);
  mountAdminRoutes(app);
  mountKeysRoutes(app);
  mountToDeviceRoutes(app);
  mountKeyBackupRoutes(app);
  mountDehydratedDeviceRoutes(app);
  mountMediaRoutes(app);
  mountVoipRoutes(app);
  mountOpenIdRoutes(app);
  mountFederationRoutes(app);
  mountSlidingSyncRoutes(app);
  if (options.extraRoutes !== undefined) app.route("/", options.extraRoutes);
  app.onError(onError);
  app.notFound(makeNotFound(app));
  return app;
}
