/**
 * Loads a transcript file (WebVTT, SubRip or JSON), decides who the rep is, and detects the
 * language. Bad input becomes a TranscriptError naming the file and line; it never crashes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallLang, Speaker } from '../../contract/events';
import { createLogger } from '../log';
import { parseJsonTranscript } from './json';
import { parseSrt } from './srt';
import { detectLang } from '../text/lang';
import {
  type RawTranscript,
  type Transcript,
  type TranscriptFormat,
  TranscriptError,
  type TranscriptTurn,
  transcriptError,
} from './types';
import { parseVtt } from './vtt';

const log = createLogger('transcripts');

export const SUPPORTED_FORMATS =
  'WebVTT (.vtt), SubRip (.srt), JSON (.json, see docs/transcript-json.md)';

export interface LoadTranscriptOptions {
  /** Which speaker is the rep (case-insensitive, trimmed); everyone else is the customer. */
  rep?: string;
}

const EXTENSIONS: Record<string, TranscriptFormat> = {
  '.vtt': 'vtt',
  '.srt': 'srt',
  '.json': 'json',
};

/** Guesses the format of a file with an unknown extension from its first lines. */
export function sniffFormat(content: string): TranscriptFormat | null {
  const text = content.replace(/^\ufeff/, '');
  if (/^WEBVTT($|[ \t\r\n])/.test(text)) return 'vtt';
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  const [first, second] = trimmed.split(/\r\n|\r|\n/);
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

/**
 * Reads and parses a transcript. Turns are sorted by start time; `speaker` is 'rep' for the
 * rep's turns, 'customer' for every other named speaker and 'unknown' for unnamed cues.
 * Rejects with TranscriptError for unreadable files, malformed content, or an unknown rep.
 */
export async function loadTranscript(
  file: string,
  opts: LoadTranscriptOptions = {},
): Promise<Transcript> {
  const displayName = path.basename(file);
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw transcriptError(displayName, file, null, `cannot read the file (${reason})`);
  }

  const extension = path.extname(file).toLowerCase();
  const format = EXTENSIONS[extension] ?? sniffFormat(content);
  if (!format) {
    throw transcriptError(
      displayName,
      file,
      null,
      `not a transcript format Cuecard reads; supported: ${SUPPORTED_FORMATS}`,
    );
  }
  const raw = parseByFormat(format, content, displayName, file);
  const transcript = resolveTranscript(raw, file, displayName, opts);
  log.info(
    { file: displayName, format, turns: transcript.turns.length, lang: transcript.lang },
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

  const lang = raw.lang ?? detectLang(turns.map((turn) => turn.text).join('\n'));
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
