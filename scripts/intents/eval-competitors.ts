/**
 * Scores the competitor matcher on labelled JSONL files (rows `{"text","expected":[ids],"note"?}`)
 * with the catalogue `data/competitors/entries.json`. By default every `data/competitors/eval*.jsonl`
 * is scored; files given on the command line replace that list. Prints, per file and overall,
 * precision, recall (also by language), matching speed and the misses and false hits, then a final
 * JSON line with the figures by file.
 *
 * Usage: npx tsx scripts/intents/eval-competitors.ts [EVAL.jsonl ...] [--entries ENTRIES.json]
 * (a positional `*.json` argument is also taken as the catalogue, as in the older
 * `[EVAL.jsonl] [ENTRIES.json]` form).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallLang } from '../../main/contract/events';
import {
  type CompetitorEntry,
  type CompetitorMatch,
  CompetitorMatcher,
} from '../../main/engine/intents/competitors';
import { detectLang } from '../../main/engine/text/lang';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA_DIR = path.join(REPO_ROOT, 'data/competitors');

export interface CompetitorCase {
  text: string;
  expected: string[];
  /** What the case tests (optional; shown next to its misses and false hits). */
  note?: string;
  /** 1-based line in its file. */
  line: number;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface CompetitorFigures extends Counts {
  cases: number;
  precision: number;
  recall: number;
  /** Mean time of one `find` call, after a warm-up pass. */
  msPerText: number;
  /** Slowest single `find` call. */
  maxMs: number;
  /** Precision and recall of the cases in each language (by `detectLang` of the text). */
  byLang: Partial<Record<CallLang, Counts & { cases: number; precision: number; recall: number }>>;
  errors: string[];
}

export function readCases(file: string, knownIds?: ReadonlySet<string>): CompetitorCase[] {
  const cases: CompetitorCase[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((text, index) => {
      if (!text.trim()) return;
      const where = `${file}:${index + 1}`;
      let raw: { text?: unknown; expected?: unknown; note?: unknown };
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof raw.text !== 'string') throw new Error(`${where}: field "text" must be a string`);
      if (!Array.isArray(raw.expected) || raw.expected.some((id) => typeof id !== 'string'))
        throw new Error(`${where}: field "expected" must be an array of competitor ids`);
      if (raw.note !== undefined && typeof raw.note !== 'string')
        throw new Error(`${where}: field "note" must be a string`);
      const expected = raw.expected as string[];
      const unknown = knownIds ? expected.filter((id) => !knownIds.has(id)) : [];
      if (unknown.length > 0)
        throw new Error(`${where}: ids not in the catalogue: ${unknown.join(', ')}`);
      cases.push({ text: raw.text, expected, note: raw.note, line: index + 1 });
    });
  return cases;
}

function ratios(c: Counts) {
  return {
    precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1,
    recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1,
  };
}

export function evaluateCompetitors(
  cases: Array<Omit<CompetitorCase, 'line'> & { line?: number }>,
  entriesOrMatcher: CompetitorEntry[] | CompetitorMatcher,
): CompetitorFigures {
  const matcher =
    entriesOrMatcher instanceof CompetitorMatcher
      ? entriesOrMatcher
      : new CompetitorMatcher(entriesOrMatcher);
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const langs: Partial<Record<CallLang, Counts & { cases: number }>> = {};
  const errors: string[] = [];
  let elapsed = 0;
  let maxMs = 0;
  for (const c of cases) {
    const started = performance.now();
    const matches = matcher.find(c.text);
    const ms = performance.now() - started;
    elapsed += ms;
    maxMs = Math.max(maxMs, ms);
    const lang = detectLang(c.text);
    const byLang = langs[lang] ?? { tp: 0, fp: 0, fn: 0, cases: 0 };
    langs[lang] = byLang;
    byLang.cases++;
    const where = `${c.line ? `${c.line}: ` : ''}"${c.text}"${c.note ? `  (${c.note})` : ''}`;
    const found = new Map<string, CompetitorMatch>();
    for (const m of matches) if (!found.has(m.id)) found.set(m.id, m);
    for (const [id, m] of found) {
      if (c.expected.includes(id)) {
        total.tp++;
        byLang.tp++;
      } else {
        total.fp++;
        byLang.fp++;
        errors.push(`false hit ${id} on "${m.matched}" (score ${m.score.toFixed(2)}): ${where}`);
      }
    }
    for (const id of new Set(c.expected)) {
      if (!found.has(id)) {
        total.fn++;
        byLang.fn++;
        errors.push(`missed ${id}: ${where}`);
      }
    }
  }
  const byLang: CompetitorFigures['byLang'] = {};
  for (const lang of ['en', 'zh'] as const) {
    const counts = langs[lang];
    if (counts) byLang[lang] = { ...counts, ...ratios(counts) };
  }
  return {
    cases: cases.length,
    ...total,
    ...ratios(total),
    msPerText: elapsed / Math.max(1, cases.length),
    maxMs,
    byLang,
    errors,
  };
}

