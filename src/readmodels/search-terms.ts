// Turning a client's search_term into words and a safe FTS5 query (no FTS5 syntax reaches the index from clients).

const MAX_WORDS = 20;

/** The term's words, lowercased: letters and digits only, as the index's unicode61 tokenizer sees them. */
export function searchWords(term: string): string[] {
  const words = term.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/**
 * Every word must appear, each as a prefix (typing "mee" finds "meeting"). Each word is quoted,
 * so FTS5 operators (AND, NEAR, `*`, column filters) in the term are plain text.
 */
export const searchQueryOf = (words: readonly string[]): string => words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" ");
