/**
 * SubRip (.srt) reader on top of `srt-parser-2`. Cue text may carry "Name: text" speaker labels
 * (each speaker of a cue gets a share of its time in proportion to the words), simple HTML tags
 * and ASS overrides (`{\an8}`), which are stripped.
 */
import SrtParser from 'srt-parser-2';
import { decodeEntities, segmentsFromLines, spreadOverCue, stripMarkup } from './text';
import { type RawTranscript, type RawTurn, transcriptError } from './types';

const TIMESTAMP = String.raw`(\d{1,2}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})`;
const TIMING_LINE = new RegExp(`^[ \\t]*${TIMESTAMP}[ \\t]*-->[ \\t]*${TIMESTAMP}(?:[ \\t].*)?$`);

interface CheckedCue {
  /** 1-based line of the timing line. */
  line: number;
  start: string;
  end: string;
  textLines: string[];
}

function canonicalTimestamp(h: string, m: string, s: string, ms: string): string {
  return `${h.padStart(2, '0')}:${m.padStart(2, '0')}:${s.padStart(2, '0')},${ms.padEnd(3, '0')}`;
}

function toSeconds(timestamp: string): number {
  const [hms, ms] = timestamp.split(',');
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s + Number(ms) / 1000;
}

/** Splits SRT into cues, checking every cue number and timing line strictly. */
function checkCues(lines: string[], displayName: string, file: string): CheckedCue[] {
  const cues: CheckedCue[] = [];
  let index = 0;
  while (index < lines.length) {
    while (index < lines.length && lines[index].trim() === '') index++;
    if (index >= lines.length) break;
    const blockStart = index;
    let blockEnd = index;
    while (blockEnd < lines.length && lines[blockEnd].trim() !== '') blockEnd++;
    index = blockEnd;

    const first = lines[blockStart].trim();
    let timingIndex: number;
    if (/^\d+$/.test(first)) timingIndex = blockStart + 1;
    else if (first.includes('-->')) timingIndex = blockStart;
    else if (cues.length > 0) {
      // A blank line inside a cue's text: keep the text with that cue.
      cues[cues.length - 1].textLines.push(...lines.slice(blockStart, blockEnd));
      continue;
    } else {
      throw transcriptError(
        displayName,
        file,
        blockStart + 1,
        `expected a cue number or timing, found '${first.slice(0, 40)}'`,
      );
    }

    const timing = timingIndex < blockEnd ? lines[timingIndex] : '';
    const match = TIMING_LINE.exec(timing);
    if (!match) {
      throw transcriptError(
        displayName,
        file,
        timingIndex + 1,
        `cue timing '${timing.trim()}' is invalid (expected "HH:MM:SS,mmm --> HH:MM:SS,mmm")`,
      );
    }
    const start = canonicalTimestamp(match[1], match[2], match[3], match[4]);
    const end = canonicalTimestamp(match[5], match[6], match[7], match[8]);
    if (toSeconds(end) < toSeconds(start)) {
      throw transcriptError(
        displayName,
        file,
        timingIndex + 1,
        `cue ends at ${toSeconds(end)} s, before it starts at ${toSeconds(start)} s`,
      );
    }
    cues.push({
      line: timingIndex + 1,
      start,
      end,
      textLines: lines.slice(timingIndex + 1, blockEnd),
    });
  }
  return cues;
}

/** Cues handed to `srt-parser-2` at a time, so its copy of the text stays small. */
const PARSER_BATCH = 1000;

/** Parses SubRip text. Throws TranscriptError naming the file and line on malformed input. */
export function parseSrt(content: string, displayName: string, file: string): RawTranscript {
  const lines = content.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  const checked = checkCues(lines, displayName, file);

  const turns: RawTurn[] = [];
  const parser = new SrtParser();
  for (let first = 0; first < checked.length; first += PARSER_BATCH) {
    const batch = checked.slice(first, first + PARSER_BATCH);
    // Hand the parser a canonical rendering so that mixed ',' / '.' separators and missing cue
    // numbers, which it does not handle, cannot make it drop cues.
    const canonical = batch
      .map((cue, i) => `${i + 1}\n${cue.start} --> ${cue.end}\n${cue.textLines.join('\n')}\n`)
      .join('\n');
    const parsed = parser.fromSrt(canonical);
    if (parsed.length !== batch.length) {
      throw transcriptError(displayName, file, null, 'some cues could not be read');
    }
    for (const cue of parsed) {
      const text = decodeEntities(stripMarkup(cue.text));
      const segments = segmentsFromLines(text.split('\n'));
      turns.push(...spreadOverCue(segments, cue.startSeconds, cue.endSeconds));
    }
  }
  return { format: 'srt', turns };
}