/** The figures of several evaluations taken together (speed weighted by their texts). */
export function combineFigures(parts: CompetitorFigures[]): CompetitorFigures {
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const byLang: CompetitorFigures['byLang'] = {};
  let cases = 0;
  let elapsed = 0;
  for (const part of parts) {
    cases += part.cases;
    elapsed += part.msPerText * part.cases;
    total.tp += part.tp;
    total.fp += part.fp;
    total.fn += part.fn;
  }
  for (const lang of ['en', 'zh'] as const) {
    const counts = { tp: 0, fp: 0, fn: 0, cases: 0 };
    for (const part of parts) {
      const l = part.byLang[lang];
      if (!l) continue;
      counts.tp += l.tp;
      counts.fp += l.fp;
      counts.fn += l.fn;
      counts.cases += l.cases;
    }
    if (counts.cases > 0) byLang[lang] = { ...counts, ...ratios(counts) };
  }
  return {
    cases,
    ...total,
    ...ratios(total),
    msPerText: elapsed / Math.max(1, cases),
    maxMs: Math.max(0, ...parts.map((p) => p.maxMs)),
    byLang,
    errors: parts.flatMap((p) => p.errors),
  };
}

/** Every `eval*.jsonl` in the competitor data folder, sorted by name. */
export function defaultEvalFiles(dir = DATA_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /^eval.*\.jsonl$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

function parseArgs(args: string[]): { files: string[]; entriesFile: string } {
  let entriesFile = path.join(DATA_DIR, 'entries.json');
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--entries') {
      const value = args[++i];
      if (!value) throw new Error('--entries needs a file');
      entriesFile = path.resolve(value);
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else if (arg.endsWith('.json')) {
      entriesFile = path.resolve(arg);
    } else {
      files.push(path.resolve(arg));
    }
  }
  return { files: files.length > 0 ? files : defaultEvalFiles(), entriesFile };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function summaryLine(label: string, f: Omit<CompetitorFigures, 'errors'>): string {
  const langs = (['en', 'zh'] as const)
    .flatMap((lang) => {
      const l = f.byLang[lang];
      return l ? [`${lang} ${l.cases}: P ${pct(l.precision)} R ${pct(l.recall)}`] : [];
    })
    .join(', ');
  return (
    `${label}: ${f.cases} texts  precision ${pct(f.precision)}  recall ${pct(f.recall)}  ` +
    `(tp ${f.tp} fp ${f.fp} fn ${f.fn}; ${langs})  ` +
    `${f.msPerText.toFixed(3)} ms/text, max ${f.maxMs.toFixed(2)} ms\n`
  );
}

function main(): void {
  const { files, entriesFile } = parseArgs(process.argv.slice(2));
  if (files.length === 0) throw new Error(`no eval*.jsonl files in ${DATA_DIR}`);
  const entries = JSON.parse(readFileSync(entriesFile, 'utf8')) as CompetitorEntry[];
  const matcher = new CompetitorMatcher(entries);
  const ids = new Set(entries.map((e) => e.id));
  const sets = files.map((file) => ({ file, cases: readCases(file, ids) }));
  // One untimed pass so the first file does not pay for JIT warm-up.
  for (const { cases } of sets) for (const c of cases) matcher.find(c.text);

  const byFile: Record<string, Omit<CompetitorFigures, 'errors'> & { errors: number }> = {};
  const results: CompetitorFigures[] = [];
  for (const { file, cases } of sets) {
    const label = path.relative(process.cwd(), file) || file;
    const result = evaluateCompetitors(cases, matcher);
    const { errors, ...figures } = result;
    process.stdout.write(`${label}\n`);
    for (const line of errors) process.stdout.write(`  ${line}\n`);
    process.stdout.write(summaryLine(label, figures));
    byFile[path.basename(file)] = { ...figures, errors: errors.length };
    results.push(result);
  }
  const { errors, ...overall } = combineFigures(results);
  process.stdout.write(summaryLine('overall', overall));
  process.stdout.write(
    `${JSON.stringify({ files: byFile, overall: { ...overall, errors: errors.length } })}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`eval-competitors: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
