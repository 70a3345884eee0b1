/**
 * Generates `data/intents/train.jsonl` and `data/intents/test.jsonl` from the phrase banks in
 * `banks-en.ts` / `banks-zh.ts`: alternation and slot expansion, filler prefixes and suffixes,
 * multi-label joins, rep-mirrors-customer negatives, previous-turn replies and ASR-style noise.
 * The split is by template (pattern) and by competitor name, so no template or name used in
 * test is ever seen in training. Deterministic for a given seed.
 *
 * Usage: npx tsx scripts/intents/make-dataset.ts [--seed 7] [--out data/intents]
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallLang } from '../../main/contract/events';
import * as en from './banks-en';
import { EXTRA_BANKS_EN, EXTRA_PREV_EN, RAMBLE_EN } from './banks-en-extra';
import * as zh from './banks-zh';
import { EXTRA_BANKS_ZH, EXTRA_PREV_ZH, RAMBLE_ZH } from './banks-zh-extra';
import type { Bank, IntentRow, PrevBank } from './dataset-types';
import { readIntentRows } from './rows';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The hand-written test split: written apart from the banks, never used for training. */
export const TEST_FILE = 'test.jsonl';
/** Hand-written whole calls used to study errors; never used for training either. */
export const DEV_FILE = 'dev-calls.jsonl';
/** Rows of the bank templates held out of training. */
export const TEMPLATE_TEST_FILE = 'test-templates.jsonl';

type Split = 'train' | 'test';
type Rng = () => number;

/** Small seeded PRNG (mulberry32), values in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

function shuffle<T>(rng: Rng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface LangKit {
  lang: CallLang;
  banks: Bank[];
  /** Second-wave patterns per `label:speaker`, split into train/test on their own. */
  extraBanks: Bank[];
  prevBanks: PrevBank[];
  /** Neutral clauses that surround an intent in long turns. */
  rambles: string[];
  /** How many of `prevBanks` (at the end) are second-wave banks. */
  extraPrevCount: number;
  slots: Record<string, string[]>;
  competitors: Record<Split, string[]>;
  generic: string[];
  mirrors: string[];
  fillers: string[];
  prefixes: string[];
  suffixes: string[];
  homophones: Record<string, string[]>;
  smallTalk: string[];
}

function splitNames(rng: Rng, names: string[]): Record<Split, string[]> {
  const shuffled = shuffle(rng, names);
  const testCount = Math.round(names.length * 0.25);
  return { test: shuffled.slice(0, testCount), train: shuffled.slice(testCount) };
}

/** Expands one pattern: slots, then alternations (innermost first). */
function expand(
  pattern: string,
  kit: LangKit,
  split: Split,
  rng: Rng,
): { text: string; extra: string[] } {
  let extra: string[] = [];
  let text = pattern.replace(/^\[([a-z_,]+)\]\s*/, (_m, labels: string) => {
    extra = labels.split(',');
    return '';
  });
  text = text.replace(/\{(\w+)\}/g, (_m, slot: string) => {
    if (slot === 'comp') {
      const roll = rng();
      if (roll < 0.4) return pick(rng, kit.competitors[split]);
      return roll < 0.78 ? inventName(kit.lang, rng) : pick(rng, kit.generic);
    }
    if (slot === 'gen') return pick(rng, kit.generic);
    const values = kit.slots[slot];
    if (!values) throw new Error(`unknown slot {${slot}} in pattern "${pattern}"`);
    return pick(rng, values);
  });
  const alternation = /\(([^()]*)\)/;
  while (alternation.test(text)) {
    text = text.replace(alternation, (_m, body: string) => pick(rng, body.split('|')));
  }
  return { text: tidy(text, kit.lang), extra };
}

function tidy(text: string, lang: CallLang): string {
  if (lang === 'zh') {
    return text
      .replace(/\s+/g, '')
      .replace(/，{2,}/g, '，')
      .replace(/^，|，$/g, '')
      .replace(/，([。？])/g, '$1');
  }
  return text.replace(/\s+/g, ' ').trim();
}

