/**
 * The overlay's view of the current call, built by folding `CallEvent`s. Pure functions, so the
 * same reducer serves live pushes and a late join (`call.snapshot`).
 */
import type {
  CallEvent,
  CallSummary,
  CueEvent,
  EscalationEvent,
  FeedbackEvent,
  ManagerAlertEvent,
  ProblemEvent,
  Speaker,
} from '../../../main/contract/events';

export type Channel = 'rep' | 'customer';

/** A level meter's state. Times are seconds of call time unless named `...WallMs`. */
export interface ChannelLevel {
  rmsDb: number;
  speech: boolean;
  /** Call time of the last level event. */
  lastT: number;
  /** Call time the channel last had sound (speech, or louder than `SILENCE_DB`). */
  lastSoundT: number;
  /** Wall clock (ms) when the last level event arrived, to notice a source that stopped. */
  lastEventWallMs: number;
  /** The channel's input device failed, closed or stalled (a `problem` naming the channel). */
  deviceLost?: boolean;
}

export interface TranscriptLine {
  /** Utterance id, or `partial:<speaker>` for the words still being heard. */
  key: string;
  speaker: Speaker;
  name?: string;
  text: string;
  t: number;
  final: boolean;
}

export type Feedback = 'helpful' | 'not_helpful' | null;

export interface CueView {
  cue: CueEvent;
  pinned: boolean;
  dismissed: boolean;
  feedback: Feedback;
}

export interface CallState {
  callId: string | null;
  status: 'idle' | 'live' | 'ended';
  /** Latest call time seen, in seconds. */
  lastT: number;
  /** Wall clock (ms since epoch) when the latest event arrived, to run the timer between events. */
  lastEventWallMs: number;
  /** Call time at which the call ended, seconds. */
  endedT: number | null;
  lines: TranscriptLine[];
  cues: CueView[];
  alerts: ManagerAlertEvent[];
  escalation: EscalationEvent | null;
  levels: Partial<Record<Channel, ChannelLevel>>;
  summary: CallSummary | null;
  problems: ProblemEvent[];
}

/** A channel quieter than this (dBFS) without detected speech counts as silent. */
export const SILENCE_DB = -55;
/** Seconds of silence on one channel during a call before the overlay warns. */
export const SILENCE_WARNING_S = 8;
/** Wall-clock milliseconds without any level event before a channel counts as lost. */
export const LEVEL_STALE_MS = 3000;
/** Most transcript lines kept in the overlay. */
const MAX_LINES = 200;

export const initialCallState: CallState = {
  callId: null,
  status: 'idle',
  lastT: 0,
  lastEventWallMs: 0,
  endedT: null,
  lines: [],
  cues: [],
  alerts: [],
  escalation: null,
  levels: {},
  summary: null,
  problems: [],
};

function partialKey(speaker: Speaker): string {
  return `partial:${speaker}`;
}

function applyFeedback(cues: CueView[], event: Pick<FeedbackEvent, 'cueId' | 'action'>): CueView[] {
  return cues.map((view) => {
    if (view.cue.id !== event.cueId) return view;
    if (event.action === 'pinned') return { ...view, pinned: !view.pinned };
    if (event.action === 'dismissed') return { ...view, dismissed: true, pinned: false };
    return { ...view, feedback: event.action };
  });
}

/** Folds one event into the state. `nowWallMs` is when it arrived. */
export function applyCallEvent(
  state: CallState,
  event: CallEvent,
  nowWallMs = Date.now(),
): CallState {
  return { ...foldEvent(state, event, nowWallMs), lastEventWallMs: nowWallMs };
}

