/**
 * Finds competitor names in transcript text, tolerant of ASR errors: case, spacing, hyphens and
 * joined words ("helix devices", "Helix-Devices", "HelixPump"), small misspellings scaled to the
 * name's length ("heelix"), spellings that sound the same ("kare sync", "kang thai"), and Chinese
 * homophones through pinyin (瀚途 heard as 汉图 or 韩途). A Chinese match must start and end on a
 * word boundary of the sentence, so 路明 is not found in 这条路明天.
 * Aliases are precomputed in the constructor; `find` is called on every utterance.
 */
import { pinyin } from 'pinyin-pro';
import { isCjk, normalizeText } from '../text/lang';
import { editDistance } from '../text/edit-distance';

/** A competitor from the playbook with the names people use for it (English and Chinese). */
export interface CompetitorEntry {
  id: string;
  name: string;
  aliases: string[];
  /**
   * Phrases in which a name is used in its ordinary sense ("double helix", "身体康泰"); a match
   * that lies inside one of them does not count. Case, spacing and punctuation are ignored.
   */
  notWhen?: string[];
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

/**
 * What may follow an English name inside one token: a plural or a dropped-apostrophe possessive
 * ("helixes", "caresyncs") or a product word ("helixpump"). Anything else makes another word
 * ("orbison").
 */
const LATIN_NAME_ENDINGS = new Set([
  's',
  'es',
  ...'pump pumps infusion infusions medical device devices health system systems tech labs'.split(
    ' ',
  ),
]);

const ZH_GENERIC_SUFFIXES = ['医疗', '科技', '集团', '公司', '有限公司', '设备', '器械'];

/**
 * Conjunctions the word segmenter may glue to a neighbouring name ("康泰和瀚途" is split
 * 康|泰和|瀚|途); a cut between the name and one of them is still a word boundary.
 */
const ZH_CONJUNCTIONS = new Set(['和', '跟', '与', '及', '或']);

const zhWords = new Intl.Segmenter('zh', { granularity: 'word' });

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
  /** Toneless pinyin per character, as spoken. */
  syllables: string[];
  /** The same with common ASR and dialect confusions folded (see `foldSyllable`). */
  folded: string[];
}

/** The ideographs of a text, in runs that only whitespace interrupts. */
interface CjkText {
  chars: string[];
  syllables: string[];
  folded: string[];
  /** Run number of each ideograph; a name must lie inside one run. */
  runs: number[];
  /** UTF-16 index of each ideograph in the text. */
  starts: number[];
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Where `matches` lie in the text, as `IntentInput.competitorSpans` takes them. */
export function spansOf(
  matches: ReadonlyArray<Pick<CompetitorMatch, 'index' | 'matched'>>,
): Array<{ index: number; length: number }> {
  return matches.map((m) => ({ index: m.index, length: m.matched.length }));
}

/** Edits allowed for a name of `length` letters: none up to 4, one up to 7, then two. */
export function allowedEdits(length: number): number {
  return length <= 4 ? 0 : length <= 7 ? 1 : 2;
}

/** A rough English sound key: c/k/q, x/ks, ph/f, th/t, z/s, y/i and doubled letters folded. */
function phoneticFold(word: string): string {
  return word
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
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

const PINYIN_INITIAL = /^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])/;

/** True when two different syllables share their initial or their final ("gang"/"kang"). */
function nearSyllable(a: string, b: string): boolean {
  const initialA = PINYIN_INITIAL.exec(a)?.[0] ?? '';
  const initialB = PINYIN_INITIAL.exec(b)?.[0] ?? '';
  return initialA === initialB || a.slice(initialA.length) === b.slice(initialB.length);
}

/** The ideographs of `text` with their pinyin, runs and positions. */
function cjkText(text: string): CjkText {
  const out: CjkText = { chars: [], syllables: [], folded: [], runs: [], starts: [] };
  let run = 0;
  let gapIsSpace = false;
  let index = 0;
  for (const char of text) {
    if (isCjk(char)) {
      if (out.chars.length > 0 && !gapIsSpace) run++;
      out.chars.push(char);
      out.runs.push(run);
      out.starts.push(index);
      gapIsSpace = true;
    } else if (!/\s/.test(char)) {
      gapIsSpace = false;
    }
    index += char.length;
  }
  if (out.chars.length > 0) {
    out.syllables = pinyin(out.chars.join(''), { toneType: 'none', type: 'array' });
    out.folded = out.syllables.map(foldSyllable);
  }
  return out;
}

