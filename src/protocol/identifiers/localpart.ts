// Character-level rules shared by the sigilled identifiers: lenient localparts and UTF-8 byte length.

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * The lenient localpart grammar the appendix uses for historical user IDs, room ID localparts and
 * room alias localparts: any valid (non-surrogate) code points except `:` and NUL, possibly empty.
 */
export function isLenientLocalpart(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a || c === 0) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c > 0xdbff || !isLowSurrogate(text.charCodeAt(i + 1))) return false;
      i++;
    }
  }
  return true;
}

/** UTF-8 length in bytes (the ID limits are in bytes); a lone surrogate counts as U+FFFD would. */
export function utf8ByteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      n += 4; // a surrogate pair is one astral code point
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Splits `&localpart:domain` at the first `:` (localparts never contain one, server names may).
 * Returns undefined when there is no `:`.
 */
export function splitAtServer(text: string): { readonly localpart: string; readonly server: string } | undefined {
  const colon = text.indexOf(":", 1);
  if (colon < 0) return undefined;
  return { localpart: text.slice(1, colon), server: text.slice(colon + 1) };
}
