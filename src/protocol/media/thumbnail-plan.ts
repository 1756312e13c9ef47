// Which thumbnail to serve for a request (spec "Thumbnails"): pure arithmetic over sizes, no image bytes.

export type ThumbnailMethod = "crop" | "scale";

export interface ThumbnailRequest {
  readonly width: number;
  readonly height: number;
  readonly method: ThumbnailMethod;
  /** The `animated` query parameter: true, false, or not given. */
  readonly animated: boolean | undefined;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export type ThumbnailPlan =
  /** The content is no larger than asked for: serve it as it is. */
  | { readonly kind: "original" }
  /** The content is small enough but may be animated and animation was not asked for: re-encode it still. */
  | { readonly kind: "still" }
  /**
   * Resize to `width` x `height`: "scale" fits inside that box keeping the aspect ratio, "crop"
   * fills it exactly and cuts the overflow. `cacheable`: one of the spec's recommended sizes,
   * the only ones kept in storage, so arbitrary requests cannot fill the bucket.
   */
  | { readonly kind: "resize"; readonly width: number; readonly height: number; readonly method: ThumbnailMethod; readonly cacheable: boolean };

/** The spec's recommended sizes; a request is served from the smallest one that covers it. */
const STANDARD_SIZES: readonly { readonly width: number; readonly height: number; readonly method: ThumbnailMethod }[] = [
  { width: 32, height: 32, method: "crop" },
  { width: 96, height: 96, method: "crop" },
  { width: 320, height: 240, method: "scale" },
  { width: 640, height: 480, method: "scale" },
  { width: 800, height: 600, method: "scale" },
];

/** Largest width or height a client may ask for. */
export const MAX_THUMBNAIL_DIMENSION = 10_000;

/** Content types the server may thumbnail (and whose format may carry animation). */
const THUMBNAILABLE = new Set(["image/jpeg", "image/png", "image/apng", "image/gif", "image/webp"]);
const MAY_BE_ANIMATED = new Set(["image/png", "image/apng", "image/gif", "image/webp"]);

export const isThumbnailable = (essence: string): boolean => THUMBNAILABLE.has(essence);

/** The thumbnail's type: JPEG stays JPEG (photos), everything else becomes PNG (lossless, no animation). */
export const thumbnailContentType = (essence: string): "image/jpeg" | "image/png" => (essence === "image/jpeg" ? "image/jpeg" : "image/png");

/** The box a request is served at: a standard size when one covers it with the same method (and aspect, for crop). */
function servingBox(request: ThumbnailRequest): { width: number; height: number; standard: boolean } {
  const standard = STANDARD_SIZES.find(
    (size) =>
      size.method === request.method &&
      size.width >= request.width &&
      size.height >= request.height &&
      // A crop's aspect is the request's, so only a box of the same aspect can stand in for it.
      (request.method === "scale" || size.width * request.height === size.height * request.width),
  );
  return standard === undefined ? { width: request.width, height: request.height, standard: false } : { ...standard, standard: true };
}

/**
 * Never upscales, never returns less than asked unless the content is smaller: content that fits
 * inside the box is served whole (or re-encoded still, when it may be animated and animation was
 * not asked for: the spec says the server MUST NOT then return an animated image).
 */
export function planThumbnail(original: ImageSize, essence: string, request: ThumbnailRequest): ThumbnailPlan {
  const box = servingBox(request);
  const small = original.width <= box.width && original.height <= box.height;
  if (small) return MAY_BE_ANIMATED.has(essence) && request.animated !== true ? { kind: "still" } : { kind: "original" };
  if (request.method === "scale") {
    const factor = Math.min(box.width / original.width, box.height / original.height);
    return {
      kind: "resize",
      width: Math.max(1, Math.round(original.width * factor)),
      height: Math.max(1, Math.round(original.height * factor)),
      method: "scale",
      cacheable: box.standard,
    };
  }
  // Crop: the box's aspect, shrunk (never grown) to what the content can fill.
  return {
    kind: "resize",
    width: Math.min(box.width, original.width),
    height: Math.min(box.height, original.height),
    method: "crop",
    cacheable: box.standard && box.width <= original.width && box.height <= original.height,
  };
}
