/**
 * Scores the intent model on a labelled JSONL file (default: the repo's test split): per-label
 * precision/recall/F1, macro-F1 overall and per language, worst confusions, and a final line of
 * JSON with the figures.
 *
 * Usage: npm run eval:intents -- [FILE.jsonl] [--model DIR]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntentClassifier } from '../../main/engine/intents/classifier';
import { formatReport, scoreIntents, summarize } from './metrics';
import { readIntentRows } from './rows';
import { predictRows } from './train';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const modelAt = args.indexOf('--model');
  const modelDir = modelAt >= 0 ? path.resolve(args[modelAt + 1]) : undefined;
  const positional = args.filter(
    (a, i) => !a.startsWith('--') && (modelAt < 0 || i !== modelAt + 1),
  );
  const file = path.resolve(positional[0] ?? path.join(REPO_ROOT, 'data/intents/test.jsonl'));

  const rows = readIntentRows(file);
  if (rows.length === 0) throw new Error(`${file}: no labelled rows to score`);
  const classifier = await IntentClassifier.load(modelDir);
  try {
    const report = scoreIntents(rows, await predictRows(classifier, rows));
    process.stdout.write(
      `${path.relative(process.cwd(), file) || file} (model ${classifier.meta.version}):\n`,
    );
    process.stdout.write(`${formatReport(report)}\n`);
    process.stdout.write(
      `${JSON.stringify({ file: path.basename(file), ...summarize(report) })}\n`,
    );
  } finally {
    await classifier.dispose();
  }
}

main().catch((error) => {
  process.stderr.write(`eval:intents: ${(error as Error).message}\n`);
  process.exit(1);
});
