/**
 * Loads a transcript file (WebVTT, SubRip or JSON, in UTF-8, UTF-16 or GB18030), decides who the
 * rep is, and detects the language. The format comes from the first bytes, the extension only
 * breaking a tie, and garbage is refused after those bytes. Files over MAX_TRANSCRIPT_BYTES are
 * refused before they are read. Bad input becomes a TranscriptError naming the file and line.
 */
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import type { CallLang, Speaker } from '../../contract/events';
import { createLogger } from '../log';
import { detectLang } from '../text/lang';
import { decodeHead, decodeTranscript, HEAD_BYTES, readableEncoding } from './encoding';
import { parseJsonTranscript } from './json';
import { checkCueTimingCount, MAX_TRANSCRIPT_BYTES, tooLargeError } from './limits';
import { parseSrt } from './srt';
import {
  type RawTranscript,
  type Transcript,
  TranscriptError,
  type TranscriptFormat,
  type TranscriptTurn,
  transcriptError,
} from './types';
import { parseVtt, WEBVTT_HEADER } from './vtt';

const log = createLogger('transcripts');

export const SUPPORTED_FORMATS =
  'WebVTT (.vtt), SubRip (.srt), JSON (.json, see docs/transcript-json.md); ' +
  'text in UTF-8, UTF-16 or GB18030';

/** Characters of text the language is detected from: plenty, and cheap for any file. */
const LANG_SAMPLE_CHARS = 20_000;

export interface LoadTranscriptOptions {
  /** Which speaker is the rep (case-insensitive, trimmed); everyone else is the customer. */
  rep?: string;
}

const EXTENSIONS: Record<string, TranscriptFormat> = {
  '.vtt': 'vtt',
  '.srt': 'srt',
  '.json': 'json',
};

/**
 * The format the first lines of a transcript show, or null: a WEBVTT header, a SubRip cue (a
 * cue number, then a timing line), or a JSON object or array.
 */
export function sniffFormat(content: string): TranscriptFormat | null {
  if (WEBVTT_HEADER.test(content)) return 'vtt';
  const trimmed = content.replace(/^\ufeff/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  const [first, second] = trimmed.split(/\r\n|\r|\n/, 2);
  if (/^\d+\s*$/.test(first ?? '') && (second ?? '').includes('-->')) return 'srt';
  return null;
}

function parseByFormat(format: TranscriptFormat, content: string, name: string, file: string) {
  switch (format) {
    case 'vtt':
      return parseVtt(content, name, file);
    case 'srt':
      return parseSrt(content, name, file);
    case 'json':
      return parseJsonTranscript(content, name, file);
  }
}

/** Reads `length` bytes at `position` into `buffer` at the same offset; fewer if the file ends. */
async function readInto(handle: FileHandle, buffer: Buffer, position: number, length: number) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(
      buffer,
      position + done,
      length - done,
      position + done,
    );
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return position + done;
}

/**
 * Reads the text of a transcript and its format. Only the first HEAD_BYTES are read until the
 * format is known and the size accepted.
 */
