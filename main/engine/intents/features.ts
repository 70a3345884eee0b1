/**
 * Hashed sparse features for the intent model. The training script and the runtime classifier
 * both call `extractFeatures`, so the ids a model was trained on are exactly the ids it sees.
 * Changing anything here changes the ids: bump `FEATURE_VERSION` and retrain.
 */
import type { CallLang } from '../../contract/events';
import { detectLang, isCjk, normalizeText, splitUnits } from '../text/lang';
import { classSkeleton, NEGATION_CLASS } from './wordclasses';

export type IntentSpeaker = 'rep' | 'customer' | 'unknown';

/** Bumped whenever feature strings or hashing change; stored in the model's meta.json. */
export const FEATURE_VERSION = 10;

/** How text becomes feature ids. Saved in meta.json and checked when a model loads. */
export interface FeatureConfig {
  version: number;
  /** Feature ids are in [0, 2^hashBits). */
  hashBits: number;
  /** Character n-gram lengths inside English words (inclusive). */
  enCharNgrams: [number, number];
  /** Character n-gram lengths over runs of Chinese characters (inclusive). */
  zhCharNgrams: [number, number];
  /** Units after a negation word that are marked as negated. */
  negationScope: number;
  /** Previous-turn features are added when the utterance has at most this many units. */
  shortReplyMaxUnits: { en: number; zh: number };
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  version: FEATURE_VERSION,
  hashBits: 19,
  enCharNgrams: [3, 5],
  zhCharNgrams: [1, 3],
  negationScope: 3,
  shortReplyMaxUnits: { en: 5, zh: 6 },
};

/** One utterance as the feature extractor sees it. */
export interface FeatureTurn {
  text: string;
  speaker: IntentSpeaker;
  lang?: CallLang;
  previous?: { text: string; speaker: IntentSpeaker } | null;
}

/** Sorted unique feature ids with their values (block-wise L2-normalised counts). */
export interface SparseFeatures {
  ids: number[];
  values: number[];
}

const EN_NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'neither',
  'nor',
  'without',
  'cannot',
  'hardly',
]);
const EN_SCOPE_BREAKERS = new Set(['but', 'though', 'although', 'however', 'so', 'and', 'because']);
const ZH_NEGATORS = new Set(['不', '没', '别', '无', '未', '非', '甭']);
/** Words that start with a negator character but do not negate what follows. */
const ZH_FALSE_NEGATIONS = [
  '不错',
  '不好意思',
  '不过',
  '不管',
  '不少',
  '不久',
  '差不多',
  '无论',
  '非常',
  '没关系',
  '没事',
  '不客气',
];

function isEnNegator(word: string): boolean {
  return (
    EN_NEGATORS.has(word) ||
    word.endsWith("n't") ||
    /^(dont|doesnt|isnt|cant|wont|didnt|arent|wasnt)$/.test(word)
  );
}

/** 32-bit FNV-1a over UTF-16 code units, masked to `bits`. */
export function hashFeature(feature: string, bits: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & ((1 << bits) - 1);
}

function foldDigits(unit: string): string {
  return unit.replace(/\d+/g, '0');
}

function sideTag(speaker: IntentSpeaker): string {
  return speaker === 'customer' ? 'C' : speaker === 'rep' ? 'R' : 'U';
}

/** Marks units inside a negation scope with a leading "~" (English words, Chinese chars). */
function markNegation(units: string[], scope: number): string[] {
  const marked: string[] = [];
  let remaining = 0;
  const joined = units.join('');
  let offset = 0;
  for (const unit of units) {
    const isWord = !isCjk(unit);
    if (isWord && EN_SCOPE_BREAKERS.has(unit)) remaining = 0;
    marked.push(remaining > 0 ? `~${unit}` : unit);
    if (remaining > 0) remaining--;
    if (isWord && isEnNegator(unit)) remaining = scope;
    if (!isWord && ZH_NEGATORS.has(unit)) {
      const rest = joined.slice(Math.max(offset - 1, 0), offset + 4);
      const here = joined.slice(offset, offset + 4);
      const falseHit = ZH_FALSE_NEGATIONS.some((w) => here.startsWith(w) || rest.startsWith(w));
      if (!falseHit) remaining = scope;
    }
    offset += unit.length;
  }
  return marked;
}

