/**
 * How large a transcript Cuecard reads. A call transcript is small (a 10-hour call is typically
 * 1-2 MB and 10,000-20,000 cues); these limits only stop files that cannot be a call, before
 * they cost the machine its memory.
 */
import { type TranscriptError, transcriptError } from './types';

/** Largest transcript file, in bytes (20 MB). Checked before the file is read. */
export const MAX_TRANSCRIPT_BYTES = 20_000_000;

/** Most cues (WebVTT or SubRip cues, JSON turns) one transcript may hold. */
export const MAX_TRANSCRIPT_CUES = 100_000;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The error for a file over MAX_TRANSCRIPT_BYTES. */
export function tooLargeError(displayName: string, file: string, bytes: number): TranscriptError {
  return transcriptError(
    displayName,
    file,
    null,
    `the file is ${megabytes(bytes)}; Cuecard reads transcripts up to ` +
      `${megabytes(MAX_TRANSCRIPT_BYTES)} (a 10-hour call is typically 1-2 MB). ` +
      'Check that this is a call transcript, or split it',
  );
}

/** The error for a transcript with more than MAX_TRANSCRIPT_CUES cues; `line` is where. */
export function tooManyCuesError(
  displayName: string,
  file: string,
  line: number | null,
): TranscriptError {
  return transcriptError(
    displayName,
    file,
    line,
    `more than ${MAX_TRANSCRIPT_CUES.toLocaleString('en-US')} cues; Cuecard reads transcripts of ` +
      'up to that many (a 10-hour call has about 20,000). Check that this is a call transcript, ' +
      'or split it',
  );
}

/**
 * Throws when WebVTT or SubRip `text` holds more than MAX_TRANSCRIPT_CUES cue timings ("-->"),
 * naming the line of the first one over. Counted before parsing, so it costs one scan.
 */
export function checkCueTimingCount(text: string, displayName: string, file: string): void {
  let count = 0;
  for (let at = text.indexOf('-->'); at !== -1; at = text.indexOf('-->', at + 3)) {
    if (++count > MAX_TRANSCRIPT_CUES) {
      let line = 1;
      for (let nl = text.indexOf('\n'); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1))
        line++;
      throw tooManyCuesError(displayName, file, line);
    }
  }
}
