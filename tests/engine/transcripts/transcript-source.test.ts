import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import type { CallSourceSink, SourceUtterance } from '../../../main/engine/session/source';
import { TranscriptSource } from '../../../main/engine/transcripts';
import type { Transcript } from '../../../main/engine/transcripts/types';
import { describeWithShared, sharedPath } from '../../helpers/shared';

interface Received {
  kind: 'partial' | 'utterance';
  speaker: Speaker;
  text: string;
  /** Call time the event is for, seconds. */
  t: number;
  /** Milliseconds since run() was called when the sink got it. */
  atMs: number;
}

function recordingSink(startMs: () => number): { sink: CallSourceSink; received: Received[] } {
  const received: Received[] = [];
  const sink: CallSourceSink = {
    partial: (speaker, text, t) =>
      received.push({ kind: 'partial', speaker, text, t, atMs: performance.now() - startMs() }),
    utterance: (u: SourceUtterance) =>
      received.push({
        kind: 'utterance',
        speaker: u.speaker,
        text: u.text,
        t: u.end,
        atMs: performance.now() - startMs(),
      }),
    level: () => {},
    problem: () => {},
  };
  return { sink, received };
}

function transcript(turns: Transcript['turns']): Transcript {
  return {
    file: '/calls/test.vtt',
    format: 'vtt',
    lang: 'en',
    speakers: ['A', 'B'],
    rep: 'A',
    turns,
    warnings: [],
  };
}

const SHORT_CALL = transcript([
  { speaker: 'rep', name: 'A', text: 'one two three four five', start: 0.05, end: 0.3 },
  { speaker: 'customer', name: 'B', text: 'we are also looking at Helix', start: 0.2, end: 0.9 },
  { speaker: 'rep', name: 'A', text: 'sure', start: 0.95, end: 1.1 },
]);

describe('TranscriptSource', () => {
  it('in fast mode sends every turn as a final utterance at once, in end-time order', async () => {
    const source = new TranscriptSource(SHORT_CALL);
    const started = performance.now();
    const { sink, received } = recordingSink(() => started);
    await source.run(sink, { realtime: false, signal: new AbortController().signal });
    expect(performance.now() - started).toBeLessThan(200);
    expect(received.map((r) => [r.kind, r.text])).toEqual([
      ['utterance', 'one two three four five'],
      ['utterance', 'we are also looking at Helix'],
      ['utterance', 'sure'],
    ]);
    expect(source.description).toBe('test.vtt');
  });

  it('at real-time pace sends each utterance when the call clock reaches its end', async () => {
    const source = new TranscriptSource(SHORT_CALL);
    let started = 0;
    const { sink, received } = recordingSink(() => started);
    started = performance.now();
    await source.run(sink, { realtime: true, signal: new AbortController().signal });

    const finals = received.filter((r) => r.kind === 'utterance');
    expect(finals.map((r) => r.t)).toEqual([0.3, 0.9, 1.1]);
    for (const final of finals) {
      expect(final.atMs).toBeGreaterThanOrEqual(final.t * 1000 - 5);
      expect(final.atMs).toBeLessThan(final.t * 1000 + 150);
    }
  });

  it('at real-time pace sends growing partial text during a turn, before its final', async () => {
    const source = new TranscriptSource(SHORT_CALL);
    let started = 0;
    const { sink, received } = recordingSink(() => started);
    started = performance.now();
    await source.run(sink, { realtime: true, signal: new AbortController().signal });

    const customer = received.filter((r) => r.speaker === 'customer');
    const partials = customer.filter((r) => r.kind === 'partial');
    expect(partials.length).toBeGreaterThan(0);
    for (const [i, partial] of partials.entries()) {
      expect('we are also looking at Helix'.startsWith(partial.text)).toBe(true);
      expect(partial.t).toBeGreaterThan(0.2);
      expect(partial.t).toBeLessThan(0.9);
      if (i > 0) expect(partial.text.length).toBeGreaterThan(partials[i - 1].text.length);
    }
    expect(customer.at(-1)?.kind).toBe('utterance');
  });

  it('stops promptly when aborted and leaves no timer running', async () => {
    const long = transcript([
      { speaker: 'rep', name: 'A', text: 'hello', start: 0, end: 0.1 },
      { speaker: 'customer', name: 'B', text: 'this comes much later', start: 5, end: 30 },
    ]);
    const source = new TranscriptSource(long);
    const controller = new AbortController();
    const started = performance.now();
    const { sink, received } = recordingSink(() => started);
    setTimeout(() => controller.abort(), 250);
    await source.run(sink, { realtime: true, signal: controller.signal });

    const stoppedAfterMs = performance.now() - started;
    expect(stoppedAfterMs).toBeLessThan(400);
    expect(received.map((r) => r.text)).toEqual(['hello']);
    const active = (
      process as unknown as { getActiveResourcesInfo(): string[] }
    ).getActiveResourcesInfo();
    expect(active.filter((r) => r === 'Timeout')).toHaveLength(0);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { sink, received } = recordingSink(() => 0);
    await new TranscriptSource(SHORT_CALL).run(sink, { realtime: true, signal: controller.signal });
    expect(received).toEqual([]);
  });
});

describeWithShared('TranscriptSource with the shared Chinese call', () => {
  it('replays every turn with names, language and speaker sides', async () => {
    const source = await TranscriptSource.open(
      sharedPath('fixtures/transcripts/zh-medtech-pump.vtt'),
      {
        rep: '李明',
      },
    );
    const utterances: SourceUtterance[] = [];
    const sink: CallSourceSink = {
      partial: () => {},
      utterance: (u) => utterances.push(u),
      level: () => {},
      problem: () => {},
    };
    await source.run(sink, { realtime: false, signal: new AbortController().signal });
    expect(source.lang).toBe('zh');
    expect(utterances).toHaveLength(17);
    expect(utterances[0]).toMatchObject({
      speaker: 'rep',
      name: '李明',
      lang: 'zh',
      start: 0.6,
      end: 8.3,
    });
    expect(
      utterances.filter((u) => u.speaker === 'customer').every((u) => u.name === '王主任'),
    ).toBe(true);
  });
});