const AFFIRMATIONS = new Set([
  'yes',
  'yeah',
  'yep',
  'exactly',
  'right',
  'sure',
  'ok',
  'okay',
  'correct',
  'absolutely',
  'definitely',
  'totally',
  'mm',
  'uh',
  'huh',
  'indeed',
  'please',
  'true',
  '对',
  '是',
  '嗯',
  '好',
  '行',
  '可',
  '要',
  '有',
]);

/** 'N' when a short reply negates, 'Y' when it affirms, 'O' otherwise. */
function replyPolarity(units: string[]): 'Y' | 'N' | 'O' {
  if (units.some((u) => isEnNegator(u) || u === 'nope' || u === 'nah' || ZH_NEGATORS.has(u)))
    return 'N';
  return units.some((u) => AFFIRMATIONS.has(u)) ? 'Y' : 'O';
}

/** Feature strings of one text (without side or previous-turn context). */
function textFeatures(units: string[], config: FeatureConfig, out: string[], side: string): void {
  const marked = markNegation(units, config.negationScope);

  // Word and character unigrams and bigrams, plain and crossed with the speaker's side.
  const seq = ['<s>', ...marked, '</s>'];
  for (let i = 1; i < seq.length - 1; i++) {
    out.push(`u:${seq[i]}`, `${side}u:${seq[i]}`);
  }
  for (let i = 0; i < seq.length - 1; i++) {
    const bigram = `b:${seq[i]} ${seq[i + 1]}`;
    out.push(bigram, `${side}${bigram}`);
  }

  // Chinese character n-grams over runs of ideographs; the n-gram is marked when it starts
  // inside a negation scope.
  const [zhMin, zhMax] = config.zhCharNgrams;
  let run: string[] = [];
  const flushRun = () => {
    for (let n = Math.max(2, zhMin); n <= zhMax; n++) {
      for (let i = 0; i + n <= run.length; i++) {
        const first = run[i];
        const neg = first.startsWith('~') ? '~' : '';
        const gram = run
          .slice(i, i + n)
          .map((u) => (u.startsWith('~') ? u.slice(1) : u))
          .join('');
        out.push(`z${n}:${neg}${gram}`);
        if (n === 2) out.push(`${side}z2:${neg}${gram}`);
      }
    }
    run = [];
  };
  for (const unit of marked) {
    const bare = unit.startsWith('~') ? unit.slice(1) : unit;
    if (isCjk(bare)) {
      run.push(unit);
      continue;
    }
    flushRun();
    // Character n-grams inside English words, fastText style, with word boundaries.
    const word = `<${bare}>`;
    const [enMin, enMax] = config.enCharNgrams;
    for (let n = enMin; n <= enMax; n++) {
      for (let i = 0; i + n <= word.length; i++) out.push(`c:${word.slice(i, i + n)}`);
    }
  }
  flushRun();

  // Word-class skeleton (PRICE NEG ISSUE...): unigrams to trigrams, the first two also crossed
  // with the side, so phrasings never seen in training still share features with known ones.
  const skeleton = ['<s>', ...classSkeleton(units, isEnNegator), '</s>'];
  for (let i = 1; i < skeleton.length - 1; i++)
    out.push(`k:${skeleton[i]}`, `${side}k:${skeleton[i]}`);
  for (let i = 0; i + 1 < skeleton.length; i++) {
    const bigram = `kb:${skeleton[i]} ${skeleton[i + 1]}`;
    out.push(bigram, `${side}${bigram}`);
  }
  for (let i = 0; i + 2 < skeleton.length; i++) {
    out.push(`kt:${skeleton[i]} ${skeleton[i + 1]} ${skeleton[i + 2]}`);
  }

  // A topic waved away ("price isn't really the issue", "cost is not a concern", "预算没问题"):
  // a concern word right after a negation, or a word saying it is fine, marks the topics just
  // before it as dismissed, however the sentence around them is built.
  for (let i = 1; i < skeleton.length - 1; i++) {
    const saysFine = skeleton[i] === 'OK' && skeleton[i - 1] !== NEGATION_CLASS;
    if (!(saysFine || (skeleton[i] === NEGATION_CLASS && concernFollows(skeleton, i)))) continue;
    out.push(`${side}dismiss`);
    for (let j = Math.max(1, i - 3); j < i; j++) {
      if (DISMISSABLE.has(skeleton[j]))
        out.push(`dismiss:${skeleton[j]}`, `${side}dismiss:${skeleton[j]}`);
    }
  }
}