const EN_SYLLABLES_HEAD = [
  'ver',
  'zan',
  'quor',
  'bel',
  'tri',
  'mar',
  'nov',
  'hal',
  'cor',
  'sen',
  'pra',
  'dex',
  'lum',
  'or',
  'ka',
  'vi',
  'sol',
  'tem',
  'gal',
  'rho',
  'fen',
  'ix',
  'dra',
  'mo',
];
const EN_SYLLABLES_TAIL = [
  'ix',
  'on',
  'ara',
  'tek',
  'ly',
  'vo',
  'ra',
  'um',
  'ent',
  'ica',
  'is',
  'ex',
  'oro',
  'ant',
  'ia',
  'ber',
  'dal',
  'sys',
  'tra',
  'ino',
];
const EN_NAME_SUFFIXES = [
  '',
  '',
  '',
  ' Medical',
  ' Systems',
  ' Labs',
  ' Health',
  ' Devices',
  ' Tech',
  ' Group',
  ' Wireless',
  ' Mobile',
];
const ZH_NAME_CHARS = [...'瑞康泰华博远星联恒嘉迈凯德隆信安达盛宇腾飞鸿科通汇锦洋润卓诺澜峰晨源'];
const ZH_NAME_SUFFIXES = ['', '', '', '医疗', '科技', '集团', '电子', '公司', '通讯'];

