// The deprecated unauthenticated GET /_matrix/media/v3/download and /thumbnail, frozen (spec v1.11
// "Client behaviour": servers SHOULD freeze them so only media uploaded before the freeze stays
// reachable). This server was born after Matrix 1.12: every piece of its media is uploaded after
// the freeze, so these paths answer 404 M_NOT_FOUND for all of it, which the endpoints' own
// description allows. They are routes (not the unknown-endpoint 404 M_UNRECOGNIZED) so clients
// see "media not found here" and move to /_matrix/client/v1/media.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { matrixError } from "../matrix-error";

const frozen = (): never => {
  throw matrixError(404, "M_NOT_FOUND", "Unauthenticated media access is frozen: use /_matrix/client/v1/media with an access token");
};

export const legacyMediaRoutes = new Hono<AppEnv>()
  .get("/_matrix/media/v3/download/:serverName/:mediaId", frozen)
  .get("/_matrix/media/v3/download/:serverName/:mediaId/:fileName", frozen)
  .get("/_matrix/media/v3/thumbnail/:serverName/:mediaId", frozen)
  .get("/_matrix/media/r0/download/:serverName/:mediaId", frozen)
  .get("/_matrix/media/r0/download/:serverName/:mediaId/:fileName", frozen)
  .get("/_matrix/media/r0/thumbnail/:serverName/:mediaId", frozen);
