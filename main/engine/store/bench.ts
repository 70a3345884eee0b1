/** Write-throughput benchmark of the call store, for the project's bench script. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CallEvent } from '../../contract/events';
import { CallStore } from './call-store';

export interface StoreWriteBench {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Writes `events` events (utterances, each followed by an intent; every tenth a cue) into a
 * fresh database in a temporary folder, each committed on its own as in a live call, and
 * reports the rate. The folder is removed afterwards.
 */
export function benchStoreWrites(events = 5000): StoreWriteBench {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-bench-'));
  const store = CallStore.open(path.join(dir, 'bench.db'));
  try {
    const callId = 'bench';
    store.startCall({
      id: callId,
      source: 'bench',
      lang: 'en',
      title: 'bench',
      startedAt: new Date().toISOString(),
    });
    const started = performance.now();
    for (let i = 0; i < events; i++) store.recordEvent(callId, benchEvent(i));
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: Math.round(events / seconds) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchEvent(i: number): CallEvent {
  const t = i * 0.5;
  const utteranceId = `u${Math.floor(i / 2)}`;
  if (i % 2 === 0) {
    const zh = i % 4 === 0;
    return {
      type: 'utterance',
      id: utteranceId,
      speaker: i % 3 === 0 ? 'rep' : 'customer',
      text: zh
        ? `我们的预算冻结到第三季度了，第${i}次`
        : `Our budget is frozen until the third quarter, take ${i}`,
      start: t,
      end: t + 0.4,
      t,
      lang: zh ? 'zh' : 'en',
    };
  }
  if (i % 10 === 9) {
    return {
      type: 'cue',
      id: `c${i}`,
      kind: 'talk_track',
      title: 'Budget freeze',
      intent: 'budget_freeze',
      competitor: null,
      rule: 'objection',
      refId: 'budget_freeze',
      utteranceId,
      t,
      latencyMs: 5,
    };
  }
  return {
    type: 'intent',
    utteranceId,
    label: 'budget_freeze',
    speaker: 'customer',
    confidence: 0.9,
    t,
  };
}
