/**
 * What a loaded transcript looks like, whatever its file format. Times are seconds of call time.
 */
import type { CallLang, Speaker } from '../../contract/events';

export type TranscriptFormat = 'vtt' | 'srt' | 'json';

/** One speaker turn: a cue (or part of a cue) spoken by one person. */
export interface TranscriptTurn {
  speaker: Speaker;
  /** Display name as written in the file, or null when the cue names no speaker. */
  name: string | null;
  text: string;
  /** Seconds from the start of the call. */
  start: number;
  /** Seconds from the start of the call; never before `start`. */
  end: number;
}

export interface Transcript {
  /** Path the transcript was read from. */
  file: string;
  format: TranscriptFormat;
  lang: CallLang;
  /** Distinct speaker names in order of first appearance. */
  speakers: string[];
  /** Name of the speaker taken as the rep, as written in the file; null when no one is named. */
  rep: string | null;
  /** Turns sorted by start time (stable for equal starts). */
  turns: TranscriptTurn[];
  /** Things the user should know, e.g. that the rep was guessed. */
  warnings: string[];
}

/** A turn as a format reader produces it, before speakers are resolved to rep/customer. */
export interface RawTurn {
  name: string | null;
  text: string;
  start: number;
  end: number;
}

/** What a format reader returns. */
export interface RawTranscript {
  format: TranscriptFormat;
  turns: RawTurn[];
  /** Rep named inside the transcript itself (JSON `rep`), if any. */
  rep?: string;
}

/** Bad transcript input. The message names the file and, when known, the line or JSON path. */
export class TranscriptError extends Error {
  override readonly name = 'TranscriptError';
  /** Problem code when a replay reports this error. */
  readonly code = 'transcript_format';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null = null,
  ) {
    super(message);
  }
}

/** Builds a TranscriptError whose message reads "x.vtt line 12: what is wrong". */
export function transcriptError(
  displayName: string,
  file: string,
  line: number | null,
  problem: string,
): TranscriptError {
  const where = line === null ? displayName : `${displayName} line ${line}`;
  return new TranscriptError(`${where}: ${problem}`, file, line);
}
