/**
 * Measures `IntentClassifier.classify` latency on test-split utterances (after a warm-up).
 * `benchIntents` can be called from the project's bench; run directly it prints a JSON line.
 *
 * Usage: npx tsx scripts/intents/bench-intents.ts [--runs 2000] [--model DIR]
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntentClassifier, INTENT_MODEL_FILE } from '../../main/engine/intents/classifier';
import { readIntentRows } from './rows';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface IntentBenchResult {
  runs: number;
  /** Latencies of one classify() call in milliseconds. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  loadMs: number;
  modelBytes: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Loads the model and times `runs` classify() calls over test-split rows. */
export async function benchIntents(
  options: { runs?: number; modelDir?: string } = {},
): Promise<IntentBenchResult> {
  const runs = options.runs ?? 2000;
  const rows = readIntentRows(path.join(REPO_ROOT, 'data/intents/test.jsonl'));
  const loadStarted = performance.now();
  const classifier = await IntentClassifier.load(options.modelDir);
  const loadMs = performance.now() - loadStarted;
  try {
    const input = (i: number) => {
      const row = rows[i % rows.length];
      return { text: row.text, speaker: row.speaker, lang: row.lang, previous: row.prev ?? null };
    };
    for (let i = 0; i < 100; i++) await classifier.classify(input(i));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await classifier.classify(input(i));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      runs,
      p50Ms: round(percentile(times, 0.5)),
      p95Ms: round(percentile(times, 0.95)),
      p99Ms: round(percentile(times, 0.99)),
      loadMs: round(loadMs),
      modelBytes: statSync(classifier.modelPath.replace(/[^/\\]+$/, INTENT_MODEL_FILE)).size,
    };
  } finally {
    await classifier.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const modelAt = args.indexOf('--model');
  benchIntents({
    runs: runsAt >= 0 ? Number(args[runsAt + 1]) : undefined,
    modelDir: modelAt >= 0 ? path.resolve(args[modelAt + 1]) : undefined,
  })
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error) => {
      process.stderr.write(`bench-intents: ${(error as Error).message}\n`);
      process.exit(1);
    });
}