function foldEvent(state: CallState, event: CallEvent, nowWallMs: number): CallState {
  const lastT = Math.max(state.lastT, event.t);
  switch (event.type) {
    case 'call_started':
      return {
        ...initialCallState,
        callId: event.callId,
        status: 'live',
        lastT: event.t,
      };
    case 'partial': {
      const key = partialKey(event.speaker);
      const line: TranscriptLine = {
        key,
        speaker: event.speaker,
        text: event.text,
        t: event.t,
        final: false,
      };
      const others = state.lines.filter((l) => l.key !== key);
      return { ...state, lastT, lines: [...others, line] };
    }
    case 'utterance': {
      const line: TranscriptLine = {
        key: event.id,
        speaker: event.speaker,
        name: event.name,
        text: event.text,
        t: event.start,
        final: true,
      };
      const kept = state.lines.filter(
        (l) => l.key !== partialKey(event.speaker) && l.key !== event.id,
      );
      const finals = kept.filter((l) => l.final);
      const partials = kept.filter((l) => !l.final);
      return { ...state, lastT, lines: [...finals, line, ...partials].slice(-MAX_LINES) };
    }
    case 'cue':
      if (state.cues.some((view) => view.cue.id === event.id)) {
        // A confirmation updates the card where it is; any other repeat is a replayed event.
        if (!event.confirmed) return { ...state, lastT };
        const cues = state.cues.map((view) =>
          view.cue.id === event.id ? { ...view, cue: event } : view,
        );
        return { ...state, lastT, cues };
      }
      return {
        ...state,
        lastT,
        cues: [...state.cues, { cue: event, pinned: false, dismissed: false, feedback: null }],
      };
    case 'feedback':
      return { ...state, lastT, cues: applyFeedback(state.cues, event) };
    case 'manager_alert':
      return { ...state, lastT, alerts: [...state.alerts, event] };
    case 'escalation':
      return { ...state, lastT, escalation: event };
    case 'level': {
      const previous = state.levels[event.channel];
      const sounding = event.speech || event.rmsDb > SILENCE_DB;
      const level: ChannelLevel = {
        rmsDb: event.rmsDb,
        speech: event.speech,
        lastT: event.t,
        lastSoundT: sounding ? event.t : (previous?.lastSoundT ?? event.t),
        lastEventWallMs: nowWallMs,
        ...(previous?.deviceLost ? { deviceLost: true } : {}),
      };
      return { ...state, lastT, levels: { ...state.levels, [event.channel]: level } };
    }
    case 'summary': {
      const { type: _type, callId: _callId, t: _t, ...summary } = event;
      return { ...state, lastT, summary };
    }
    case 'call_ended':
      return {
        ...state,
        lastT,
        status: 'ended',
        endedT: event.t,
        lines: state.lines.filter((l) => l.final),
      };
    case 'problem': {
      const problems = [...state.problems, event].slice(-5);
      if (!event.channel) return { ...state, lastT, problems };
      // The device carrying this side is gone: its meter says so at once, not after a silence.
      const previous = state.levels[event.channel];
      const lost: ChannelLevel = {
        rmsDb: previous?.rmsDb ?? -100,
        speech: false,
        lastT: previous?.lastT ?? event.t,
        lastSoundT: previous?.lastSoundT ?? event.t,
        lastEventWallMs: previous?.lastEventWallMs ?? nowWallMs,
        deviceLost: true,
      };
      return { ...state, lastT, problems, levels: { ...state.levels, [event.channel]: lost } };
    }
    case 'intent':
    case 'whisper':
      return { ...state, lastT };
  }
}

/** Folds a list of events from the initial state (a late join). */
export function replayCallEvents(events: readonly CallEvent[], nowWallMs = Date.now()): CallState {
  return events.reduce((state, event) => applyCallEvent(state, event, nowWallMs), initialCallState);
}

/** Records the user's own action at once, before the engine echoes it. */
export function applyLocalFeedback(
  state: CallState,
  cueId: string,
  action: FeedbackEvent['action'],
): CallState {
  return { ...state, cues: applyFeedback(state.cues, { cueId, action }) };
}

/**
 * Cards to show, in order: pinned first, then newest first; dismissed cards are left out.
 */
export function visibleCues(state: CallState): CueView[] {
  const shown = state.cues.filter((view) => !view.dismissed);
  const newestFirst = [...shown].reverse();
  return [...newestFirst.filter((v) => v.pinned), ...newestFirst.filter((v) => !v.pinned)];
}

/**
 * Seconds shown on the call timer: the engine's latest call time, advanced by the wall clock
 * since that event while the call is live (so it ticks between events).
 */
export function callSeconds(state: CallState, nowWallMs: number): number {
  if (state.status === 'ended') return state.endedT ?? state.lastT;
  if (state.status !== 'live') return 0;
  return state.lastT + Math.max(0, nowWallMs - state.lastEventWallMs) / 1000;
}

export type ChannelHealth =
  | { kind: 'none' }
  | { kind: 'ok'; rmsDb: number; speech: boolean }
  | { kind: 'silent'; seconds: number; rmsDb: number }
  | { kind: 'lost' };

/**
 * Whether a channel looks broken during a live call: its device reported lost, silent for
 * `SILENCE_WARNING_S` seconds of call time, or no level event for `LEVEL_STALE_MS` of wall
 * time. `none` when the source sends no levels at all (a transcript replay).
 */
export function channelHealth(
  state: CallState,
  channel: Channel,
  nowWallMs: number,
): ChannelHealth {
  const level = state.levels[channel];
  if (!level) return { kind: 'none' };
  if (state.status !== 'live') return { kind: 'ok', rmsDb: level.rmsDb, speech: level.speech };
  if (level.deviceLost || nowWallMs - level.lastEventWallMs > LEVEL_STALE_MS) {
    return { kind: 'lost' };
  }
  const silentFor = level.lastT - level.lastSoundT;
  if (silentFor >= SILENCE_WARNING_S) {
    return { kind: 'silent', seconds: Math.floor(silentFor), rmsDb: level.rmsDb };
  }
  return { kind: 'ok', rmsDb: level.rmsDb, speech: level.speech };
}
