import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../main/contract/events';
import {
  applyCallEvent,
  applyLocalFeedback,
  callSeconds,
  channelHealth,
  LEVEL_STALE_MS,
  replayCallEvents,
  SILENCE_WARNING_S,
  visibleCues,
} from '../../renderer/src/state/call-state';
import { sampleCallEvents } from '../helpers/fake-engine';

const started: CallEvent = {
  type: 'call_started',
  callId: 'c',
  source: 'mic',
  lang: 'en',
  startedAt: '2025-01-01T00:00:00Z',
  t: 0,
};
const level = (
  channel: 'rep' | 'customer',
  rmsDb: number,
  speech: boolean,
  t: number,
): CallEvent => ({ type: 'level', channel, rmsDb, speech, t });

describe('overlay call state', () => {
  it('lists cues newest first with pinned cards on top and dismissed ones gone', () => {
    let state = replayCallEvents(sampleCallEvents('c1'));
    expect(visibleCues(state).map((v) => v.cue.id)).toEqual([
      'cue-budget',
      'cue-price',
      'cue-helix',
    ]);
    state = applyLocalFeedback(state, 'cue-helix', 'pinned');
    state = applyLocalFeedback(state, 'cue-budget', 'dismissed');
    expect(visibleCues(state).map((v) => v.cue.id)).toEqual(['cue-helix', 'cue-price']);
  });

  it('does not show the same cue twice when a snapshot and a push overlap', () => {
    const events = sampleCallEvents('c1');
    const cue = events.find((e) => e.type === 'cue')!;
    const state = applyCallEvent(replayCallEvents(events), cue);
    expect(state.cues.filter((v) => v.cue.id === cue.id)).toHaveLength(1);
  });

  it('updates a confirmed tentative cue in place, keeping it where it is and pinned', () => {
    const events = sampleCallEvents('c1');
    const cue = events.find((e) => e.type === 'cue')!;
    if (cue.type !== 'cue') throw new Error('no cue in the sample call');
    let state = applyLocalFeedback(replayCallEvents(events), cue.id, 'pinned');
    const before = state.cues.map((v) => v.cue.id);
    state = applyCallEvent(state, { ...cue, t: cue.t + 5, tentative: false, confirmed: true });
    expect(state.cues.map((v) => v.cue.id)).toEqual(before);
    const view = state.cues.find((v) => v.cue.id === cue.id)!;
    expect(view).toMatchObject({ pinned: true, cue: { t: cue.t + 5, confirmed: true } });
  });

  it('takes feedback echoed by the engine', () => {
    const state = applyCallEvent(replayCallEvents(sampleCallEvents('c1')), {
      type: 'feedback',
      cueId: 'cue-price',
      helpful: true,
      action: 'helpful',
      t: 20,
    });
    expect(state.cues.find((v) => v.cue.id === 'cue-price')?.feedback).toBe('helpful');
  });

  it('warns when the microphone stays silent for several seconds during a call', () => {
    const now = 1_000_000;
    let state = replayCallEvents(
      [started, level('rep', -20, true, 1), level('customer', -25, true, 1)],
      now,
    );
    for (let t = 2; t <= 1 + SILENCE_WARNING_S; t++) {
      state = applyCallEvent(state, level('rep', -90, false, t), now);
      state = applyCallEvent(state, level('customer', -25, true, t), now);
    }
    expect(channelHealth(state, 'rep', now)).toMatchObject({
      kind: 'silent',
      seconds: SILENCE_WARNING_S,
    });
    expect(channelHealth(state, 'customer', now).kind).toBe('ok');
  });

  it('does not warn about a quiet pause shorter than the limit', () => {
    const now = 1_000_000;
    let state = replayCallEvents([started, level('rep', -20, true, 1)], now);
    state = applyCallEvent(state, level('rep', -90, false, SILENCE_WARNING_S - 1), now);
    expect(channelHealth(state, 'rep', now).kind).toBe('ok');
  });

  it('reports a channel whose levels stopped arriving as lost', () => {
    const state = replayCallEvents([started, level('customer', -30, true, 1)], 1_000);
    expect(channelHealth(state, 'customer', 1_000 + LEVEL_STALE_MS + 1).kind).toBe('lost');
  });

  it('reports a channel lost at once when a live call says its device failed', () => {
    const state = replayCallEvents(
      [
        started,
        level('rep', -20, true, 1),
        level('customer', -25, true, 1),
        {
          type: 'problem',
          code: 'audio_device_error',
          message: 'The system audio device "Monitor" failed (unplugged).',
          fatal: false,
          t: 1.1,
          channel: 'customer',
        },
        level('customer', -100, false, 1.2),
      ],
      1_000,
    );
    expect(channelHealth(state, 'customer', 1_000)).toEqual({ kind: 'lost' });
    expect(channelHealth(state, 'rep', 1_000).kind).toBe('ok');
    expect(state.problems.map((p) => p.code)).toEqual(['audio_device_error']);
  });

  it('shows no meter warning for a transcript replay, which has no audio levels', () => {
    const state = replayCallEvents([started]);
    expect(channelHealth(state, 'rep', Date.now()).kind).toBe('none');
  });

  it('keeps the summary and drops leftover partials when the call ends', () => {
    const state = replayCallEvents([
      ...sampleCallEvents('c1'),
      { type: 'partial', speaker: 'rep', text: 'so', t: 1 },
      { type: 'call_ended', callId: 'c1', reason: 'completed', t: 30 },
    ]);
    expect(state.status).toBe('ended');
    expect(state.summary?.competitors).toEqual(['Helix Devices']);
    expect(state.lines.every((l) => l.final)).toBe(true);
  });
});

describe('call timer', () => {
  it('runs from the engine call time and ticks between events, ignoring the wall-clock start date', () => {
    const state = replayCallEvents(
      [{ ...started, startedAt: '1999-01-01T00:00:00Z' }, level('rep', -20, true, 12)],
      5_000,
    );
    expect(callSeconds(state, 5_000)).toBe(12);
    expect(callSeconds(state, 7_500)).toBe(14.5);
  });

  it('stops at the call end', () => {
    const state = replayCallEvents(
      [started, { type: 'call_ended', callId: 'c', reason: 'completed', t: 97 }],
      0,
    );
    expect(callSeconds(state, 60_000)).toBe(97);
  });
});
