/**
 * Search over stored utterances: a query finds every utterance that contains each of its terms
 * as a substring, in any script (English, 中文, emoji, symbols such as "$50" or "#4"). Matching
 * ignores case, accents and full-width forms. Terms of three or more characters use the FTS5
 * trigram index; shorter ones ("预算", "ok", "🧊") are checked against the folded text
 * directly, since a trigram index cannot look up fewer than three characters.
 */

/** Terms this long (in code points) or longer are looked up in the trigram index. */
export const TRIGRAM_LENGTH = 3;

const foldedChars = new Map<string, string>();

function foldChar(char: string): string {
  let folded = foldedChars.get(char);
  if (folded === undefined) {
    // NFKD splits accents off and maps full-width and compatibility forms to plain ones.
    folded = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (foldedChars.size < 50_000) foldedChars.set(char, folded);
  }
  return folded;
}

/**
 * The text as it is matched: lower case, accents and other combining marks removed, full-width
 * and compatibility characters in their plain form. Each code point is folded on its own, so
 * positions in the folded text map back to the original (see `makeSnippet`).
 */
export function foldText(text: string): string {
  // Plain ASCII (one UTF-8 byte per character) needs nothing but lower case.
  if (Buffer.byteLength(text) === text.length) return text.toLowerCase();
  let out = '';
  for (const char of text) out += foldChar(char);
  return out;
}

/**
 * The folded terms of what a user typed: words separated by white space, or a "quoted phrase"
 * kept whole with its spaces. Empty terms are dropped.
 */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  const pattern = /"([^"]+)"|(\S+)/gu;
  for (const match of query.matchAll(pattern)) {
    const term = foldText((match[1] ?? match[2]).trim());
    if (term !== '') terms.push(term);
  }
  return [...new Set(terms)];
}

/** Length of a term in code points (what the trigram index counts). */
export function termLength(term: string): number {
  return [...term].length;
}

/**
 * An FTS5 MATCH expression requiring every term of `terms` that is long enough for the trigram
 * index, or null when none is. Each term is an FTS5 string, so no character has a meaning.
 */
export function trigramMatch(terms: string[]): string | null {
  const long = terms.filter((term) => termLength(term) >= TRIGRAM_LENGTH);
  if (long.length === 0) return null;
  return long.map((term) => `"${term.replaceAll('"', '""')}"`).join(' AND ');
}

/** The folded text with, for each UTF-16 unit of it, its index in the original text. */
function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  let index = 0;
  for (const char of text) {
    const piece = foldChar(char);
    folded += piece;
    for (let i = 0; i < piece.length; i++) offsets.push(index);
    index += char.length;
  }
  return { folded, offsets };
}

/**
 * A short excerpt of `text` around the first match of `query` (about `width` characters), with
 * "…" where it was cut. Falls back to the start of the text.
 */
export function makeSnippet(text: string, query: string, width = 80): string {
  if (text.length <= width) return text;
  const { folded, offsets } = foldWithOffsets(text);
  let at = -1;
  for (const term of searchTerms(query)) {
    const index = folded.indexOf(term);
    if (index >= 0) {
      const original = offsets[index];
      if (at < 0 || original < at) at = original;
    }
  }
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(width / 3));
  // Never cut a surrogate pair (an emoji) in half.
  if (start > 0 && /[\udc00-\udfff]/.test(text[start])) start--;
  let end = Math.min(text.length, start + width);
  if (end < text.length && /[\udc00-\udfff]/.test(text[end])) end++;
  const before = start > 0 ? '…' : '';
  const after = end < text.length ? '…' : '';
  return `${before}${text.slice(start, end).trim()}${after}`;
}
