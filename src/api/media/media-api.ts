// Mounts the content repository (spec "Content repository"): uploads, authenticated downloads and
// thumbnails, the media config, and the frozen legacy download paths.
import type { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { mediaDownloadRoutes } from "./download-routes";
import { legacyMediaRoutes } from "./legacy-media-routes";
import { mediaThumbnailRoutes } from "./thumbnail-routes";
import { mediaUploadRoutes } from "./upload-routes";

export function mountMediaRoutes(app: Hono<AppEnv>): void {
  app.route("/", mediaUploadRoutes);
  app.route("/", mediaDownloadRoutes);
  app.route("/", mediaThumbnailRoutes);
  app.route("/", legacyMediaRoutes);
}
