// GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId} (spec "Thumbnails"): scale and crop
// through the Cloudflare Images binding (`IMAGES`), the spec's recommended sizes kept in R2.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { essenceOf, MEDIA_SAFETY_HEADERS } from "../../protocol/media/content-disposition";
import { type MediaError, mediaError } from "../../protocol/media/media-error";
import {
  isThumbnailable,
  MAX_THUMBNAIL_DIMENSION,
  planThumbnail,
  thumbnailContentType,
  type ThumbnailMethod,
  type ThumbnailRequest,
} from "../../protocol/media/thumbnail-plan";
import { readBlob, thumbnailKey } from "../../platform/media-blobs";
import { type AuthedEnv, authedRoute, requireAuth } from "../auth-middleware";
import { booleanParam, localMedia, timeoutParam, type UploadedMedia } from "./media-request";

/** Images larger than this (bytes, or pixels) are not thumbnailed (spec: 413 M_TOO_LARGE). */
const MAX_SOURCE_BYTES = 20 * 1024 * 1024;
const MAX_SOURCE_PIXELS = 40_000_000;

function dimensionParam(c: Context, name: string): Effect.Effect<number, MediaError> {
  const text = c.req.query(name);
  if (text === undefined) return Effect.fail(mediaError("missing_param", `${name} is required`));
  const value = /^[0-9]{1,6}$/.test(text) ? Number(text) : 0;
  if (value < 1 || value > MAX_THUMBNAIL_DIMENSION) {
    return Effect.fail(mediaError("invalid_param", `${name} must be an integer from 1 to ${MAX_THUMBNAIL_DIMENSION}`));
  }
  return Effect.succeed(value);
}

function thumbnailRequest(c: Context): Effect.Effect<ThumbnailRequest, MediaError> {
  return Effect.gen(function* () {
    const width = yield* dimensionParam(c, "width");
    const height = yield* dimensionParam(c, "height");
    const methodText = c.req.query("method") ?? "scale";
    if (methodText !== "scale" && methodText !== "crop") return yield* Effect.fail(mediaError("invalid_param", "method must be crop or scale"));
    const method: ThumbnailMethod = methodText;
    const animated = yield* booleanParam(c, "animated");
    return { width, height, method, animated };
  });
}

/** A thumbnail answer: always inline (spec), with a file name matching its type. */
function thumbnailResponse(body: ReadableStream | ArrayBuffer, contentType: string, size: number): Response {
  const headers = new Headers(MEDIA_SAFETY_HEADERS);
  const extension = (contentType.split("/")[1] ?? "bin").replace(/[^a-z0-9]/g, "");
  headers.set("Content-Type", contentType);
  headers.set("Content-Disposition", `inline; filename="thumbnail.${extension}"`);
  headers.set("Content-Length", String(size));
  headers.set("Cache-Control", "private, max-age=86400, immutable");
  return new Response(body, { status: 200, headers });
}

const cannotThumbnail = () => mediaError("cannot_thumbnail", "Cannot generate thumbnails for the requested content");

function sourceStream(bucket: R2Bucket, media: UploadedMedia): Effect.Effect<R2ObjectBody, MediaError> {
  return Effect.flatMap(
    Effect.promise(() => readBlob(bucket, media.sha256)),
    (object) => (object === null ? Effect.fail(mediaError("not_found", "Unknown media")) : Effect.succeed(object)),
  );
}

const thumbnail = authedRoute((c) =>
  Effect.gen(function* () {
    const request = yield* thumbnailRequest(c);
    const timeoutMs = yield* timeoutParam(c);
    const media = yield* localMedia(c, timeoutMs);
    const essence = essenceOf(media.contentType);
    const images = c.env.IMAGES;
    if (!isThumbnailable(essence) || images === undefined) return yield* Effect.fail(cannotThumbnail());
    if (media.size > MAX_SOURCE_BYTES) return yield* Effect.fail(mediaError("thumbnail_too_large", "Content is too large to thumbnail"));

    const probe = yield* sourceStream(c.env.MEDIA, media);
    // Bytes that are not an image of a bitmap format (whatever the uploader claimed) cannot be thumbnailed.
    const info = yield* Effect.tryPromise({ try: () => images.info(probe.body), catch: cannotThumbnail });
    if (!("width" in info) || info.width < 1 || info.height < 1) return yield* Effect.fail(cannotThumbnail());
    if (info.width * info.height > MAX_SOURCE_PIXELS) return yield* Effect.fail(mediaError("thumbnail_too_large", "Content is too large to thumbnail"));

    const plan = planThumbnail({ width: info.width, height: info.height }, essence, request);
    if (plan.kind === "original") {
      const source = yield* sourceStream(c.env.MEDIA, media);
      return thumbnailResponse(source.body, media.contentType, media.size);
    }
    const outputType = thumbnailContentType(essence);
    const cacheKey = plan.kind === "resize" && plan.cacheable ? thumbnailKey(media.sha256, plan.method, plan.width, plan.height) : undefined;
    if (cacheKey !== undefined) {
      const cached = yield* Effect.promise(() => c.env.MEDIA.get(cacheKey));
      if (cached !== null) return thumbnailResponse(cached.body, cached.httpMetadata?.contentType ?? outputType, cached.size);
    }
    const source = yield* sourceStream(c.env.MEDIA, media);
    const transformer = plan.kind === "resize"
      ? images.input(source.body).transform({ width: plan.width, height: plan.height, fit: plan.method === "crop" ? "cover" : "scale-down" })
      : images.input(source.body);
    const bytes = yield* Effect.tryPromise({
      try: async () => (await transformer.output({ format: outputType, anim: false })).response().arrayBuffer(),
      catch: cannotThumbnail,
    });
    if (cacheKey !== undefined) {
      yield* Effect.promise(() => c.env.MEDIA.put(cacheKey, bytes, { httpMetadata: { contentType: outputType } }));
    }
    return thumbnailResponse(bytes, outputType, bytes.byteLength);
  }),
);

export const mediaThumbnailRoutes = new Hono<AuthedEnv>().get(
  "/_matrix/client/v1/media/thumbnail/:serverName/:mediaId",
  requireAuth({ allowGuests: true }),
  thumbnail,
);
