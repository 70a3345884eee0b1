/**
 * Scores the intent model on the shared call fixtures: every turn of
 * `../shared/fixtures/scripts/*.json` (labels outside the intent contract count as none), and
 * the moments of the real transcripts in `../shared/fixtures/transcripts/real/` that must come
 * out. Prints a report and a final JSON line. The shared folder is `../shared` beside the repo or
 * wherever CUECARD_SHARED_DIR points.
 *
 * Usage: npx tsx scripts/intents/eval-fixtures.ts [--model DIR]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENT_LABELS } from '../../main/contract/events';
import { IntentClassifier } from '../../main/engine/intents/classifier';
import type { IntentSpeaker } from '../../main/engine/intents/features';
import { detectLang } from '../../main/engine/text/lang';
import type { IntentRow } from './dataset-types';
import { formatReport, scoreIntents, summarize } from './metrics';
import { predictRows } from './train';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INTENTS = new Set<string>(INTENT_LABELS);

export function sharedDir(): string {
  return path.resolve(process.env.CUECARD_SHARED_DIR ?? path.join(REPO_ROOT, '../shared'));
}

/** Turns of the fixture call scripts as labelled rows, each with the turn before it. */
export function fixtureScriptRows(dir = path.join(sharedDir(), 'fixtures/scripts')): IntentRow[] {
  const rows: IntentRow[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = path.join(dir, name);
    const script = JSON.parse(readFileSync(file, 'utf8')) as {
      lang: 'en' | 'zh';
      turns: Array<{ speaker: 'rep' | 'customer'; text: string; labels?: string[] }>;
    };
    if (!Array.isArray(script.turns)) throw new Error(`${file}: field "turns" must be an array`);
    script.turns.forEach((turn, i) => {
      const prev = script.turns[i - 1];
      rows.push({
        text: turn.text,
        speaker: turn.speaker,
        lang: script.lang,
        labels: (turn.labels ?? []).filter((l) => INTENTS.has(l)),
        ...(prev ? { prev: { text: prev.text, speaker: prev.speaker } } : {}),
      });
    });
  }
  return rows;
}

interface VttTurn {
  voice: string;
  text: string;
}

function readVttTurns(file: string): VttTurn[] {
  const turns: VttTurn[] = [];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^<v ([^>]+)>(.*)$/.exec(line.trim());
    if (m) turns.push({ voice: m[1], text: m[2].replace(/<\/v>$/, '').trim() });
  }
  return turns;
}

/** A moment of a real transcript that a good copilot notices. */
export interface RealMoment {
  file: string;
  /** Text the utterance contains. */
  contains: string;
  /** Labels that must be among the classifier's output. */
  expect: string[];
  /** Score only this sentence instead of the whole (possibly long) utterance. */
  sentenceOnly?: boolean;
}

export const REAL_MOMENTS: RealMoment[] = [
  {
    file: 'en-phone-plan-cancellation.vtt',
    contains: 'spending over $50 a month',
    expect: ['price_objection'],
  },
  {
    file: 'en-phone-plan-cancellation.vtt',
    contains: "I'm spending over $50 a month, and it's just totally not worth it",
    expect: ['price_objection'],
    sentenceOnly: true,
  },
  {
    file: 'en-phone-plan-cancellation.vtt',
    contains: 'And I know I can get a better phone for about the same price somewhere else.',
    expect: ['competitor_mention'],
    sentenceOnly: true,
  },
  {
    file: 'en-phone-plan-cancellation.vtt',
    contains: 'gonna just gonna try another company',
    expect: ['competitor_mention'],
  },
  {
    file: 'zh-ecommerce-presales-pc.vtt',
    contains: '不是我用我帮朋友买 她预算没那么高',
    expect: ['decision_maker', 'price_objection'],
  },
  {
    file: 'zh-ecommerce-presales-pc.vtt',
    contains: '不是我用我帮朋友买 她预算没那么高',
    expect: ['decision_maker', 'price_objection'],
    sentenceOnly: true,
  },
  { file: 'zh-ecommerce-presales-pc.vtt', contains: '我再看看', expect: ['stall'] },
];

const VOICES: Record<string, IntentSpeaker> = {
  Tom: 'rep',
  Beth: 'customer',
  客服: 'rep',
  顾客: 'customer',
};

export interface MomentResult extends RealMoment {
  found: string[];
  passed: boolean;
}

export async function scoreRealMoments(
  classifier: IntentClassifier,
  dir = path.join(sharedDir(), 'fixtures/transcripts/real'),
): Promise<MomentResult[]> {
  const results: MomentResult[] = [];
  for (const moment of REAL_MOMENTS) {
    const file = path.join(dir, moment.file);
    const turns = readVttTurns(file);
    const at = turns.findIndex((t) => t.text.includes(moment.contains));
    if (at < 0) throw new Error(`${file}: no utterance contains "${moment.contains}"`);
    const turn = turns[at];
    const prev = turns[at - 1];
    const text = moment.sentenceOnly ? moment.contains : turn.text;
    const found = await classifier.classify({
      text,
      speaker: VOICES[turn.voice] ?? 'unknown',
      lang: detectLang(text),
      previous: prev ? { text: prev.text, speaker: VOICES[prev.voice] ?? 'unknown' } : null,
    });
    const labels = found.map((s) => s.label);
    results.push({
      ...moment,
      found: labels,
      passed: moment.expect.every((l) => labels.includes(l)),
    });
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const modelAt = args.indexOf('--model');
  const modelDir = modelAt >= 0 ? path.resolve(args[modelAt + 1]) : undefined;
  if (!existsSync(path.join(sharedDir(), 'fixtures'))) {
    throw new Error(`shared fixtures not found at ${sharedDir()} (set CUECARD_SHARED_DIR)`);
  }
  const classifier = await IntentClassifier.load(modelDir);
  try {
    const rows = fixtureScriptRows();
    const report = scoreIntents(rows, await predictRows(classifier, rows));
    process.stdout.write(
      `fixture script turns:\n${formatReport(report)}\n\nreal transcript moments:\n`,
    );
    const moments = await scoreRealMoments(classifier);
    for (const m of moments) {
      process.stdout.write(
        `  ${m.passed ? 'PASS' : 'FAIL'} ${m.file}${m.sentenceOnly ? ' (sentence)' : ''} "${m.contains.slice(0, 50)}" ` +
          `expect ${m.expect.join('+')} got ${m.found.join('+') || 'none'}\n`,
      );
    }
    const passed = moments.filter((m) => m.passed).length;
    process.stdout.write(
      `${JSON.stringify({ fixtureTurns: summarize(report), realMoments: { passed, total: moments.length } })}\n`,
    );
  } finally {
    await classifier.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`eval-fixtures: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