/** A made-up company name, so the model learns the context of a competitor, not the names. */
function inventName(lang: CallLang, rng: Rng): string {
  if (lang === 'zh')
    return `${pick(rng, ZH_NAME_CHARS)}${pick(rng, ZH_NAME_CHARS)}${pick(rng, ZH_NAME_SUFFIXES)}`;
  const word = `${pick(rng, EN_SYLLABLES_HEAD)}${pick(rng, EN_SYLLABLES_TAIL)}`;
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}${pick(rng, EN_NAME_SUFFIXES)}`;
}

const EN_QUESTION_START =
  /^(is|are|do|does|did|can|could|would|will|shall|should|what|how|who|which|where|when|why|have|has|any|isn't)\b/;

/** Adds a filler prefix/suffix and sentence punctuation the way a transcript shows them. */
function dress(core: string, kit: LangKit, rng: Rng): string {
  const prefix = pick(rng, kit.prefixes);
  const suffix = pick(rng, kit.suffixes);
  if (kit.lang === 'zh') {
    const question = /(吗|么|呢|吧|怎么样|多久|哪些|什么|多少|哪家|哪里|可以吗|行吗)$/.test(core);
    const body = `${prefix ? `${prefix}，` : ''}${core}${suffix && !question ? `，${suffix}` : ''}`;
    return `${body}${question ? '？' : pick(rng, ['。', '。', '', '…'])}`;
  }
  const question = EN_QUESTION_START.test(core);
  let body = `${prefix ? `${prefix}, ` : ''}${core}${suffix && !question ? `, ${suffix}` : ''}`;
  body = body.replace(/\bi\b/g, 'I').replace(/\bi'(m|ll|d|ve)\b/g, "I'$1");
  body = body.charAt(0).toUpperCase() + body.slice(1);
  return `${body}${question ? '?' : pick(rng, ['.', '.', '', '...'])}`;
}

/** ASR-style noise: lower case without punctuation, fillers, stutters, homophone slips. */
function addNoise(text: string, kit: LangKit, rng: Rng): string {
  let out = text;
  if (kit.lang === 'en') {
    let words = out.split(' ');
    if (rng() < 0.15) {
      words = words.map((w) => {
        const key = w.toLowerCase().replace(/[^a-z']/g, '');
        const slips = kit.homophones[key];
        return slips && rng() < 0.6 ? w.replace(new RegExp(key, 'i'), pick(rng, slips)) : w;
      });
    }
    if (rng() < 0.25 && words.length > 3) {
      const at = 1 + Math.floor(rng() * (words.length - 1));
      words.splice(at, 0, `${pick(rng, kit.fillers)}${rng() < 0.5 ? ',' : ''}`);
    }
    if (rng() < 0.12 && words.length > 2) {
      const at = Math.floor(rng() * Math.min(3, words.length));
      words.splice(at, 0, words[at].replace(/[^a-zA-Z']/g, ''));
    }
    out = words.join(' ');
    if (rng() < 0.5) {
      out = out
        .toLowerCase()
        .replace(/[^\p{L}\p{N}'$% ]/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    }
    return out;
  }
  if (rng() < 0.15) {
    for (const [word, slips] of Object.entries(kit.homophones)) {
      if (out.includes(word) && rng() < 0.5) out = out.replace(word, pick(rng, slips));
    }
  }
  if (rng() < 0.25) {
    // Fillers land at phrase boundaries (after a comma) or at the start, never inside a word.
    const boundaries = [0, ...[...out.matchAll(/，/g)].map((m) => (m.index ?? 0) + 1)];
    const at = pick(rng, boundaries);
    out = `${out.slice(0, at)}${pick(rng, kit.fillers)}${out.slice(at)}`;
  }
  if (rng() < 0.45) out = out.replace(/[，。？！…、,.?!]/g, rng() < 0.3 ? ' ' : '').trim();
  return out;
}

function render(core: string, kit: LangKit, rng: Rng): string {
  return addNoise(dress(core, kit, rng), kit, rng);
}

/** Assigns ~20% of a bank's patterns to test, the rest to train. */
function splitPatterns(rng: Rng, count: number): Split[] {
  const order = shuffle(
    rng,
    Array.from({ length: count }, (_, i) => i),
  );
  const testCount = Math.max(2, Math.round(count * 0.2));
  const splits: Split[] = new Array(count).fill('train');
  for (const index of order.slice(0, testCount)) splits[index] = 'test';
  return splits;
}

interface Generated {
  split: Split;
  row: IntentRow;
}

interface BankPattern {
  bank: Bank;
  pattern: string;
  split: Split;
  template: string;
}

/** Seed of the split stream of one bank wave: FNV-1a of its key mixed with the dataset seed. */
function splitSeed(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function generateLang(kit: LangKit, rng: Rng, seed: number): Generated[] {
  const out: Generated[] = [];
  const push = (split: Split, row: IntentRow) => out.push({ split, row });
  const labelled: BankPattern[] = [];
  const neutral: BankPattern[] = [];

  // Plain rows: every pattern of every bank, variants spread to reach the per-bank target. The
  // split comes from its own seeded stream per bank and wave, so adding patterns to one bank never
  // moves another bank's templates between train and test.
  for (const bank of kit.banks) {
    const extra = kit.extraBanks
      .filter((b) => b.label === bank.label && b.speaker === bank.speaker)
      .flatMap((b) => b.patterns);
    const patterns = [...bank.patterns, ...extra];
    const bankKey = `${kit.lang}:${bank.speaker}:${bank.label}`;
    const splits = [
      ...splitPatterns(mulberry32(splitSeed(seed, `${bankKey}:1`)), bank.patterns.length),
      ...(extra.length
        ? splitPatterns(mulberry32(splitSeed(seed, `${bankKey}:2`)), extra.length)
        : []),
    ];
    const target = bank.label === 'none' ? (bank.speaker === 'customer' ? 1300 : 900) : 560;
    const perPattern = Math.max(5, Math.ceil(target / patterns.length));
    patterns.forEach((pattern, index) => {
      const split = splits[index];
      const template = `${bankKey}:${index}`;
      const entry = { bank, pattern, split, template };
      if (bank.speaker === 'customer') (bank.label === 'none' ? neutral : labelled).push(entry);
      const seen = new Set<string>();
      for (let attempt = 0; attempt < perPattern * 4 && seen.size < perPattern; attempt++) {
        const { text, extra } = expand(pattern, kit, split, rng);
        if (seen.has(text)) continue;
        seen.add(text);
        const labels = bank.label === 'none' ? [] : [bank.label, ...extra];
        push(split, {
          text: render(text, kit, rng),
          speaker: bank.speaker,
          lang: kit.lang,
          labels,
          template,
        });
      }
    });
  }

  // The rep mirroring the customer ("so budget is tight for you?") carries no label; a few rep
  // turns reuse customer wording verbatim so the side of the speaker matters.
  for (let i = 0; i < 600; i++) {
    const { pattern, split, template } = pick(rng, labelled);
    const { text } = expand(pattern, kit, split, rng);
    const mirrored =
      i % 4 === 3
        ? text
        : kit.lang === 'zh'
          ? `${pick(rng, kit.mirrors)}${text}`
          : `${pick(rng, kit.mirrors)} ${text}`;
    const question = kit.lang === 'zh' ? `${tidy(mirrored, 'zh')}？` : `${mirrored}?`;
    push(split, {
      text: addNoise(question, kit, rng),
      speaker: 'rep',
      lang: kit.lang,
      labels: [],
      template: `mirror:${template}`,
    });
  }

  // Two customer intents in one turn, and small talk before an intent.
  const joiners =
    kit.lang === 'zh' ? ['，而且', '。另外', '，', '。'] : [', and ', '. also ', '. ', ', plus '];
  for (let i = 0; i < 400; i++) {
    const first = pick(rng, labelled);
    const candidates = labelled.filter(
      (p) =>
        p.split === first.split &&
        p.bank.label !== first.bank.label &&
        !(
          new Set([p.bank.label, first.bank.label]).has('stall') &&
          new Set([p.bank.label, first.bank.label]).has('next_step_commitment')
        ),
    );
    const second = pick(rng, candidates);
    const a = expand(first.pattern, kit, first.split, rng);
    const b = expand(second.pattern, kit, first.split, rng);
    const labels = [...new Set([first.bank.label, ...a.extra, second.bank.label, ...b.extra])];
    const joined = `${a.text}${pick(rng, joiners)}${b.text}`;
    push(first.split, {
      text: render(tidy(joined, kit.lang), kit, rng),
      speaker: 'customer',
      lang: kit.lang,
      labels,
      template: first.template,
    });
  }
  for (let i = 0; i < 160; i++) {
    const intent = pick(rng, labelled);
    const b = expand(intent.pattern, kit, intent.split, rng);
    const joined = `${pick(rng, kit.smallTalk)}${kit.lang === 'zh' ? '，' : '. '}${b.text}`;
    push(intent.split, {
      text: render(tidy(joined, kit.lang), kit, rng),
      speaker: 'customer',
      lang: kit.lang,
      labels: [intent.bank.label, ...b.extra],
      template: intent.template,
    });
  }

  // Long, rambling turns: the intent is one clause among neutral ones (context before, after or
  // both); the same rambles around a neutral customer turn, or alone, carry no label. Rambles are
  // split 80/20 too, so test turns are built from clauses training never saw.
  const rambleSplits = splitPatterns(
    mulberry32(splitSeed(seed, `${kit.lang}:ramble`)),
    kit.rambles.length,
  );
  const rambleOf = (split: Split) =>
    pick(
      rng,
      kit.rambles.filter((_r, i) => rambleSplits[i] === split),
    );
  const sep = () =>
    kit.lang === 'zh'
      ? pick(rng, ['，', '。', '，然后', '，反正'])
      : pick(rng, [', ', '. ', ' and ', ' so ']);
  const wrap = (core: string, split: Split) => {
    const shape = rng();
    if (shape < 0.35) return `${rambleOf(split)}${sep()}${core}`;
    if (shape < 0.6) return `${core}${sep()}${rambleOf(split)}`;
    return `${rambleOf(split)}${sep()}${core}${sep()}${rambleOf(split)}`;
  };
  for (let i = 0; i < 500; i++) {
    const intent = pick(rng, labelled);
    const b = expand(intent.pattern, kit, intent.split, rng);
    push(intent.split, {
      text: render(tidy(wrap(b.text, intent.split), kit.lang), kit, rng),
      speaker: 'customer',
      lang: kit.lang,
      labels: [intent.bank.label, ...b.extra],
      template: intent.template,
    });
  }
  for (let i = 0; i < 300; i++) {
    const plain = pick(rng, neutral);
    const split = plain.split;
    const core = i % 3 === 0 ? rambleOf(split) : expand(plain.pattern, kit, split, rng).text;
    push(split, {
      text: render(tidy(wrap(core, split), kit.lang), kit, rng),
      speaker: 'customer',
      lang: kit.lang,
      labels: [],
      template: i % 3 === 0 ? `${kit.lang}:ramble` : plain.template,
    });
  }

  // Short replies that only make sense with the turn before.
  const prevSplits = [
    ...splitPatterns(
      mulberry32(splitSeed(seed, `${kit.lang}:prev:1`)),
      kit.prevBanks.length - kit.extraPrevCount,
    ),
    ...splitPatterns(mulberry32(splitSeed(seed, `${kit.lang}:prev:2`)), kit.extraPrevCount),
  ];
  kit.prevBanks.forEach((bank, index) => {
    const split = prevSplits[index];
    for (let i = 0; i < 22; i++) {
      const prev = expand(bank.prev, kit, split, rng).text;
      const reply = expand(bank.reply, kit, split, rng).text;
      const replySpeaker = bank.prevSpeaker === 'rep' ? 'customer' : 'rep';
      push(split, {
        text: addNoise(reply, kit, rng),
        speaker: replySpeaker,
        lang: kit.lang,
        labels: bank.labels,
        prev: {
          text: addNoise(`${prev}${kit.lang === 'zh' ? '？' : '?'}`, kit, rng),
          speaker: bank.prevSpeaker,
        },
        template: `${kit.lang}:prev:${index}`,
      });
    }
  });

  return out;
}

/** What besides the phrase banks goes into the dataset. */
export interface DatasetOptions {
  /** Hand-written labelled rows for training, by source name (a file's base name). */
  handwritten?: Record<string, IntentRow[]>;
  /** Rows that must never appear in training (the hand-written test split). */
  heldOut?: IntentRow[];
  /** Noisy renderings added per hand-written row (lower case, fillers, slips). Default 2. */
  handwrittenVariants?: number;
}

/**
 * Hand-written training rows, each as written plus noisy renderings of it the way speech
 * recognition shows them. Always training rows; a random stream of their own keeps the bank
 * rows unchanged when files are added.
 */
function handwrittenRows(kits: LangKit[], seed: number, options: DatasetOptions): Generated[] {
  const out: Generated[] = [];
  const variants = options.handwrittenVariants ?? 2;
  for (const [source, rows] of Object.entries(options.handwritten ?? {}).sort()) {
    const rng = mulberry32(splitSeed(seed, `handwritten:${source}`));
    rows.forEach((row, index) => {
      const kit = kits.find((k) => k.lang === row.lang);
      const template = `hand:${source}:${index}`;
      out.push({ split: 'train', row: { ...row, template } });
      if (!kit) return;
      for (let v = 0; v < variants; v++) {
        const noisy: IntentRow = { ...row, text: addNoise(row.text, kit, rng), template };
        if (row.prev) noisy.prev = { ...row.prev, text: addNoise(row.prev.text, kit, rng) };
        out.push({ split: 'train', row: noisy });
      }
    });
  }
  return out;
}

function rowKey(row: IntentRow): string {
  return `${row.speaker}|${row.text.toLowerCase()}|${row.prev?.text ?? ''}`;
}

/** Builds both splits; exact duplicates are dropped, and a text in test never stays in train. */
export function buildDataset(
  seed: number,
  options: DatasetOptions = {},
): Record<Split, IntentRow[]> {
  const rng = mulberry32(seed);
  const kits: LangKit[] = [
    {
      lang: 'en',
      banks: en.BANKS_EN,
      extraBanks: EXTRA_BANKS_EN,
      prevBanks: [...en.PREV_EN, ...EXTRA_PREV_EN],
      extraPrevCount: EXTRA_PREV_EN.length,
      rambles: RAMBLE_EN,
      slots: en.SLOTS_EN,
      competitors: splitNames(rng, en.COMPETITORS_EN),
      generic: en.GENERIC_COMPETITORS_EN,
      mirrors: en.MIRROR_PREFIXES_EN,
      fillers: en.FILLERS_EN,
      prefixes: en.PREFIXES_EN,
      suffixes: en.SUFFIXES_EN,
      homophones: en.HOMOPHONES_EN,
      smallTalk: en.SMALL_TALK_EN,
    },
    {
      lang: 'zh',
      banks: zh.BANKS_ZH,
      extraBanks: EXTRA_BANKS_ZH,
      prevBanks: [...zh.PREV_ZH, ...EXTRA_PREV_ZH],
      extraPrevCount: EXTRA_PREV_ZH.length,
      rambles: RAMBLE_ZH,
      slots: zh.SLOTS_ZH,
      competitors: splitNames(rng, zh.COMPETITORS_ZH),
      generic: zh.GENERIC_COMPETITORS_ZH,
      mirrors: zh.MIRROR_PREFIXES_ZH,
      fillers: zh.FILLERS_ZH,
      prefixes: zh.PREFIXES_ZH,
      suffixes: zh.SUFFIXES_ZH,
      homophones: zh.HOMOPHONES_ZH,
      smallTalk: zh.SMALL_TALK_ZH,
    },
  ];
  const generated = kits.flatMap((kit) => generateLang(kit, rng, seed));
  generated.push(...handwrittenRows(kits, seed, options));
  const testKeys = new Set(generated.filter((g) => g.split === 'test').map((g) => rowKey(g.row)));
  for (const row of options.heldOut ?? []) testKeys.add(rowKey(row));
  const result: Record<Split, IntentRow[]> = { train: [], test: [] };
  const seen = new Set<string>();
  for (const { split, row } of generated) {
    const key = `${split}|${rowKey(row)}`;
    if (seen.has(key)) continue;
    if (split === 'train' && testKeys.has(rowKey(row))) continue;
    seen.add(key);
    result[split].push(row);
  }
  return { train: shuffle(rng, result.train), test: shuffle(rng, result.test) };
}

/** Per label/lang/split counts (a row with no label counts as `none`). */
export function countLabels(rows: IntentRow[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    for (const label of row.labels.length ? row.labels : ['none']) {
      counts[label] ??= {};
      counts[label][row.lang] = (counts[label][row.lang] ?? 0) + 1;
    }
  }
  return counts;
}

function main(): void {
  const args = process.argv.slice(2);
  const seedArg = args.indexOf('--seed');
  const outArg = args.indexOf('--out');
  const seed = seedArg >= 0 ? Number(args[seedArg + 1]) : 7;
  const outDir =
    outArg >= 0 ? path.resolve(args[outArg + 1]) : path.join(REPO_ROOT, 'data/intents');
  const dataDir = path.join(REPO_ROOT, 'data/intents');
  const handDir = path.join(dataDir, 'handwritten');
  const handwritten: Record<string, IntentRow[]> = {};
  if (existsSync(handDir)) {
    for (const name of readdirSync(handDir).filter((f) => f.endsWith('.jsonl'))) {
      handwritten[name.replace(/\.jsonl$/, '')] = readIntentRows(path.join(handDir, name));
    }
  }
  const heldOut = [TEST_FILE, DEV_FILE]
    .map((name) => path.join(dataDir, name))
    .filter((file) => existsSync(file))
    .flatMap((file) => readIntentRows(file));
  const dataset = buildDataset(seed, { handwritten, heldOut });
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, rows: IntentRow[]) =>
    writeFileSync(
      path.join(outDir, name),
      `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`,
    );
  write('train.jsonl', dataset.train);
  write(TEMPLATE_TEST_FILE, dataset.test);
  const table: string[] = [
    '| label | en train | en test | zh train | zh test |',
    '|---|---|---|---|---|',
  ];
  const train = countLabels(dataset.train);
  const test = countLabels(dataset.test);
  for (const label of Object.keys(train).sort()) {
    const cell = (c: Record<string, Record<string, number>>, lang: string) => c[label]?.[lang] ?? 0;
    table.push(
      `| ${label} | ${cell(train, 'en')} | ${cell(test, 'en')} | ${cell(train, 'zh')} | ${cell(test, 'zh')} |`,
    );
  }
  process.stdout.write(
    `seed ${seed}: train ${dataset.train.length} rows, test ${dataset.test.length} rows\n${table.join('\n')}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