async function readTranscriptText(file: string, displayName: string) {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw transcriptError(displayName, file, null, `cannot read the file (${reason})`);
  }
  try {
    const size = (await handle.stat()).size;
    const headLength = Math.min(size, HEAD_BYTES);
    const buffer = Buffer.alloc(size <= MAX_TRANSCRIPT_BYTES ? size : headLength);
    const headEnd = await readInto(handle, buffer, 0, headLength);
    const head = buffer.subarray(0, headEnd);
    readableEncoding(head, displayName, file);
    const headText = decodeHead(head);

    const sniffed = sniffFormat(headText);
    const format = sniffed ?? EXTENSIONS[path.extname(file).toLowerCase()];
    if (!format) {
      throw transcriptError(
        displayName,
        file,
        null,
        `not a transcript format Cuecard reads; supported: ${SUPPORTED_FORMATS}`,
      );
    }
    if (!sniffed && size > headEnd) {
      // The start does not look like the format the name promises: its reader explains why
      // from the first lines alone, without reading the rest.
      parseByFormat(format, headText, displayName, file);
    }
    if (size > MAX_TRANSCRIPT_BYTES) throw tooLargeError(displayName, file, size);

    const end = await readInto(handle, buffer, headEnd, size - headEnd);
    return { format, ...decodeTranscript(buffer.subarray(0, end), displayName, file) };
  } catch (error) {
    if (error instanceof TranscriptError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw transcriptError(displayName, file, null, `cannot read the file (${reason})`);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and parses a transcript. Turns are sorted by start time; `speaker` is 'rep' for the
 * rep's turns, 'customer' for every other named speaker and 'unknown' for unnamed cues.
 * Rejects with TranscriptError for unreadable, oversized or malformed files, or an unknown rep.
 */
export async function loadTranscript(
  file: string,
  opts: LoadTranscriptOptions = {},
): Promise<Transcript> {
  const displayName = path.basename(file);
  const { format, text, encoding } = await readTranscriptText(file, displayName);
  if (format !== 'json') checkCueTimingCount(text, displayName, file);
  const raw = parseByFormat(format, text, displayName, file);
  const transcript = resolveTranscript(raw, file, displayName, opts);
  if (encoding === 'gb18030') {
    transcript.warnings.unshift(
      `${displayName}: read as GB18030 (Chinese) text because it is not UTF-8; ` +
        'if the words look wrong, save it as UTF-8',
    );
  }
  log.info(
    { file: displayName, format, encoding, turns: transcript.turns.length, lang: transcript.lang },
    'loadTranscript: loaded',
  );
  return transcript;
}

/** Sorts turns, resolves the rep and detects the language of a parsed transcript. */
export function resolveTranscript(
  raw: RawTranscript & { lang?: CallLang },
  file: string,
  displayName: string,
  opts: LoadTranscriptOptions,
): Transcript {
  if (raw.turns.length === 0) {
    throw transcriptError(displayName, file, null, 'contains no spoken text');
  }
  const sorted = raw.turns
    .map((turn, order) => ({ turn, order }))
    .sort((a, b) => a.turn.start - b.turn.start || a.order - b.order)
    .map(({ turn }) => turn);

  const speakers: string[] = [];
  for (const turn of sorted) {
    if (turn.name !== null && !speakers.includes(turn.name)) speakers.push(turn.name);
  }

  const warnings: string[] = [];
  const rep = pickRep(speakers, raw.rep, opts.rep, displayName, file, warnings);
  const repKey = rep?.trim().toLowerCase() ?? null;
  const turns: TranscriptTurn[] = sorted.map((turn) => {
    let speaker: Speaker = 'unknown';
    if (turn.name !== null)
      speaker = turn.name.trim().toLowerCase() === repKey ? 'rep' : 'customer';
    return { speaker, name: turn.name, text: turn.text, start: turn.start, end: turn.end };
  });

  const lang = raw.lang ?? detectLang(langSample(turns));
  return { file, format: raw.format, lang, speakers, rep, turns, warnings };
}

function pickRep(
  speakers: string[],
  fromTranscript: string | undefined,
  fromUser: string | undefined,
  displayName: string,
  file: string,
  warnings: string[],
): string | null {
  const wanted = fromUser?.trim() || fromTranscript?.trim();
  if (wanted) {
    const found = speakers.find((name) => name.trim().toLowerCase() === wanted.toLowerCase());
    if (found !== undefined) return found;
    const origin = fromUser?.trim() ? 'rep' : 'rep named in the transcript';
    const list = speakers.length > 0 ? speakers.map((name) => `'${name}'`).join(', ') : 'none';
    throw new TranscriptError(
      `${displayName}: ${origin} '${wanted}' is not a speaker in this transcript; speakers found: ${list}`,
      file,
    );
  }
  if (speakers.length === 0) {
    warnings.push(`${displayName}: no speaker names found; every turn is marked 'unknown'`);
    return null;
  }
  warnings.push(
    `${displayName}: no rep given; assuming the first speaker '${speakers[0]}' is the rep ` +
      '(choose with --rep NAME)',
  );
  return speakers[0];
}

/** The first LANG_SAMPLE_CHARS characters of the turns' text. */
function langSample(turns: TranscriptTurn[]): string {
  let sample = '';
  for (const turn of turns) {
    if (sample.length >= LANG_SAMPLE_CHARS) break;
    sample += `${turn.text}\n`;
  }
  return sample;
}
