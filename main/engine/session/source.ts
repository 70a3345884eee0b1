/**
 * Where a call's words come from: a transcript file, a recording, or live devices. A source
 * pushes what it hears into a `CallSourceSink`; the call session turns that into intents,
 * cues, storage and events. Times are seconds of call time.
 */
import type { CallLang, Speaker } from '../../contract/events';

/** A final utterance as a source reports it. */
export interface SourceUtterance {
  speaker: Speaker;
  text: string;
  /** Seconds of call time. */
  start: number;
  end: number;
  /** Display name of the speaker when known (transcripts). */
  name?: string;
  /** Language when the source knows it (ASR model or transcript); otherwise detected. */
  lang?: CallLang;
}

export interface CallSourceSink {
  partial(speaker: Speaker, text: string, t: number): void;
  utterance(utterance: SourceUtterance): void;
  /** Level of one channel over the last block: RMS in dBFS, and whether VAD hears speech. */
  level(channel: 'rep' | 'customer', rmsDb: number, speech: boolean, t: number): void;
  /**
   * A problem the user should see. `fatal` ends the call. `channel` names the side a failed
   * input device carried, when the problem is about one.
   */
  problem(
    code: string,
    message: string,
    fatal: boolean,
    t: number,
    channel?: 'rep' | 'customer',
  ): void;
}

export interface CallSource {
  /** Human-readable origin, e.g. the file name or device names. */
  readonly description: string;
  /** Language the source expects, when it knows (a transcript's detected language). */
  readonly lang?: CallLang;
  /**
   * Pushes the call into `sink` until the input ends or `signal` aborts. With `realtime`,
   * events come at the pace of the call; otherwise as fast as possible.
   * Rejects only for errors that make the whole source unusable (bad file, missing model).
   */
  run(sink: CallSourceSink, options: { realtime: boolean; signal: AbortSignal }): Promise<void>;
}
