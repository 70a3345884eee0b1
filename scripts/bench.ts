/**
 * Cuecard's speed and memory figures, printed as JSON:
 * - cue delay: wall-clock ms from an utterance becoming final to its cue, over the shared call
 *   transcripts replayed at real-time pace (both at once, as a busy machine would);
 * - intent inference per utterance; rule evaluation per event with 200 rules loaded;
 * - store write throughput; peak RSS.
 * Usage: npm run bench [-- --fast]   (--fast replays without real-time pacing)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallEvent, CueEvent, Speaker } from '../main/contract/events';
import { Rule } from '../main/engine/playbook/schema';
import { spansOf } from '../main/engine/intents/competitors';
import { defaultPlaybookDir } from '../main/engine/resources';
import { RuleSet } from '../main/engine/rules/engine';
import { loadEngineParts } from '../main/engine/service';
import { CallSession } from '../main/engine/session/call-session';
import { openSource } from '../main/engine/session/open-source';
import { CallStore } from '../main/engine/store/call-store';
import { summarizeCall } from '../main/engine/summary/summarize';

const repoRoot = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(process.env.CUECARD_SHARED_DIR ?? path.join(repoRoot, '../shared'));
const fast = process.argv.includes('--fast');
const calls = [
  { file: 'fixtures/transcripts/en-medtech-pump.vtt', rep: 'Alex Chen' },
  { file: 'fixtures/transcripts/zh-medtech-pump.vtt', rep: '李明' },
];

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (x: number) => Math.round(x * 1000) / 1000;
const stats = (values: number[]) => ({
  n: values.length,
  p50: ms(percentile(values, 50)),
  p95: ms(percentile(values, 95)),
  max: ms(Math.max(...values)),
});

async function main(): Promise<void> {
  const parts = await loadEngineParts(defaultPlaybookDir());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-bench-'));
  const result: Record<string, unknown> = { node: process.version, cpus: os.cpus().length };

  // 1. Cue delay over the shared calls.
  if (existsSync(shared)) {
    const store = CallStore.open(path.join(tmp, 'calls.db'));
    const cues: CueEvent[] = [];
    const started = performance.now();
    await Promise.all(
      calls.map(async ({ file, rep }) => {
        const source = await openSource(path.join(shared, file), { rep });
        const session = new CallSession(
          { ...parts, summarize: summarizeCall, recorder: store },
          { source, realtime: !fast },
        );
        session.on((e: CallEvent) => e.type === 'cue' && cues.push(e));
        await session.run();
      }),
    );
    store.close();
    result.cueDelayMs = {
      ...stats(cues.map((c) => c.latencyMs)),
      realtime: !fast,
      replaySeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } else {
    result.cueDelayMs = `skipped: shared fixtures not found at ${shared}`;
  }

  // 2. Intent inference per utterance (competitor matching included), over the fixture and
  // test-split sentences.
  const sentences: Array<{ text: string; speaker: Speaker; lang: 'en' | 'zh' }> = [];
  for (const name of ['en-medtech-pump', 'zh-medtech-pump']) {
    const truth = path.join(shared, 'fixtures/calls', `${name}.truth.json`);
    if (!existsSync(truth)) continue;
    const { turns, lang } = JSON.parse(readFileSync(truth, 'utf8'));
    for (const t of turns) sentences.push({ text: t.text, speaker: t.speaker, lang });
  }
  const testSplit = path.join(repoRoot, 'data/intents/test.jsonl');
  if (existsSync(testSplit)) {
    for (const line of readFileSync(testSplit, 'utf8').split('\n').filter(Boolean).slice(0, 1500)) {
      const row = JSON.parse(line);
      sentences.push({ text: row.text, speaker: row.speaker, lang: row.lang });
    }
  }
  // As the session does it: find the playbook's competitors, then classify with their places.
  const understand = (s: (typeof sentences)[number]) =>
    parts.intents.classify({
      ...s,
      competitorSpans: spansOf(parts.competitors.find(s.text)),
    });
  for (const s of sentences.slice(0, 50)) await understand(s); // warm up
  const inference: number[] = [];
  for (const s of sentences) {
    const t0 = performance.now();
    await understand(s);
    inference.push(performance.now() - t0);
  }
  result.intentInferenceMs = stats(inference);

  // 3. Rule evaluation with 200 rules.
  const labels = [
    'competitor_mention',
    'price_objection',
    'budget_freeze',
    'stall',
    'evidence_request',
    'decision_maker',
    'next_step_commitment',
    'rep_competitor_comparison',
    'rep_cites_evidence',
    'rep_next_step_proposal',
  ];
  const rules = Array.from({ length: 200 }, (_, i) =>
    Rule.parse({
      id: `bench-${i}`,
      when: {
        intent: i % 3 === 0 ? [labels[i % 10], labels[(i + 3) % 10]] : labels[i % 10],
        speaker: i % 2 ? 'customer' : 'any',
        count: 1 + (i % 4),
        ...(i % 5 === 0 ? { within_s: 60 } : {}),
        ...(i % 7 === 0 ? { without: [labels[(i + 1) % 10]] } : {}),
        ...(i % 11 === 0 ? { after: [labels[(i + 2) % 10]] } : {}),
      },
      then: [{ show: 'talk_track' }, ...(i % 9 === 0 ? [{ alert_manager: 'bench' }] : [])],
      repeat: i % 2 ? { cooldown_s: 30 } : 'once_per_call',
    }),
  );
  const ruleSet = new RuleSet(parts.playbook, rules);
  const evaluation: number[] = [];
  for (let call = 0; call < 20; call++) {
    const state = ruleSet.newCall();
    for (let e = 0; e < 500; e++) {
      const t0 = performance.now();
      state.evaluate({
        label: labels[(e * 7 + call) % 10],
        speaker: e % 2 ? 'rep' : 'customer',
        confidence: 0.9,
        t: e * 2,
        utteranceId: `u${e}`,
        competitor: null,
      });
      evaluation.push(performance.now() - t0);
    }
  }
  result.ruleEvaluationMs = { rules: ruleSet.size, ...stats(evaluation) };

  // 4. Store writes.
  const store = CallStore.open(path.join(tmp, 'writes.db'));
  const n = 20_000;
  store.startCall({
    id: 'bench',
    source: 'bench',
    lang: 'en',
    title: 'bench',
    startedAt: new Date().toISOString(),
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = i * 0.5;
    store.recordEvent(
      'bench',
      i % 2
        ? {
            type: 'utterance',
            id: `u${i}`,
            speaker: 'customer',
            text: `our budget is frozen until the third quarter ${i}`,
            start: t,
            end: t + 0.4,
            t: t + 0.4,
            lang: 'en',
          }
        : {
            type: 'intent',
            utteranceId: `u${i - 1}`,
            label: 'budget_freeze',
            speaker: 'customer',
            confidence: 0.9,
            t,
          },
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  store.endCall('bench', 'completed');
  store.close();
  result.storeWrites = { events: n, eventsPerSecond: Math.round(n / seconds) };

  await parts.intents.dispose();
  rmSync(tmp, { recursive: true, force: true });
  result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  result.targets = { cueDelayP95Ms: 50, intentP95Ms: 2, peakRssMb: 300 };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
