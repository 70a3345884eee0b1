/**
 * WebVTT reader on top of `webvtt-parser`: voice spans (`<v Name>`, `<v.class Name>`, with or
 * without `</v>`) and "Name: text" lines give speakers; notes, styles and regions are ignored;
 * other tags are stripped and entities decoded by the parser.
 */
import { createRequire } from 'node:module';
import { HTML_ENTITIES, segmentsFromLines, squashSpaces } from './text';
import { type RawTranscript, type RawTurn, transcriptError } from './types';

const require = createRequire(import.meta.url);
const { WebVTTParser } = require('webvtt-parser') as { WebVTTParser: WebVttParserClass };

interface WebVttNode {
  type: 'text' | 'object' | 'timestamp';
  name?: string;
  value?: string;
  children?: WebVttNode[];
}
interface WebVttCue {
  startTime: number;
  endTime: number;
  text: string;
  tree: { children: WebVttNode[] };
}
interface WebVttParseResult {
  cues: WebVttCue[];
  errors: Array<{ message: string; line: number; col?: number }>;
}
type WebVttParserClass = new (
  entities?: Record<string, string>,
) => { parse(input: string, mode?: string): WebVttParseResult };

const TIMESTAMP = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const TIMING_LINE = new RegExp(`^[ \\t]*${TIMESTAMP}[ \\t]+-->[ \\t]+${TIMESTAMP}(?:[ \\t]+.*)?$`);

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/** Line numbers (1-based) of all cue timing lines, after checking each one strictly. */
function checkCueTimings(lines: string[], displayName: string, file: string): number[] {
  const timingLines: number[] = [];
  let index = 1; // line 0 is the WEBVTT header; its block ends at the first blank line
  while (index < lines.length && lines[index].trim() !== '') index++;

  while (index < lines.length) {
    while (index < lines.length && lines[index].trim() === '') index++;
    if (index >= lines.length) break;
    const blockStart = index;
    let blockEnd = index;
    while (blockEnd < lines.length && lines[blockEnd].trim() !== '') blockEnd++;
    index = blockEnd;

    const first = lines[blockStart];
    if (/^(NOTE|STYLE|REGION)($|[ \t])/.test(first)) continue;
    const timingIndex = first.includes('-->') ? blockStart : blockStart + 1;
    const timing = timingIndex < blockEnd ? lines[timingIndex] : undefined;
    if (timing === undefined || !timing.includes('-->')) {
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
    timingLines.push(timingIndex + 1);
  }
  return timingLines;
}

/** Plain text of a cue-text subtree: text nodes joined, tags dropped, ruby text skipped. */
function flatten(nodes: WebVttNode[] | undefined): string {
  let text = '';
  for (const node of nodes ?? []) {
    if (node.type === 'text') text += node.value ?? '';
    else if (node.type === 'object' && node.name !== 'rt') text += flatten(node.children);
  }
  return text;
}

/** Speaker segments of one cue: one per voice span, plus "Name: text" lines outside spans. */
function cueSegments(cue: WebVttCue): Array<{ name: string | null; text: string }> {
  const segments: Array<{ name: string | null; text: string }> = [];
  let loose = '';
  const flushLoose = () => {
    if (loose.trim() !== '') segments.push(...segmentsFromLines(loose.split('\n')));
    loose = '';
  };
  for (const node of cue.tree.children) {
    if (node.type === 'object' && node.name === 'v') {
      flushLoose();
      const name = squashSpaces(node.value ?? '');
      const text = squashSpaces(flatten(node.children));
      if (text !== '') segments.push({ name: name === '' ? null : name, text });
    } else if (node.type === 'text') {
      loose += node.value ?? '';
    } else if (node.type === 'object') {
      loose += flatten(node.children);
    }
  }
  flushLoose();
  return segments;
}

/** Parses WebVTT text. Throws TranscriptError naming the file and line on malformed input. */
export function parseVtt(content: string, displayName: string, file: string): RawTranscript {
  const lines = content.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT($|[ \t])/.test(lines[0] ?? '')) {
    throw transcriptError(displayName, file, 1, "missing the 'WEBVTT' header on the first line");
  }
  const timingLines = checkCueTimings(lines, displayName, file);

  const parser = new WebVTTParser(HTML_ENTITIES);
  const result = parser.parse(content, 'metadata');
  if (result.cues.length !== timingLines.length) {
    // Our checks passed but the parser still dropped a cue: report what it said.
    const problem = result.errors[0];
    throw transcriptError(
      displayName,
      file,
      problem?.line ?? null,
      problem ? `invalid cue: ${problem.message}` : 'some cues could not be read',
    );
  }

  const turns: RawTurn[] = [];
  for (const cue of result.cues) {
    for (const segment of cueSegments(cue)) {
      turns.push({
        name: segment.name,
        text: segment.text,
        start: cue.startTime,
        end: cue.endTime,
      });
    }
  }
  return { format: 'vtt', turns };
}
