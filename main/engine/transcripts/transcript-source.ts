/**
 * Replays a loaded transcript as a call: each turn becomes a final utterance at its end time.
 * At real-time pace the replay follows a monotonic call clock and sends growing partial text
 * during each turn (for the live transcript); in fast mode it sends the utterances at once.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CallLang, Speaker } from '../../contract/events';
import { createLogger } from '../log';
import type { CallSource, CallSourceSink } from '../session/source';
import { type LoadTranscriptOptions, loadTranscript } from './load';
import type { Transcript, TranscriptTurn } from './types';

const log = createLogger('transcript-source');

/** At most this many partials per turn, and no more than one per this many seconds. */
const MAX_PARTIALS_PER_TURN = 4;
const SECONDS_PER_PARTIAL = 0.5;

type ReplayStep =
  | { kind: 'partial'; t: number; speaker: Speaker; text: string }
  | { kind: 'final'; t: number; turn: TranscriptTurn };

/** Words for English-like text; single characters for CJK text (which has no spaces). */
function tokens(text: string, lang: CallLang): { parts: string[]; joiner: string } {
  if (lang === 'zh' || !/\s/.test(text)) return { parts: Array.from(text), joiner: '' };
  return { parts: text.split(/\s+/), joiner: ' ' };
}

/** Partial texts of one turn, growing word by word, at evenly spaced times inside the turn. */
function partialsOf(turn: TranscriptTurn, lang: CallLang): ReplayStep[] {
  const duration = turn.end - turn.start;
  const { parts, joiner } = tokens(turn.text, lang);
  const count = Math.min(
    MAX_PARTIALS_PER_TURN,
    parts.length - 1,
    Math.floor(duration / SECONDS_PER_PARTIAL),
  );
  const steps: ReplayStep[] = [];
  for (let k = 1; k <= count; k++) {
    const shown = Math.max(1, Math.round((parts.length * k) / (count + 1)));
    steps.push({
      kind: 'partial',
      t: turn.start + (duration * k) / (count + 1),
      speaker: turn.speaker,
      text: parts.slice(0, shown).join(joiner),
    });
  }
  return steps;
}

/** The replay plan: partials (real-time only) and finals, ordered by call time. */
export function replaySteps(transcript: Transcript, withPartials: boolean): ReplayStep[] {
  const steps: ReplayStep[] = [];
  for (const turn of transcript.turns) {
    if (withPartials) steps.push(...partialsOf(turn, transcript.lang));
    steps.push({ kind: 'final', t: turn.end, turn });
  }
  // Stable sort keeps turn order for equal times; partials of a turn precede its final.
  return steps
    .map((step, order) => ({ step, order }))
    .sort((a, b) => a.step.t - b.step.t || a.order - b.order)
    .map(({ step }) => step);
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. Leaves no timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A CallSource that replays a transcript file. */
export class TranscriptSource implements CallSource {
  readonly description: string;
  readonly lang: CallLang;

  constructor(readonly transcript: Transcript) {
    this.description = path.basename(transcript.file);
    this.lang = transcript.lang;
  }

  /** Loads `file` and wraps it; rejects with TranscriptError on bad input. */
  static async open(file: string, opts: LoadTranscriptOptions = {}): Promise<TranscriptSource> {
    return new TranscriptSource(await loadTranscript(file, opts));
  }

  /**
   * Replays until the last turn or until `signal` aborts (then resolves promptly). With
   * `realtime`, an event for call time `t` is sent when `t` seconds have passed since `run`
   * was called (monotonic clock).
   */
  async run(
    sink: CallSourceSink,
    options: { realtime: boolean; signal: AbortSignal },
  ): Promise<void> {
    const { realtime, signal } = options;
    const steps = replaySteps(this.transcript, realtime);
    const runStartMs = performance.now();
    log.info({ source: this.description, steps: steps.length, realtime }, 'run: replay started');
    for (const warning of this.transcript.warnings)
      sink.problem('transcript_warning', warning, false, 0);

    let sent = 0;
    for (const step of steps) {
      if (signal.aborted) break;
      if (realtime) {
        await sleep(step.t * 1000 - (performance.now() - runStartMs), signal);
        if (signal.aborted) break;
      } else if (sent > 0 && sent % 100 === 0) {
        // Let an abort (and other work) in during long fast replays.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) break;
      }
      this.emit(sink, step);
      sent++;
    }
    log.info({ source: this.description, sent, aborted: signal.aborted }, 'run: replay ended');
  }

  private emit(sink: CallSourceSink, step: ReplayStep): void {
    if (step.kind === 'partial') {
      sink.partial(step.speaker, step.text, step.t);
      return;
    }
    const { turn } = step;
    sink.utterance({
      speaker: turn.speaker,
      text: turn.text,
      start: turn.start,
      end: turn.end,
      ...(turn.name !== null ? { name: turn.name } : {}),
      lang: this.lang,
    });
  }
}
