/**
 * Picks the right call source for a file: a recording (WAV) or a transcript (WebVTT, SRT,
 * JSON). The kind comes from the file's first bytes; the extension only decides when those do
 * not show one. Anything else gets an error that lists every supported format.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { RecordingSource } from '../audio/recording-source';
import { isWaveFile } from '../audio/wav';
import { decodeHead } from '../transcripts/encoding';
import { SUPPORTED_FORMATS, sniffFormat } from '../transcripts/load';
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

/** Everything `openSource` reads, for error messages. */
export const SUPPORTED_INPUTS =
  'recordings: WAV (16-bit PCM, mono or stereo, any sample rate); ' +
  `transcripts: ${SUPPORTED_FORMATS}`;

/** Bytes read to recognise a file: magic numbers and a transcript's first lines. */
const SNIFF_BYTES = 4096;

/** Media and document kinds people pick by mistake, recognised by their first bytes. */
function otherKindOf(head: Buffer): string | null {
  const ascii = head.toString('latin1', 0, 12);
  // An MPEG audio layer III frame header; a UTF-16 byte order mark (FF FE) is not one.
  if (ascii.startsWith('ID3') || (head[0] === 0xff && (head[1] & 0xe6) === 0xe2)) {
    return 'MP3 audio';
  }
  if (ascii.startsWith('fLaC')) return 'FLAC audio';
  if (ascii.startsWith('OggS')) return 'Ogg audio';
  if (ascii.slice(4, 8) === 'ftyp') return 'MP4/M4A media';
  if (ascii.startsWith('FORM') && /^AIF[FC]$/.test(ascii.slice(8, 12))) return 'AIFF audio';
  if (ascii.startsWith('%PDF')) return 'a PDF document';
  if (ascii.startsWith('PK\x03\x04')) return 'a ZIP archive (for example a Word document)';
  if (ascii.startsWith('{\\rtf')) return 'an RTF document';
  return null;
}

async function readStart(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Opens `file` as a call source, validating that it exists and is a kind Cuecard reads. */
export async function openSource(
  file: string,
  options: OpenSourceOptions = {},
): Promise<CallSource> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new SourceError(`${file}: no such file`);
  if (!info.isFile()) throw new SourceError(`${file}: is not a file`);
  let head: Buffer;
  try {
    head = await readStart(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError(`${file}: cannot read the file (${reason})`);
  }

  const recording = () =>
    new RecordingSource(file, {
      asrModel: options.asrModel,
      lang: options.lang,
      onVadSegments: options.onSpeechFound,
    });
  const transcript = () => TranscriptSource.open(file, { rep: options.rep });
  const name = path.basename(file);
  if (head.length === 0) throw new SourceError(`${name}: the file is empty [${file}]`);
  if (isWaveFile(head)) return recording();
  if (sniffFormat(decodeHead(head))) return transcript();

  const other = otherKindOf(head);
  if (other) {
    throw new SourceError(
      `${name}: this is ${other}, which Cuecard does not read; convert recordings to WAV ` +
        `(e.g. ffmpeg -i IN -c:a pcm_s16le OUT.wav). Supported: ${SUPPORTED_INPUTS} [${file}]`,
    );
  }
  // The first bytes are inconclusive: the extension decides, and that reader says what is wrong.
  const extension = path.extname(file).toLowerCase();
  if (RECORDING_EXTENSIONS.includes(extension)) return recording();
  if (TRANSCRIPT_EXTENSIONS.includes(extension)) return transcript();
  throw new SourceError(
    `${name}: not a recording or transcript Cuecard reads. Supported: ${SUPPORTED_INPUTS} [${file}]`,
  );
}
