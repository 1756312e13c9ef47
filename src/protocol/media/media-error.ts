// The refusals of the content repository routes (spec "Content repository"), mapped in the one error table.

export interface MediaError {
  readonly _tag: "MediaError";
  /**
   * not_found: no such media here (unknown, remote, expired unused ID, or frozen legacy access);
   * not_yet_uploaded: created with /create but its bytes did not arrive within the wait;
   * too_large: an upload over the size limit; cannot_overwrite: PUT to a media ID that has content;
   * forbidden: PUT by someone other than the creator; limit_exceeded: too many pending async uploads;
   * invalid_param / missing_param: a bad or missing query parameter or header;
   * cannot_thumbnail: content the server cannot thumbnail; thumbnail_too_large: an image too
   * large to thumbnail; bad_config: MAX_UPLOAD_BYTES is not a positive integer (a server fault).
   */
  readonly reason:
    | "not_found"
    | "not_yet_uploaded"
    | "too_large"
    | "cannot_overwrite"
    | "forbidden"
    | "limit_exceeded"
    | "invalid_param"
    | "missing_param"
    | "cannot_thumbnail"
    | "thumbnail_too_large"
    | "bad_config";
  readonly message: string;
}

export const mediaError = (reason: MediaError["reason"], message: string): MediaError => ({ _tag: "MediaError", reason, message });
