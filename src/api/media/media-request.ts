// Shared steps of the media routes: settings, query parameters, finding local media (waiting for an
// async upload), and the headers every served file carries.
import { Effect } from "effect";
import type { Context } from "hono";
import { contentDisposition, MEDIA_SAFETY_HEADERS } from "../../protocol/media/content-disposition";
import { isValidMediaId } from "../../protocol/media/media-id";
import { type MediaError, mediaError } from "../../protocol/media/media-error";
import type { Env } from "../../platform/env";
import { ServerConfig } from "../../platform/server-config";
import { WallClock } from "../../platform/wall-clock";
import { findMedia, type MediaRecord } from "../../readmodels/media-index";
import type { AuthedEnv } from "../auth-middleware";

/** The upload limit when MAX_UPLOAD_BYTES is not set: 50 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** MAX_UPLOAD_BYTES, a positive integer of bytes; anything else is a server fault, never "no limit". */
export function maxUploadBytes(env: Pick<Env, "MAX_UPLOAD_BYTES">): Effect.Effect<number, MediaError> {
  const text = (env.MAX_UPLOAD_BYTES ?? "").trim();
  if (text === "") return Effect.succeed(DEFAULT_MAX_UPLOAD_BYTES);
  const value = /^[0-9]{1,15}$/.test(text) ? Number(text) : 0;
  return value > 0 ? Effect.succeed(value) : Effect.fail(mediaError("bad_config", `MAX_UPLOAD_BYTES is not a positive integer: ${text}`));
}

/** The spec's default wait for content not yet uploaded, and the most this server waits. */
const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_TIMEOUT_MS = 20_000;
/** How often a waiting download looks at the index again. */
const POLL_INTERVAL_MS = 250;

/** `timeout_ms`: a non-negative integer, capped (the spec asks servers to impose a maximum). */
export function timeoutParam(c: Context): Effect.Effect<number, MediaError> {
  const text = c.req.query("timeout_ms");
  if (text === undefined) return Effect.succeed(DEFAULT_TIMEOUT_MS);
  if (!/^[0-9]{1,15}$/.test(text)) return Effect.fail(mediaError("invalid_param", "timeout_ms must be a non-negative integer"));
  return Effect.succeed(Math.min(Number(text), MAX_TIMEOUT_MS));
}

/** A boolean query parameter ("true"/"false"), or undefined when absent. */
export function booleanParam(c: Context, name: string): Effect.Effect<boolean | undefined, MediaError> {
  const text = c.req.query(name);
  if (text === undefined) return Effect.succeed(undefined);
  if (text === "true") return Effect.succeed(true);
  if (text === "false") return Effect.succeed(false);
  return Effect.fail(mediaError("invalid_param", `${name} must be true or false`));
}

export type UploadedMedia = Extract<MediaRecord, { state: "uploaded" }>;

/**
 * The uploaded local media a path names. Remote media needs federation, which this server does not
 * speak yet: other servers' media is not found, whatever `allow_remote` says. Media created with
 * /create but not uploaded is waited for up to `timeoutMs`, then M_NOT_YET_UPLOADED.
 */
export function localMedia(c: Context<AuthedEnv>, timeoutMs: number): Effect.Effect<UploadedMedia, MediaError, ServerConfig | WallClock> {
  return Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const clock = yield* WallClock;
    const mediaId = c.req.param("mediaId") ?? "";
    if (c.req.param("serverName") !== serverName || !isValidMediaId(mediaId)) {
      return yield* Effect.fail(mediaError("not_found", "Unknown media"));
    }
    // The real clock bounds the wait even when a test pins WallClock.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = yield* Effect.promise(() => findMedia(c.env.DB, mediaId, clock.nowMs()));
      if (record === undefined) return yield* Effect.fail(mediaError("not_found", "Unknown media"));
      if (record.state === "uploaded") return record;
      const left = deadline - Date.now();
      if (left <= 0) return yield* Effect.fail(mediaError("not_yet_uploaded", "Content has not yet been uploaded"));
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, left))));
    }
  });
}

/** The headers of served content: its type as uploaded, the disposition the spec asks for, and the safety headers. */
export function contentHeaders(contentType: string, filename: string | null, size: number): Headers {
  const headers = new Headers(MEDIA_SAFETY_HEADERS);
  headers.set("Content-Type", contentType);
  headers.set("Content-Disposition", contentDisposition(contentType, filename));
  headers.set("Content-Length", String(size));
  // Content behind an mxc:// URI never changes; only caches of the authorised caller may keep it.
  headers.set("Cache-Control", "private, max-age=86400, immutable");
  return headers;
}
