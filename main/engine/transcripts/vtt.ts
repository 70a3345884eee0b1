/**
 * WebVTT reader. Cue blocks and timings are read and checked here, line by line; each cue's text
 * goes through the cue-text parser of `webvtt-parser`, which resolves tags and entities. Voice
 * spans (`<v Name>`, `<v.class Name>`, with or without `</v>`) and "Name: text" lines give
 * speakers: one turn per span or line, each with a share of the cue's time in proportion to its
 * length. Notes, styles and regions are ignored. Only one cue's tree is alive at a time, so
 * memory follows the turns kept.
 */
import { createRequire } from 'node:module';
import { HTML_ENTITIES, segmentsFromLines, spreadOverCue, squashSpaces } from './text';
import { type RawTranscript, type RawTurn, transcriptError } from './types';

const require = createRequire(import.meta.url);
const { WebVTTCueTextParser } = require('webvtt-parser') as {
  WebVTTCueTextParser: WebVttCueTextParserClass;
};

interface WebVttNode {
  type: 'text' | 'object' | 'timestamp';
  name?: string;
  value?: string;
  children?: WebVttNode[];
}
type WebVttCueTextParserClass = new (
  text: string,
  onError: (message: string, col: number) => void,
  mode: 'metadata',
  entities: Record<string, string>,
) => { parse(cueStart: number, cueEnd: number): { children: WebVttNode[] } };

/** The first line of every WebVTT file, after an optional byte order mark. */
export const WEBVTT_HEADER = /^\ufeff?WEBVTT(?:[ \t\r\n]|$)/;

const TIMESTAMP = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const TIMING_LINE = new RegExp(`^[ \\t]*${TIMESTAMP}[ \\t]+-->[ \\t]+${TIMESTAMP}(?:[ \\t]+.*)?$`);

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

interface VttCue {
  /** 1-based line of the timing line. */
  line: number;
  start: number;
  end: number;
  text: string;
}

/**
 * The cues of a WebVTT file in file order, each timing line checked strictly. A timing line in
 * the middle of a cue's text starts a new cue, as browsers read it.
 */
function* cuesOf(lines: string[], displayName: string, file: string): Generator<VttCue> {
  let index = 1; // line 0 is the WEBVTT header; its block ends at the first blank line
  while (index < lines.length && lines[index].trim() !== '') index++;

  while (index < lines.length) {
    while (index < lines.length && lines[index].trim() === '') index++;
    if (index >= lines.length) break;
    const blockStart = index;
    const first = lines[blockStart];
    if (/^(NOTE|STYLE|REGION)($|[ \t])/.test(first)) {
      while (index < lines.length && lines[index].trim() !== '') index++;
      continue;
    }

    const timingIndex = first.includes('-->') ? blockStart : blockStart + 1;
    const timing = lines[timingIndex];
    if (timing === undefined || timing.trim() === '' || !timing.includes('-->')) {
      throw transcriptError(
        displayName,
        file,
        blockStart + 1,
        `text '${first.slice(0, 40)}' has no cue timing before it ` +
          '(expected "HH:MM:SS.mmm --> HH:MM:SS.mmm"; a blank line inside a cue ends it)',
      );
    }
    const match = TIMING_LINE.exec(timing);
    if (!match) {
      throw transcriptError(
        displayName,
        file,
        timingIndex + 1,
        `cue timing '${timing.trim()}' is invalid (expected "HH:MM:SS.mmm --> HH:MM:SS.mmm")`,
      );
    }
    const start = seconds(match[1], match[2], match[3], match[4]);
    const end = seconds(match[5], match[6], match[7], match[8]);
    if (end < start) {
      throw transcriptError(
        displayName,
        file,
        timingIndex + 1,
        `cue ends at ${end} s, before it starts at ${start} s`,
      );
    }

    index = timingIndex + 1;
    const textLines: string[] = [];
    while (index < lines.length && lines[index].trim() !== '' && !lines[index].includes('-->')) {
      textLines.push(lines[index]);
      index++;
    }
    yield { line: timingIndex + 1, start, end, text: textLines.join('\n') };
  }
}

/** One stretch of cue text and the voice it is in: a name, null for `<v>` without one. */
interface VoicePiece {
  voice: string | null | undefined;
  text: string;
}

/**
 * The cue text cut at every voice change, in order. A `<v>` opened inside another (a missing
 * `</v>`) starts a new speaker; text after `</v>` belongs to the enclosing voice again; text
 * outside any span has voice `undefined`. Ruby annotations (`<rt>`) are skipped.
 */
function voicePieces(nodes: WebVttNode[]): VoicePiece[] {
  const pieces: VoicePiece[] = [];
  const add = (voice: VoicePiece['voice'], text: string) => {
    const last = pieces.at(-1);
    if (last && last.voice === voice) last.text += text;
    else pieces.push({ voice, text });
  };
  const visit = (children: WebVttNode[] | undefined, voice: VoicePiece['voice']) => {
    for (const node of children ?? []) {
      if (node.type === 'text') add(voice, node.value ?? '');
      else if (node.type === 'object' && node.name === 'v') {
        visit(node.children, squashSpaces(node.value ?? '') || null);
      } else if (node.type === 'object' && node.name !== 'rt') visit(node.children, voice);
    }
  };
  visit(nodes, undefined);
  return pieces;
}

/** Speaker segments of one cue: one per voice span, plus one per "Name: text" line outside. */
function cueSegments(nodes: WebVttNode[]): Array<{ name: string | null; text: string }> {
  const segments: Array<{ name: string | null; text: string }> = [];
  for (const piece of voicePieces(nodes)) {
    if (piece.voice === undefined) {
      segments.push(...segmentsFromLines(piece.text.split('\n')));
      continue;
    }
    const text = squashSpaces(piece.text);
    if (text !== '') segments.push({ name: piece.voice, text });
  }
  return segments;
}

/** Parses WebVTT text. Throws TranscriptError naming the file and line on malformed input. */
export function parseVtt(content: string, displayName: string, file: string): RawTranscript {
  const lines = content.split(/\r\n|\r|\n/);
  if (!WEBVTT_HEADER.test(lines[0] ?? '')) {
    throw transcriptError(displayName, file, 1, "missing the 'WEBVTT' header on the first line");
  }

  const turns: RawTurn[] = [];
  const ignoreMarkupErrors = () => {};
  for (const cue of cuesOf(lines, displayName, file)) {
    const text = cue.text.replace(/\0/g, '\ufffd');
    const tree = new WebVTTCueTextParser(text, ignoreMarkupErrors, 'metadata', HTML_ENTITIES).parse(
      cue.start,
      cue.end,
    );
    turns.push(...spreadOverCue(cueSegments(tree.children), cue.start, cue.end));
  }
  return { format: 'vtt', turns };
}
