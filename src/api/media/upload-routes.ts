// POST /_matrix/media/v3/upload, POST /_matrix/media/v1/create and PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
// (spec "Content repository": direct and asynchronous uploads).
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { isValidMediaId, mediaIdFromRandom, mxcUri } from "../../protocol/media/media-id";
import { type MediaError, mediaError } from "../../protocol/media/media-error";
import { storeBlob } from "../../platform/media-blobs";
import { ServerConfig } from "../../platform/server-config";
import { WallClock } from "../../platform/wall-clock";
import { completePendingMedia, findMedia, insertPendingMedia, insertUploadedMedia, type StoredContent } from "../../readmodels/media-index";
import { type AuthedEnv, authedRoute, requireAuth } from "../auth-middleware";
import { maxUploadBytes } from "./media-request";

/** The spec's recommended lifetime of an unused created media ID: 24 hours. */
export const UNUSED_MEDIA_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How many created, not yet uploaded, unexpired media IDs one user may hold. */
export const MAX_PENDING_UPLOADS = 10;
/** Longest Content-Type and file name kept; longer ones are refused, not cut. */
const MAX_CONTENT_TYPE_LENGTH = 255;
const MAX_FILENAME_LENGTH = 255;

const newMediaId = (): string => mediaIdFromRandom(crypto.getRandomValues(new Uint8Array(24)));

/** The body's bytes into R2 and what the index records about them. */
function receiveContent(c: Context<AuthedEnv>): Effect.Effect<StoredContent, MediaError> {
  return Effect.gen(function* () {
    const limit = yield* maxUploadBytes(c.env);
    const contentType = (c.req.header("Content-Type") ?? "").trim() || "application/octet-stream";
    if (contentType.length > MAX_CONTENT_TYPE_LENGTH) return yield* Effect.fail(mediaError("invalid_param", "Content-Type is too long"));
    const filename = c.req.query("filename") ?? null;
    if (filename !== null && (filename.length > MAX_FILENAME_LENGTH || /[\x00-\x1f\x7f]/.test(filename))) {
      return yield* Effect.fail(mediaError("invalid_param", "filename is too long or holds control characters"));
    }
    const lengthText = c.req.header("Content-Length");
    const declared = lengthText !== undefined && /^[0-9]{1,15}$/.test(lengthText) ? Number(lengthText) : undefined;
    const stored = yield* Effect.promise(() => storeBlob(c.env.MEDIA, c.req.raw.body, declared, limit));
    if (!stored.ok) {
      return yield* Effect.fail(
        stored.reason === "too_large"
          ? mediaError("too_large", `Cannot upload files larger than ${limit} bytes`)
          : mediaError("invalid_param", "The request body could not be read in full"),
      );
    }
    return { sha256: stored.sha256, contentType, filename, size: stored.size };
  });
}

const upload = authedRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const content = yield* receiveContent(c);
    const mediaId = newMediaId();
    const now = (yield* WallClock).nowMs();
    yield* Effect.promise(() => insertUploadedMedia(c.env.DB, { mediaId, uploader: c.var.requester.userId, now, ...content }));
    return c.json({ content_uri: mxcUri(serverName, mediaId) });
  }),
);

const create = authedRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const now = (yield* WallClock).nowMs();
    const mediaId = newMediaId();
    const expiresTs = now + UNUSED_MEDIA_LIFETIME_MS;
    const created = yield* Effect.promise(() =>
      insertPendingMedia(c.env.DB, { mediaId, uploader: c.var.requester.userId, now, expiresTs, maxPending: MAX_PENDING_UPLOADS }),
    );
    if (!created) return yield* Effect.fail(mediaError("limit_exceeded", `At most ${MAX_PENDING_UPLOADS} uploads may be pending at once`));
    return c.json({ content_uri: mxcUri(serverName, mediaId), unused_expires_at: expiresTs });
  }),
);

const uploadToCreated = authedRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const clock = yield* WallClock;
    const mediaId = c.req.param("mediaId") ?? "";
    const userId = c.var.requester.userId;
    const unknown = mediaError("not_found", "Unknown media ID");
    if (c.req.param("serverName") !== serverName || !isValidMediaId(mediaId)) return yield* Effect.fail(unknown);
    // Checked before the body is read, so a refused upload costs no storage.
    const record = yield* Effect.promise(() => findMedia(c.env.DB, mediaId, clock.nowMs()));
    if (record === undefined) return yield* Effect.fail(unknown);
    if (record.uploader !== userId) return yield* Effect.fail(mediaError("forbidden", "Only the user who created this media ID may upload to it"));
    const alreadyUploaded = mediaError("cannot_overwrite", "Media already uploaded");
    if (record.state === "uploaded") return yield* Effect.fail(alreadyUploaded);
    const content = yield* receiveContent(c);
    const completed = yield* Effect.promise(() => completePendingMedia(c.env.DB, { mediaId, uploader: userId, now: clock.nowMs(), ...content }));
    if (!completed) {
      // Another upload to the same ID won the race, or the ID expired while the body arrived.
      const now = yield* Effect.promise(() => findMedia(c.env.DB, mediaId, clock.nowMs()));
      return yield* Effect.fail(now === undefined ? unknown : alreadyUploaded);
    }
    return c.json({});
  }),
);

export const mediaUploadRoutes = new Hono<AuthedEnv>()
  .post("/_matrix/media/v3/upload", requireAuth(), upload)
  .post("/_matrix/media/v1/create", requireAuth(), create)
  .put("/_matrix/media/v3/upload/:serverName/:mediaId", requireAuth(), uploadToCreated);
