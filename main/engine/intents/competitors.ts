/**
 * Finds competitor names in transcript text, tolerant of ASR errors: case, spacing, hyphens and
 * joined words ("helix devices", "Helix-Devices", "HelixPump"), small misspellings scaled to the
 * name's length ("heelix"), and Chinese homophones through pinyin (瀚途 heard as 汉图 or 韩途).
 * Aliases are precomputed in the constructor; `find` is called on every utterance.
 */
import { pinyin } from 'pinyin-pro';
import { isCjk, normalizeText } from '../text/lang';

/** A competitor from the playbook with the names people use for it (English and Chinese). */
export interface CompetitorEntry {
  id: string;
  name: string;
  aliases: string[];
}

/** One place a competitor is named. */
export interface CompetitorMatch {
  id: string;
  /** The entry's display name. */
  name: string;
  /** The text as it appears in the utterance. */
  matched: string;
  /** 1 for an exact alias, lower for fuzzy and homophone matches (never below 0.6). */
  score: number;
  /** Index of the match in the original text (UTF-16 code units). */
  index: number;
}

/** Common words that must never be taken for a name by fuzzy matching (exact alias only). */
const COMMON_WORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have he hello help her here ' +
    'him his how i if in is it its just let like me more my no not now of on or our out over she so ' +
    'some than that the their them then there these they this those to too up us very was we well ' +
    'were what when where which who why will with would yes you your yeah okay sure right price ' +
    'pump pumps device devices system systems health medical labs service support team time ' +
    'hell helps helped held hold holds heavy heavily felix helen halo hello helpful'
  ).split(' '),
);

/** Generic words an alias may carry that alone must not match ("devices" in "Helix Devices"). */
const GENERIC_ALIAS_WORDS = new Set(
  'devices device medical systems system labs health tech technologies group inc ltd co company corp'.split(
    ' ',
  ),
);

const ZH_GENERIC_SUFFIXES = ['医疗', '科技', '集团', '公司', '有限公司', '设备', '器械'];

interface LatinAlias {
  entry: CompetitorEntry;
  /** Alias letters and digits only, lower case ("helixdevices"). */
  compact: string;
  phonetic: string;
  tokenCount: number;
}

interface ChineseAlias {
  entry: CompetitorEntry;
  chars: string[];
  syllables: string[];
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Edit distance with adjacent transpositions (optimal string alignment), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}

/** Edits allowed for a name of `length` letters: none up to 4, one up to 7, then two. */
export function allowedEdits(length: number): number {
  return length <= 4 ? 0 : length <= 7 ? 1 : 2;
}

/** A rough English sound key: c/k/q, x/ks, ph/f, z/s, y/i and doubled letters folded. */
function phoneticFold(word: string): string {
  return word
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/c(?!h)/g, 'k')
    .replace(/q/g, 'k')
    .replace(/z/g, 's')
    .replace(/y/g, 'i')
    .replace(/(.)\1+/g, '$1');
}

/** The consonant skeleton of a word (vowels and doubled letters removed). */
function consonants(word: string): string {
  return word.replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
}

/** Splits camel case ("HelixPump" -> "Helix Pump") before lower-casing. */
function splitCamel(text: string): string {
  return text.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** Latin tokens (letters/digits) with their positions in the original text. */
function latinTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9]+/g)) {
    const index = m.index ?? 0;
    const parts = splitCamel(m[0]).split(' ');
    let offset = index;
    for (const part of parts) {
      tokens.push({ text: part.toLowerCase(), start: offset, end: offset + part.length });
      offset += part.length;
    }
  }
  return tokens;
}

/** Toneless pinyin of one character, with common ASR/dialect confusions folded. */
function foldSyllable(syllable: string): string {
  return syllable
    .replace(/^zh/, 'z')
    .replace(/^ch/, 'c')
    .replace(/^sh/, 's')
    .replace(/ng$/, 'n')
    .replace(/^l/, 'n');
}

export class CompetitorMatcher {
  private readonly latin: LatinAlias[] = [];
  private readonly chinese: ChineseAlias[] = [];
  private readonly longestLatinTokens: number;

  constructor(entries: CompetitorEntry[]) {
    for (const entry of entries) {
      const names = new Set([entry.name, ...entry.aliases].map((n) => n.trim()).filter(Boolean));
      // "Helix Devices" also answers to "Helix"; "瀚途医疗" also to "瀚途".
      for (const name of [...names]) {
        const words = splitCamel(name).split(/[\s\-_.]+/);
        const core = words.filter((w) => !GENERIC_ALIAS_WORDS.has(w.toLowerCase()));
        if (core.length && core.length < words.length) names.add(core.join(' '));
        for (const suffix of ZH_GENERIC_SUFFIXES) {
          if (name.endsWith(suffix) && name.length - suffix.length >= 2)
            names.add(name.slice(0, -suffix.length));
        }
      }
      for (const name of names) {
        if ([...name].some(isCjk)) {
          const chars = [...normalizeText(name).replace(/\s/g, '')].filter(isCjk);
          if (chars.length < 2) continue;
          const syllables = pinyin(chars.join(''), { toneType: 'none', type: 'array' });
          this.chinese.push({ entry, chars, syllables: syllables.map(foldSyllable) });
        } else {
          const tokens = latinTokens(name);
          const compact = tokens.map((t) => t.text).join('');
          if (compact.length < 2) continue;
          this.latin.push({
            entry,
            compact,
            phonetic: phoneticFold(compact),
            tokenCount: tokens.length,
          });
        }
      }
    }
    this.longestLatinTokens = Math.max(1, ...this.latin.map((a) => a.tokenCount));
  }

