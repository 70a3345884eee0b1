/**
 * Language detection and text normalisation shared by intent features, competitor matching and
 * anything else that reads transcript text. Pure functions, no I/O.
 */
import type { CallLang } from '../../contract/events';

const CJK_RE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const CJK_GLOBAL_RE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const LATIN_LETTER_GLOBAL_RE = /[a-z]/giu;

/** True when `char` (one code point) is a CJK ideograph. */
export function isCjk(char: string): boolean {
  return CJK_RE.test(char);
}

/**
 * 'zh' when CJK ideographs make up at least `minCjkRatio` of the letters (ideographs plus Latin
 * letters, where an English word counts as one letter-unit per 4 letters), otherwise 'en'.
 * Empty or letter-free text is 'en'.
 */
export function detectLang(text: string, minCjkRatio = 0.3): CallLang {
  const cjk = text.match(CJK_GLOBAL_RE)?.length ?? 0;
  if (cjk === 0) return 'en';
  const latin = text.match(LATIN_LETTER_GLOBAL_RE)?.length ?? 0;
  const ratio = cjk / (cjk + latin / 4);
  return ratio >= minCjkRatio ? 'zh' : 'en';
}

/** Full-width ASCII and ideographic space to half-width, compatibility forms folded (NFKC). */
export function toHalfWidth(text: string): string {
  return text.normalize('NFKC').replace(/\u3000/g, ' ');
}

/** Curly quotes and apostrophes to straight ones, so "don’t" and "don't" are one word. */
export function straightenQuotes(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"');
}

/**
 * Replaces punctuation and symbols with spaces, keeping letters, digits, CJK, apostrophes
 * inside words, `$`, `%` and `¥` (they carry meaning for price talk). Collapses whitespace.
 */
export function stripPunctuation(text: string): string {
  return text
    .replace(/(?<![\p{L}\p{N}])'|'(?![\p{L}\p{N}])/gu, ' ')
    .replace(/[^\p{L}\p{N}\s'$%¥]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The canonical form used for features: half-width, straight quotes, lower case, bracketed
 * placeholders such as "[链接x]" removed, punctuation stripped, whitespace collapsed.
 */
export function normalizeText(text: string): string {
  const folded = straightenQuotes(toHalfWidth(text)).toLowerCase();
  const withoutPlaceholders = folded.replace(/\[[^\]]{0,12}\]/g, ' ');
  return stripPunctuation(withoutPlaceholders);
}

/**
 * Splits normalised text into units: each CJK ideograph is its own unit, runs of other letters,
 * digits and apostrophes form words. Input is expected to be `normalizeText` output.
 */
export function splitUnits(normalized: string): string[] {
  const units: string[] = [];
  for (const piece of normalized.split(' ')) {
    if (!piece) continue;
    let word = '';
    for (const char of piece) {
      if (isCjk(char)) {
        if (word) units.push(word);
        word = '';
        units.push(char);
      } else {
        word += char;
      }
    }
    if (word) units.push(word);
  }
  return units;
}
