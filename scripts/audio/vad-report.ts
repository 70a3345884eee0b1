/**
 * Prints how voice activity detection does on the shared recordings: per channel, each
 * reference turn's start/end error and coverage, false alarms, and the real-time factor.
 *
 *   npx tsx scripts/audio/vad-report.ts [SHARED_DIR]
 *
 * SHARED_DIR defaults to CUECARD_SHARED_DIR or ../shared beside the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectSpeech } from '../../main/engine/audio/recording-source';
import { scoreSegments } from '../../main/engine/audio/segment-score';
import type { SpeechSegment } from '../../main/engine/audio/vad';
import { readWavInfo } from '../../main/engine/audio/wav';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(
  process.argv[2] ?? process.env.CUECARD_SHARED_DIR ?? path.join(repoRoot, '../shared'),
);

const LIBRIVOX_SPANS: SpeechSegment[] = [
  { start: 0, end: 7.1 },
  { start: 8.1, end: 11.09 },
  { start: 12.09, end: 17.39 },
  { start: 18.39, end: 24.44 },
  { start: 25.44, end: 28.73 },
];

const fmt = (value: number | null) =>
  value === null ? '  n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

function report(label: string, found: SpeechSegment[], reference: SpeechSegment[]): void {
  const score = scoreSegments(found, reference);
  const starts = score.spans
    .filter((s) => s.startError !== null)
    .map((s) => Math.abs(s.startError as number));
  const ends = score.spans
    .filter((s) => s.endError !== null)
    .map((s) => Math.abs(s.endError as number));
  const mean = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  process.stdout.write(
    `  ${label}: ${reference.length} turns, ${found.length} segments; ` +
      `|start err| mean ${mean(starts).toFixed(2)} max ${Math.max(0, ...starts).toFixed(2)} s; ` +
      `|end err| mean ${mean(ends).toFixed(2)} max ${Math.max(0, ...ends).toFixed(2)} s; ` +
      `false alarms ${score.falseAlarms.length} (${score.falseAlarmSec.toFixed(2)} s outside turns)\n`,
  );
  for (const span of score.spans) {
    process.stdout.write(
      `    ${span.reference.start.toFixed(2)}-${span.reference.end.toFixed(2)}  ` +
        `found ${span.found ? `${span.found.start.toFixed(2)}-${span.found.end.toFixed(2)}` : 'nothing'}  ` +
        `start ${fmt(span.startError)} end ${fmt(span.endError)} cover ${(span.coverage * 100).toFixed(0)}%\n`,
    );
  }
}

async function main(): Promise<void> {
  const librivox = path.join(shared, 'fixtures/speech/derived-librivox5-concat-1s-gaps.wav');
  const started = performance.now();
  const speech = await detectSpeech(librivox);
  process.stdout.write(
    `${path.basename(librivox)} (${((performance.now() - started) / 1000).toFixed(2)} s)\n`,
  );
  if ('mixed' in speech) report('mixed', speech.mixed, LIBRIVOX_SPANS);

  for (const name of ['en-medtech-pump', 'en-medtech-pump-echo', 'zh-medtech-pump']) {
    const wav = path.join(shared, 'fixtures/calls', `${name}.wav`);
    const truth = JSON.parse(
      readFileSync(path.join(shared, 'fixtures/calls', `${name}.truth.json`), 'utf8'),
    ) as {
      turns: Array<{ speaker: string; start_s: number; end_s: number }>;
    };
    const spansOf = (speaker: string) =>
      truth.turns
        .filter((t) => t.speaker === speaker)
        .map((t) => ({ start: t.start_s, end: t.end_s }));
    const duration = (await readWavInfo(wav)).durationSec;
    for (const echoSuppression of [true, false]) {
      const t0 = performance.now();
      const found = await detectSpeech(wav, { echoSuppression });
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(
        `${name} echo suppression ${echoSuppression ? 'on' : 'off'}: ${duration.toFixed(1)} s of audio in ` +
          `${seconds.toFixed(2)} s, real-time factor ${(seconds / duration).toFixed(3)}\n`,
      );
      if ('rep' in found) {
        report('rep (ch0)', found.rep, spansOf('rep'));
        report('customer (ch1)', found.customer, spansOf('customer'));
      }
    }
  }
}

main().catch((error) => {
  process.stderr.write(`vad-report: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