/**
 * A pattern that finds `phrase` in transcript text whatever the case, spacing and punctuation
 * between its words and characters; null for a phrase with no letters or digits.
 */
function phrasePattern(phrase: string): RegExp | null {
  const chars = [...normalizeText(phrase)];
  if (!chars.some((c) => /[\p{L}\p{N}]/u.test(c))) return null;
  let source = /[\p{L}\p{N}]/u.test(chars[0]) && !isCjk(chars[0]) ? '(?<![\\p{L}\\p{N}])' : '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === ' ') {
      source += '[^\\p{L}\\p{N}]+';
      continue;
    }
    if (i > 0 && chars[i - 1] !== ' ' && (isCjk(char) || isCjk(chars[i - 1]))) source += '\\s*';
    source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(source, 'giu');
}

export class CompetitorMatcher {
  private readonly latin: LatinAlias[] = [];
  private readonly chinese: ChineseAlias[] = [];
  private readonly longestLatinTokens: number;
  /** Patterns of each competitor's `notWhen` phrases, by competitor id. */
  private readonly exceptions = new Map<string, RegExp[]>();

  constructor(entries: CompetitorEntry[]) {
    for (const entry of entries) {
      const patterns = (entry.notWhen ?? []).flatMap((phrase) => phrasePattern(phrase) ?? []);
      if (patterns.length > 0)
        this.exceptions.set(entry.id, [...(this.exceptions.get(entry.id) ?? []), ...patterns]);
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
          this.chinese.push({ entry, chars, syllables, folded: syllables.map(foldSyllable) });
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
    const candidates = this.withoutExceptions(text, [
      ...this.findLatin(text),
      ...this.findChinese(text),
    ]);
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

  /** `candidates` less those inside one of their competitor's `notWhen` phrases. */
  private withoutExceptions(text: string, candidates: CompetitorMatch[]): CompetitorMatch[] {
    if (this.exceptions.size === 0) return candidates;
    const spans = new Map<string, Array<[number, number]>>();
    const spansOf = (id: string) => {
      let found = spans.get(id);
      if (!found) {
        found = [];
        for (const pattern of this.exceptions.get(id) ?? [])
          for (const m of text.matchAll(pattern)) found.push([m.index, m.index + m[0].length]);
        spans.set(id, found);
      }
      return found;
    };
    return candidates.filter((match) => {
      if (!this.exceptions.has(match.id)) return true;
      const end = match.index + match.matched.length;
      return !spansOf(match.id).some(([s, e]) => match.index >= s && end <= e);
    });
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
        const heard = {
          joined,
          phonetic: phoneticFold(joined),
          single: n === 1 ? tokens[i].text : null,
        };
        for (const alias of this.latin) {
          const score = this.latinScore(alias, heard);
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

  /**
   * How well `heard` (one or more tokens joined, its sound key, and the token itself when it is
   * one) matches `alias`: 0 for no match.
   */
  private latinScore(
    alias: LatinAlias,
    heard: { joined: string; phonetic: string; single: string | null },
  ): number {
    const { joined, phonetic, single } = heard;
    if (joined === alias.compact) return 1;
    // A single token that starts with the alias ("helixpump", "helixes").
    if (single && alias.compact.length >= 4 && single.startsWith(alias.compact)) {
      return LATIN_NAME_ENDINGS.has(single.slice(alias.compact.length)) ? 0.9 : 0;
    }
    if (single && COMMON_WORDS.has(single)) return 0;
    const edits = allowedEdits(alias.compact.length);
    if (edits === 0 || phonetic[0] !== alias.phonetic[0]) return 0;
    // Same sound spelled differently ("helics", "caresink", "kare sync").
    if (phonetic === alias.phonetic) return 0.9;
    const distance = editDistance(joined, alias.compact, edits);
    if (distance > edits) return 0;
    // Short names only forgive vowel slips ("heelix"), not a changed consonant ("orbit").
    if (alias.compact.length <= 7 && consonants(joined) !== consonants(alias.compact)) return 0;
    return Math.max(0.6, 1 - distance / alias.compact.length);
  }

  private findChinese(text: string): CompetitorMatch[] {
    if (this.chinese.length === 0) return [];
    const cjk = cjkText(text);
    if (cjk.chars.length < 2) return [];
    const words = new WordBoundaries(cjk);
    const out: CompetitorMatch[] = [];
    for (const alias of this.chinese) {
      const n = alias.chars.length;
      for (let i = 0; i + n <= cjk.chars.length; i++) {
        if (cjk.runs[i] !== cjk.runs[i + n - 1]) continue;
        const score = chineseScore(alias, cjk, i);
        if (score === 0 || !words.isWord(i, i + n)) continue;
        const start = cjk.starts[i];
        const end = cjk.starts[i + n - 1] + cjk.chars[i + n - 1].length;
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

/**
 * How well the ideographs of `cjk` from `at` match `alias`, 0 for no match. Each character must
 * be the same or sound the same (folded pinyin); a name of four or more characters may have one
 * that only shares its initial or final (刚泰科技 for 康泰科技). With no character the same,
 * every syllable must be exactly the name's (看台 kan tai is not 康泰 kang tai).
 */
function chineseScore(alias: ChineseAlias, cjk: CjkText, at: number): number {
  const n = alias.chars.length;
  let sameChars = 0;
  let sameSounds = 0;
  let exactSounds = 0;
  let nearSounds = 0;
  for (let k = 0; k < n; k++) {
    if (cjk.chars[at + k] === alias.chars[k]) {
      sameChars++;
      continue;
    }
    if (cjk.folded[at + k] === alias.folded[k]) sameSounds++;
    else if (n >= 4 && nearSyllable(cjk.folded[at + k], alias.folded[k])) nearSounds++;
    else return 0;
    if (cjk.syllables[at + k] === alias.syllables[k]) exactSounds++;
  }
  if (nearSounds > 1) return 0;
  if (sameChars === 0 && exactSounds < n) return 0;
  if (sameChars === n) return 1;
  return (
    0.95 - 0.1 * ((sameSounds + nearSounds) / n) - (sameChars === 0 ? 0.1 : 0) - 0.1 * nearSounds
  );
}

/**
 * Word boundaries of the ideograph runs of a text, from the built-in Chinese word segmenter,
 * computed for a run only when a match there asks.
 */
class WordBoundaries {
  /** Per run, the word each ideograph belongs to, as [first, end) ideograph indices. */
  private readonly words = new Map<number, Array<[number, number]>>();

  constructor(private readonly cjk: CjkText) {}

  /** True when ideographs [start, end) begin and end on a word boundary. */
  isWord(start: number, end: number): boolean {
    return this.cutIsBoundary(start, true) && this.cutIsBoundary(end, false);
  }

  /** Whether the cut before ideograph `at` falls between words; `nameAfter` says which side. */
  private cutIsBoundary(at: number, nameAfter: boolean): boolean {
    const { runs, chars } = this.cjk;
    if (at === 0 || at === chars.length || runs[at - 1] !== runs[at]) return true;
    const [first, end] = this.wordsOf(runs[at])[at];
    if (first === at) return true;
    // A two-character word of a conjunction and the name's edge character ("泰和").
    if (end - first !== 2) return false;
    return ZH_CONJUNCTIONS.has(nameAfter ? chars[first] : chars[first + 1]);
  }

  private wordsOf(run: number): Array<[number, number]> {
    const cached = this.words.get(run);
    if (cached) return cached;
    const { runs, chars } = this.cjk;
    const first = runs.indexOf(run);
    let end = first;
    while (end < chars.length && runs[end] === run) end++;
    const byIndex: Array<[number, number]> = [];
    let at = first;
    for (const { segment } of zhWords.segment(chars.slice(first, end).join(''))) {
      const length = [...segment].length;
      for (let k = 0; k < length; k++) byIndex[at + k] = [at, at + length];
      at += length;
    }
    this.words.set(run, byIndex);
    return byIndex;
  }
}
