// GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}] (spec v1.11, authenticated),
// and the media config, authenticated and legacy.
import { Effect } from "effect";
import { Hono } from "hono";
import { mediaError } from "../../protocol/media/media-error";
import { readBlob } from "../../platform/media-blobs";
import { type AuthedEnv, authedRoute, requireAuth } from "../auth-middleware";
import { contentHeaders, localMedia, maxUploadBytes, timeoutParam } from "./media-request";

const download = authedRoute((c) =>
  Effect.gen(function* () {
    const timeoutMs = yield* timeoutParam(c);
    const media = yield* localMedia(c, timeoutMs);
    const object = yield* Effect.promise(() => readBlob(c.env.MEDIA, media.sha256));
    // The index names bytes the bucket lost: nothing to serve, and not the client's fault to retry.
    if (object === null) return yield* Effect.fail(mediaError("not_found", "Unknown media"));
    // A file name in the path replaces the uploaded one in Content-Disposition (spec).
    const filename = c.req.param("fileName") ?? media.filename;
    return new Response(object.body, { status: 200, headers: contentHeaders(media.contentType, filename, media.size) });
  }),
);

const config = authedRoute((c) =>
  Effect.gen(function* () {
    return c.json({ "m.upload.size": yield* maxUploadBytes(c.env) });
  }),
);

const mediaAuth = requireAuth({ allowGuests: true });

export const mediaDownloadRoutes = new Hono<AuthedEnv>()
  .get("/_matrix/client/v1/media/download/:serverName/:mediaId", mediaAuth, download)
  .get("/_matrix/client/v1/media/download/:serverName/:mediaId/:fileName", mediaAuth, download)
  .get("/_matrix/client/v1/media/config", mediaAuth, config)
  // Deprecated, but still authenticated (spec): the same answer.
  .get("/_matrix/media/v3/config", mediaAuth, config);
