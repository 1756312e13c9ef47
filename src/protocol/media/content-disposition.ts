// The safety headers of served media (spec "Content repository" and "Serving inline content").

/** The Content-Types the spec allows to be served inline; everything else is an attachment. */
const INLINE_TYPES: ReadonlySet<string> = new Set([
  "text/css",
  "text/plain",
  "text/csv",
  "application/json",
  "application/ld+json",
  "image/jpeg",
  "image/gif",
  "image/png",
  "image/apng",
  "image/webp",
  "image/avif",
  "video/mp4",
  "video/webm",
  "video/ogg",
  "video/quicktime",
  "audio/mp4",
  "audio/webm",
  "audio/aac",
  "audio/mpeg",
  "audio/ogg",
  "audio/wave",
  "audio/wav",
  "audio/x-wav",
  "audio/x-pn-wav",
  "audio/flac",
  "audio/x-flac",
]);

/** The media type without parameters, lower-cased: "Text/Plain; charset=utf-8" is "text/plain". */
export const essenceOf = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase();

export const isInlineSafe = (contentType: string): boolean => INLINE_TYPES.has(essenceOf(contentType));

/** The spec's recommended policy for served content. */
export const MEDIA_CONTENT_SECURITY_POLICY =
  "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

/** A quoted-string filename only when plain printable ASCII; otherwise RFC 5987's UTF-8 form (RFC 6266). */
function filenameParameter(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !/["\\]/.test(filename)) return `filename="${filename}"`;
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename*=utf-8''${encoded}`;
}

/** `inline` for the allow-listed types, `attachment` otherwise; the file name only when there is one. */
export function contentDisposition(contentType: string, filename: string | null): string {
  const kind = isInlineSafe(contentType) ? "inline" : "attachment";
  return filename === null || filename === "" ? kind : `${kind}; ${filenameParameter(filename)}`;
}

/** The headers every media answer carries besides its own type and disposition. */
export const MEDIA_SAFETY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": MEDIA_CONTENT_SECURITY_POLICY,
  "Cross-Origin-Resource-Policy": "cross-origin",
  "X-Content-Type-Options": "nosniff",
};