/** Classes that may stand between a negation and the concern it denies ("not what's holding"). */
const FILLER_CLASSES = new Set(['QUESTION', 'ME', 'YES', 'TOO']);

/** True when a concern word (ISSUE) follows the negation at `at`, across filler classes. */
function concernFollows(skeleton: string[], at: number): boolean {
  for (let k = at + 1; k < Math.min(skeleton.length, at + 4); k++) {
    if (skeleton[k] === 'ISSUE') return true;
    if (!FILLER_CLASSES.has(skeleton[k])) return false;
  }
  return false;
}

/**
 * Labels a turn cannot carry when it waves their topic away and raises it nowhere else: the
 * topics that can be waved away, and the classes that raise the label in another clause.
 */
const DISMISSED_LABELS: Record<string, { topics: string[]; raisers: string[] }> = {
  price_objection: {
    topics: ['PRICE', 'EXPENSIVE', 'PAY', 'AFFORD'],
    raisers: ['PRICE', 'EXPENSIVE', 'CHEAP', 'AFFORD', 'PAY'],
  },
  budget_freeze: { topics: ['BUDGET'], raisers: ['BUDGET', 'FREEZE'] },
};

/** Clauses of a text: split at punctuation and at words that turn the sentence ("but", "但是"). */
function clauses(text: string): string[] {
  return text
    .split(
      /[,.;:!?，。；：！？…]+|\s+(?:but|though|although|however|except|whereas)\s+|但是|不过|可是|就是说|只是/i,
    )
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * Labels that the turn rules out by waving their topic away ("price isn't really the issue",
 * "the cost is not a concern", "预算没问题") in a clause while no other clause raises that topic
 * ("the price is fine but the install fee is steep" rules nothing out).
 */
export function dismissedLabels(text: string): string[] {
  const parts = clauses(text).map((clause) => {
    const skeleton = classSkeleton(textUnits(clause), isEnNegator);
    return { skeleton, dismissed: dismissedClasses(skeleton) };
  });
  const out: string[] = [];
  for (const [label, { topics, raisers }] of Object.entries(DISMISSED_LABELS)) {
    const waves = (p: (typeof parts)[number]) => topics.some((t) => p.dismissed.has(t));
    if (!parts.some(waves)) continue;
    const raisedElsewhere = parts.some(
      (p) => !waves(p) && p.skeleton.some((c) => raisers.includes(c)),
    );
    if (!raisedElsewhere) out.push(label);
  }
  return out;
}

/** The classes a skeleton waves away. */
function dismissedClasses(skeleton: string[]): Set<string> {
  const out = new Set<string>();
  skeleton.forEach((cls, i) => {
    const saysFine = cls === 'OK' && skeleton[i - 1] !== NEGATION_CLASS;
    const deniesConcern = cls === NEGATION_CLASS && concernFollows(skeleton, i);
    if (saysFine || deniesConcern) {
      for (let j = Math.max(0, i - 3); j < i; j++) {
        if (DISMISSABLE.has(skeleton[j])) out.add(skeleton[j]);
      }
    }
    // "it's not the price that's the problem", "不是价格的问题"
    if (cls === NEGATION_CLASS && DISMISSABLE.has(skeleton[i + 1] ?? '')) {
      if (skeleton.slice(i + 2, i + 5).includes('ISSUE')) out.add(skeleton[i + 1]);
    }
  });
  return out;
}

/** Topics a speaker can wave away as no problem. */
const DISMISSABLE = new Set([
  'PRICE',
  'EXPENSIVE',
  'BUDGET',
  'PAY',
  'AFFORD',
  'BOSS',
  'DECIDE',
  'VENDOR',
  'LATER',
  'FISCAL',
]);

/** Units of a text after normalisation and digit folding. */
export function textUnits(text: string): string[] {
  return splitUnits(normalizeText(text)).map(foldDigits);
}

/** Features of the utterance itself and of the previous turn (empty unless a short reply). */
function featureBlocks(
  turn: FeatureTurn,
  config: FeatureConfig,
): { own: string[]; context: string[] } {
  const lang = turn.lang ?? detectLang(turn.text);
  const side = sideTag(turn.speaker);
  const units = textUnits(turn.text);
  const own: string[] = [`side:${side}`, `len:${lang}:${Math.min(units.length, 12) >> 1}`];
  textFeatures(units, config, own, `${side}|`);

  const context: string[] = [];
  const previous = turn.previous;
  const shortLimit = config.shortReplyMaxUnits[lang];
  if (previous?.text.trim() && units.length <= shortLimit) {
    const prevSide = sideTag(previous.speaker);
    const prevOut: string[] = [];
    textFeatures(textUnits(previous.text), config, prevOut, `${prevSide}|`);
    // The reply's polarity is crossed with the previous turn's words, so "yes" after "is price
    // the issue?" differs from "no" after the same question.
    const polarity = replyPolarity(units);
    context.push(`prev:${side}${prevSide}${polarity}`);
    for (const feature of prevOut) {
      // Only the side-crossed word/char unigrams and bigrams of the previous turn are kept.
      if (feature.startsWith(`${prevSide}|`)) context.push(`p${side}${polarity}${feature}`);
    }
  }
  return { own, context };
}

/** The feature strings of a turn, before hashing. Exposed for tests and debugging. */
export function featureStrings(
  turn: FeatureTurn,
  config: FeatureConfig = DEFAULT_FEATURE_CONFIG,
): string[] {
  const { own, context } = featureBlocks(turn, config);
  return [...own, ...context];
}

/** Weight of the previous-turn block relative to the utterance's own block (both unit length). */
const CONTEXT_WEIGHT = 0.8;

function hashedBlock(
  features: string[],
  config: FeatureConfig,
  weight: number,
  into: Map<number, number>,
): void {
  const counts = new Map<number, number>();
  for (const feature of features) {
    const id = hashFeature(feature, config.hashBits);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let norm = 0;
  for (const count of counts.values()) norm += count * count;
  const scale = weight / Math.sqrt(norm || 1);
  for (const [id, count] of counts) into.set(id, (into.get(id) ?? 0) + count * scale);
}

/**
 * Hashed, deduplicated features of a turn. The utterance's own features are L2-normalised as a
 * block, so adding the previous turn never dilutes them; the previous-turn block is normalised
 * separately and weighted by 0.8.
 */
export function extractFeatures(
  turn: FeatureTurn,
  config: FeatureConfig = DEFAULT_FEATURE_CONFIG,
): SparseFeatures {
  const { own, context } = featureBlocks(turn, config);
  const values = new Map<number, number>();
  hashedBlock(own, config, 1, values);
  if (context.length) hashedBlock(context, config, CONTEXT_WEIGHT, values);
  const ids = [...values.keys()].sort((a, b) => a - b);
  return { ids, values: ids.map((id) => values.get(id)!) };
}
