/**
 * Full-text search over English and Chinese. The FTS5 index uses the unicode61 tokenizer,
 * which keeps a run of CJK characters as one token; so the indexed copy of each utterance has
 * every CJK character set apart by spaces, and CJK query terms are matched as phrases of single
 * characters. "预算" finds "我们的预算冻结了" and "budget" finds "over our budget".
 */

const CJK_CHAR = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])/gu;
const CJK_TEST = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/** The text as it is indexed: each CJK character becomes its own token. */
export function spaceCjk(text: string): string {
  return text.replace(CJK_CHAR, ' $1 ').replace(/\s+/g, ' ').trim();
}

/**
 * An FTS5 MATCH expression for what a user typed: every whitespace-separated term must occur;
 * a term is matched as a phrase of its tokens, and a final Latin token also matches as a prefix
 * ("budg" finds "budget"). Returns null when the query has nothing searchable.
 */
export function buildMatchQuery(query: string): string | null {
  const phrases: string[] = [];
  for (const term of query.split(/\s+/)) {
    const tokens = spaceCjk(term).match(TOKEN);
    if (!tokens) continue;
    const last = tokens[tokens.length - 1];
    const prefix = CJK_TEST.test(last) ? '' : '*';
    phrases.push(`"${tokens.join(' ')}"${prefix}`);
  }
  return phrases.length > 0 ? phrases.join(' AND ') : null;
}

/** The searchable pieces of a query, for locating a snippet in the original text. */
function needles(query: string): string[] {
  return query
    .split(/\s+/)
    .map((term) => term.replace(/[^\p{L}\p{N}\p{M}'’ -]/gu, '').toLowerCase())
    .filter((term) => term.length > 0);
}

/**
 * A short excerpt of `text` around the first query match (about `width` characters), with "…"
 * where it was cut. Falls back to the start of the text.
 */
export function makeSnippet(text: string, query: string, width = 80): string {
  if (text.length <= width) return text;
  const lower = text.toLowerCase();
  let at = -1;
  for (const needle of needles(query)) {
    const index = lower.indexOf(needle);
    if (index >= 0 && (at < 0 || index < at)) at = index;
  }
  const start = at < 0 ? 0 : Math.max(0, at - Math.floor(width / 3));
  const end = Math.min(text.length, start + width);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