  /** Competitors named in `text`, in order of appearance, overlapping matches resolved. */
  find(text: string): CompetitorMatch[] {
    const candidates = [...this.findLatin(text), ...this.findChinese(text)];
    candidates.sort((a, b) => b.score - a.score || b.matched.length - a.matched.length);
    const taken: Array<[number, number]> = [];
    const out: CompetitorMatch[] = [];
    for (const match of candidates) {
      const end = match.index + match.matched.length;
      if (taken.some(([s, e]) => match.index < e && end > s)) continue;
      taken.push([match.index, end]);
      out.push(match);
    }
    return out.sort((a, b) => a.index - b.index);
  }

  private findLatin(text: string): CompetitorMatch[] {
    if (this.latin.length === 0) return [];
    const tokens = latinTokens(text);
    const out: CompetitorMatch[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let joined = '';
      for (let n = 1; n <= this.longestLatinTokens + 1 && i + n <= tokens.length; n++) {
        joined += tokens[i + n - 1].text;
        const start = tokens[i].start;
        const end = tokens[i + n - 1].end;
        const single = n === 1 ? tokens[i].text : null;
        for (const alias of this.latin) {
          const score = this.latinScore(alias, joined, single);
          if (score > 0) {
            out.push({
              id: alias.entry.id,
              name: alias.entry.name,
              matched: text.slice(start, end),
              score,
              index: start,
            });
          }
        }
      }
    }
    return out;
  }

  private latinScore(alias: LatinAlias, candidate: string, singleToken: string | null): number {
    if (candidate === alias.compact) return 1;
    // A single token that starts with the alias ("helixpump", "helix's").
    if (singleToken && alias.compact.length >= 4 && singleToken.startsWith(alias.compact)) {
      const rest = singleToken.slice(alias.compact.length);
      if (rest.length <= 6) return 0.9;
    }
    if (singleToken && COMMON_WORDS.has(singleToken)) return 0;
    const edits = allowedEdits(alias.compact.length);
    if (edits === 0 || candidate[0] !== alias.compact[0]) return 0;
    // Same sound spelled differently ("helics", "caresink").
    if (phoneticFold(candidate) === alias.phonetic) return 0.9;
    const distance = editDistance(candidate, alias.compact, edits);
    if (distance > edits) return 0;
    // Short names only forgive vowel slips ("heelix"), not a changed consonant ("orbit").
    if (alias.compact.length <= 7 && consonants(candidate) !== consonants(alias.compact)) return 0;
    return Math.max(0.6, 1 - distance / alias.compact.length);
  }

  private findChinese(text: string): CompetitorMatch[] {
    if (this.chinese.length === 0) return [];
    const chars = [...text];
    const cjkPositions: number[] = [];
    chars.forEach((c, i) => {
      if (isCjk(c)) cjkPositions.push(i);
    });
    if (cjkPositions.length < 2) return [];
    const cjkChars = cjkPositions.map((i) => chars[i]);
    const syllables = pinyin(cjkChars.join(''), { toneType: 'none', type: 'array' }).map(
      foldSyllable,
    );
    const offsets: number[] = [];
    let offset = 0;
    for (const c of chars) {
      offsets.push(offset);
      offset += c.length;
    }
    const out: CompetitorMatch[] = [];
    for (const alias of this.chinese) {
      const n = alias.chars.length;
      for (let i = 0; i + n <= cjkChars.length; i++) {
        // Only contiguous runs of ideographs count.
        if (cjkPositions[i + n - 1] - cjkPositions[i] !== n - 1) continue;
        let sameChars = 0;
        let sameSounds = 0;
        for (let k = 0; k < n; k++) {
          if (cjkChars[i + k] === alias.chars[k]) sameChars++;
          else if (syllables[i + k] === alias.syllables[k]) sameSounds++;
        }
        if (sameChars + sameSounds < n) continue;
        // A homophone-only match of a two-character name needs one character spelled right or
        // both sounds identical; the score says how sure it is.
        const score =
          sameChars === n ? 1 : 0.95 - 0.1 * (sameSounds / n) - (sameChars === 0 ? 0.1 : 0);
        const start = offsets[cjkPositions[i]];
        const endChar = cjkPositions[i + n - 1];
        const end = offsets[endChar] + chars[endChar].length;
        out.push({
          id: alias.entry.id,
          name: alias.entry.name,
          matched: text.slice(start, end),
          score,
          index: start,
        });
      }
    }
    return out;
  }
}
