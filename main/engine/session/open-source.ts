/**
 * Picks the right call source for a file: a recording (WAV) or a transcript (WebVTT, SRT,
 * JSON). Unknown kinds get an error that lists what is supported.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { RecordingSource } from '../audio/recording-source';
import { TranscriptSource } from '../transcripts/transcript-source';
import type { CallSource } from './source';

export interface OpenSourceOptions {
  /** Transcript speaker who is the rep; everyone else is the customer. */
  rep?: string;
  lang?: 'en' | 'zh' | 'auto';
  /** ASR model name for recordings (default: the manifest's default). */
  asrModel?: string;
  /** Called with the speech found per channel before a recording needs its ASR model. */
  onSpeechFound?: ConstructorParameters<typeof RecordingSource>[1] extends infer O
    ? O extends { onVadSegments?: infer F }
      ? F
      : never
    : never;
}

export class SourceError extends Error {
  readonly code = 'bad_source';
}

export const TRANSCRIPT_EXTENSIONS = ['.vtt', '.srt', '.json'];
export const RECORDING_EXTENSIONS = ['.wav'];

/** Opens `file` as a call source, validating that it exists. */
export async function openSource(
  file: string,
  options: OpenSourceOptions = {},
): Promise<CallSource> {
  if (!existsSync(file)) throw new SourceError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new SourceError(`${file}: is not a file`);
  const ext = path.extname(file).toLowerCase();
  if (RECORDING_EXTENSIONS.includes(ext)) {
    return new RecordingSource(file, {
      asrModel: options.asrModel,
      lang: options.lang,
      onVadSegments: options.onSpeechFound,
    });
  }
  return TranscriptSource.open(file, { rep: options.rep });
}
