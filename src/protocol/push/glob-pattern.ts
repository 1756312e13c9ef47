// Glob-style matching (appendix "Glob-style matching": `*` any run, `?` one character), case-insensitive as push rules need.

type GlobToken =
  | { readonly kind: "any" }
  | { readonly kind: "one" }
  | { readonly kind: "char"; readonly lower: string; readonly upper: string };

/** A compiled pattern; matching simulates it as an automaton, so no pattern can make matching blow up. */
export interface GlobPattern {
  readonly tokens: readonly GlobToken[];
}

export function compileGlob(pattern: string): GlobPattern {
  const tokens: GlobToken[] = [];
  for (const c of pattern) {
    if (c === "*") tokens.push({ kind: "any" });
    else if (c === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "char", lower: c.toLowerCase(), upper: c.toUpperCase() });
  }
  return { tokens };
}

/** A pattern of plain characters (no wildcards), for matching a display name literally. */
export const literalGlob = (text: string): GlobPattern => ({
  tokens: Array.from(text, (c) => ({ kind: "char", lower: c.toLowerCase(), upper: c.toUpperCase() }) as const),
});

const charMatches = (token: GlobToken, c: string): boolean =>
  token.kind === "one" ||
  token.kind === "any" ||
  c.toLowerCase() === token.lower ||
  c.toUpperCase() === token.upper;

/** Adds the states reachable without input: a `*` may match nothing. */
function close(glob: GlobPattern, states: boolean[]): void {
  glob.tokens.forEach((token, i) => {
    if (states[i] && token.kind === "any") states[i + 1] = true;
  });
}

function step(glob: GlobPattern, states: readonly boolean[], c: string): boolean[] {
  const next = new Array<boolean>(glob.tokens.length + 1).fill(false);
  glob.tokens.forEach((token, i) => {
    if (!states[i] || !charMatches(token, c)) return;
    if (token.kind === "any") next[i] = true;
    else next[i + 1] = true;
  });
  close(glob, next);
  return next;
}

/** Whole-value match, case-insensitive; characters are code points, so `?` matches one emoji. */
export function globMatchesWhole(glob: GlobPattern, value: string): boolean {
  let states = new Array<boolean>(glob.tokens.length + 1).fill(false);
  states[0] = true;
  close(glob, states);
  for (const c of value) states = step(glob, states, c);
  return states[glob.tokens.length] === true;
}

/** The spec's word characters; everything else (and the value's ends) is a word boundary. */
const isWordChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

/**
 * Matches any substring that starts and ends at a word boundary (the rule for `content.body`):
 * a new attempt starts after every boundary and an attempt succeeds only before one.
 */
export function globMatchesWords(glob: GlobPattern, value: string): boolean {
  const chars = Array.from(value);
  const end = glob.tokens.length;
  let states = new Array<boolean>(end + 1).fill(false);
  for (let p = 0; p <= chars.length; p++) {
    if (p === 0 || !isWordChar(chars[p - 1])) {
      states[0] = true;
      close(glob, states);
    }
    if (states[end] && !isWordChar(chars[p])) return true;
    const c = chars[p];
    if (c !== undefined) states = step(glob, states, c);
  }
  return false;
}
