// A filter's event-type pattern as an SQLite GLOB pattern, so type filters can run in the database.

/**
 * In a filter, `*` matches any run of characters and everything else is literal and
 * case-sensitive. GLOB is case-sensitive too, with `*` the same; its other specials (`?` and `[`)
 * are made literal by wrapping them in a one-character class. `]` outside a class is literal.
 */
export const typePatternToGlob = (pattern: string): string => pattern.replace(/[?[]/g, (c) => `[${c}]`);
