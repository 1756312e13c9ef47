// The `Authorization: X-Matrix …` header of server-server requests (spec "Request Authentication"): writing and strict parsing.
import { err, ok, type Result } from "../result";

/** The parameters of one X-Matrix header; `destination` is absent when an older server left it out. */
export interface XMatrixAuth {
  readonly origin: string;
  readonly destination?: string;
  /** The key ID, `<algorithm>:<version>`. */
  readonly key: string;
  /** Unpadded base64 signature of the request JSON. */
  readonly sig: string;
}

export type XMatrixHeaderError = {
  readonly _tag: "XMatrixHeaderError";
  readonly reason: "not_x_matrix" | "syntax" | "duplicate_param" | "missing_param";
  readonly detail: string;
};

const fail = (reason: XMatrixHeaderError["reason"], detail: string): Result<never, XMatrixHeaderError> =>
  err({ _tag: "XMatrixHeaderError", reason, detail });

/** RFC 9110 `tchar`. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
/** Unquoted values may also hold colons, for older servers (spec: "the recipient should allow colons"). */
const isValueChar = (ch: string): boolean => TCHAR.test(ch) || ch === ":";
const isOws = (ch: string | undefined): boolean => ch === " " || ch === "\t";
/** RFC 9110 `qdtext` and the characters a `quoted-pair` may escape (HTAB, SP, VCHAR, obs-text). */
const isQdText = (code: number): boolean =>
  code === 0x09 || code === 0x20 || code === 0x21 || (code >= 0x23 && code <= 0x5b) || (code >= 0x5d && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
const isEscapable = (code: number): boolean => code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);

/** Quotes a value, escaping `"` and `\` (server names and base64 never contain them, so in practice nothing is escaped). */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** The header value as the spec asks senders to write it: one space, lower-case names, quoted values, no spaces at commas. */
export function formatXMatrixHeader(auth: XMatrixAuth & { readonly destination: string }): string {
  return `X-Matrix origin=${quote(auth.origin)},destination=${quote(auth.destination)},key=${quote(auth.key)},sig=${quote(auth.sig)}`;
}

/**
 * Parses a header value: scheme `X-Matrix` (case-insensitive), one or more spaces, then
 * comma-separated `name=value` pairs with optional spaces and tabs around commas and `=`. Values are
 * tokens (colons allowed) or quoted strings whose backslash escapes are undone. Names are
 * case-insensitive; a name given twice is refused rather than guessed at; unknown names are ignored.
 * `origin`, `key` and `sig` are required (the spec's parameter list calls the last `signature`,
 * its example and every implementation `sig`: either is read, not both).
 */
export function parseXMatrixHeader(header: string): Result<XMatrixAuth, XMatrixHeaderError> {
  const scheme = /^X-Matrix( +)/i.exec(header);
  if (scheme === null) return fail("not_x_matrix", "the scheme is not X-Matrix followed by a space");
  const params = new Map<string, string>();
  let i = scheme[0].length;
  const n = header.length;
  for (;;) {
    while (i < n && (isOws(header[i]) || header[i] === ",")) i++;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && TCHAR.test(header[i]!)) i++;
    if (i === nameStart) return fail("syntax", `expected a parameter name at ${i}`);
    const name = header.slice(nameStart, i).toLowerCase();
    while (isOws(header[i])) i++;
    if (header[i] !== "=") return fail("syntax", `expected '=' after ${name}`);
    i++;
    while (isOws(header[i])) i++;
    let value = "";
    if (header[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const code = header.charCodeAt(i);
        if (code === 0x22) {
          closed = true;
          i++;
          break;
        }
        if (code === 0x5c) {
          const next = header.charCodeAt(i + 1);
          if (i + 1 >= n || !isEscapable(next)) return fail("syntax", `bad escape in ${name}`);
          value += header[i + 1];
          i += 2;
          continue;
        }
        if (!isQdText(code)) return fail("syntax", `bad character in the quoted value of ${name}`);
        value += header[i];
        i++;
      }
      if (!closed) return fail("syntax", `unterminated quoted value of ${name}`);
    } else {
      const valueStart = i;
      while (i < n && isValueChar(header[i]!)) i++;
      if (i === valueStart) return fail("syntax", `empty or invalid value of ${name}`);
      value = header.slice(valueStart, i);
    }
    if (params.has(name)) return fail("duplicate_param", name);
    params.set(name, value);
    while (isOws(header[i])) i++;
    if (i < n && header[i] !== ",") return fail("syntax", `expected ',' after the value of ${name}`);
  }
  if (params.has("sig") && params.has("signature")) return fail("duplicate_param", "sig and signature");
  const origin = params.get("origin");
  const key = params.get("key");
  const sig = params.get("sig") ?? params.get("signature");
  if (origin === undefined) return fail("missing_param", "origin");
  if (key === undefined) return fail("missing_param", "key");
  if (sig === undefined) return fail("missing_param", "sig");
  const destination = params.get("destination");
  return ok(destination === undefined ? { origin, key, sig } : { origin, destination, key, sig });
}
