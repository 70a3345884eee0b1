/**
 * Scores the competitor matcher on `data/competitors/eval.jsonl` (rows `{"text","expected":[ids]}`)
 * with the catalogue `data/competitors/entries.json`: precision, recall, the misses and false
 * hits, matching speed, and a final JSON line with the figures.
 *
 * Usage: npx tsx scripts/intents/eval-competitors.ts [EVAL.jsonl] [ENTRIES.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CompetitorEntry, CompetitorMatcher } from '../../main/engine/intents/competitors';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface CompetitorCase {
  text: string;
  expected: string[];
}

function readCases(file: string): CompetitorCase[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim())
    .map(({ line, index }) => {
      let raw: Partial<CompetitorCase>;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof raw.text !== 'string')
        throw new Error(`${file}:${index + 1}: field "text" must be a string`);
      if (!Array.isArray(raw.expected))
        throw new Error(`${file}:${index + 1}: field "expected" must be an array`);
      return { text: raw.text, expected: raw.expected };
    });
}

export function evaluateCompetitors(cases: CompetitorCase[], entries: CompetitorEntry[]) {
  const matcher = new CompetitorMatcher(entries);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const errors: string[] = [];
  const started = performance.now();
  for (const c of cases) {
    const found = [...new Set(matcher.find(c.text).map((m) => m.id))];
    for (const id of found) {
      if (c.expected.includes(id)) tp++;
      else {
        fp++;
        errors.push(`false hit ${id}: "${c.text}"`);
      }
    }
    for (const id of c.expected) {
      if (!found.includes(id)) {
        fn++;
        errors.push(`missed ${id}: "${c.text}"`);
      }
    }
  }
  const msPerText = (performance.now() - started) / Math.max(1, cases.length);
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { cases: cases.length, tp, fp, fn, precision, recall, msPerText, errors };
}

function main(): void {
  const evalFile = path.resolve(
    process.argv[2] ?? path.join(REPO_ROOT, 'data/competitors/eval.jsonl'),
  );
  const entriesFile = path.resolve(
    process.argv[3] ?? path.join(REPO_ROOT, 'data/competitors/entries.json'),
  );
  const entries = JSON.parse(readFileSync(entriesFile, 'utf8')) as CompetitorEntry[];
  const result = evaluateCompetitors(readCases(evalFile), entries);
  for (const line of result.errors) process.stdout.write(`  ${line}\n`);
  process.stdout.write(
    `competitors: ${result.cases} texts  precision ${(result.precision * 100).toFixed(1)}%  ` +
      `recall ${(result.recall * 100).toFixed(1)}%  ${result.msPerText.toFixed(3)} ms/text\n`,
  );
  const { errors, ...figures } = result;
  process.stdout.write(`${JSON.stringify({ ...figures, errors: errors.length })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
