// Unpadded base64, standard and URL-safe (spec appendix "Unpadded Base64").
import { err, ok, type Result } from "./result";

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function encodeWith(alphabet: string, bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]!;
  }
  return out;
}

function lookupTable(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STANDARD_TABLE = lookupTable(STANDARD);
const URL_SAFE_TABLE = lookupTable(URL_SAFE);

export type Base64Error = { readonly _tag: "Base64Error"; readonly reason: "invalid_character" | "invalid_length" };

function decodeWith(table: Int8Array, text: string): Result<Uint8Array, Base64Error> {
  // Padding is accepted on input (the spec asks decoders to be lenient) but never required.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */ && text.length - end < 2) end--;
  if (end !== text.length && text.length % 4 !== 0) return err({ _tag: "Base64Error", reason: "invalid_length" });
  if (end % 4 === 1) return err({ _tag: "Base64Error", reason: "invalid_length" });
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) return err({ _tag: "Base64Error", reason: "invalid_character" });
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return ok(out);
}

export const encodeBase64 = (bytes: Uint8Array): string => encodeWith(STANDARD, bytes);
export const encodeBase64Url = (bytes: Uint8Array): string => encodeWith(URL_SAFE, bytes);
export const decodeBase64 = (text: string): Result<Uint8Array, Base64Error> => decodeWith(STANDARD_TABLE, text);
export const decodeBase64Url = (text: string): Result<Uint8Array, Base64Error> => decodeWith(URL_SAFE_TABLE, text);
