/**
 * JSON transcript reader. The accepted form is documented in docs/transcript-json.md:
 * `{ "turns": [ { "speaker", "text", "start", "end" } ], "rep"?, "lang"? }` or a bare array of
 * turns. Times are seconds. Errors name the file, the JSON path and, when found, the line.
 */
import { z } from 'zod';
import { MAX_TRANSCRIPT_CUES, tooManyCuesError } from './limits';
import { squashSpaces } from './text';
import { type RawTranscript, transcriptError } from './types';

const seconds = z.number().finite().nonnegative();

const TurnSchema = z
  .object({
    speaker: z.string().nullable().optional(),
    text: z.string(),
    start: seconds,
    end: seconds,
  })
  .refine((turn) => turn.end >= turn.start, { message: 'end is before start', path: ['end'] });

const TranscriptObjectSchema = z.object({
  turns: z.array(TurnSchema),
  rep: z.string().optional(),
  lang: z.enum(['en', 'zh']).optional(),
});

const TranscriptJsonSchema = z.union([z.array(TurnSchema), TranscriptObjectSchema]);

/** Renders a JSON path the way people write it: `turns[3].end`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function lineAt(content: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < content.length; i++) if (content[i] === '\n') line++;
  return line;
}

function skipSpace(content: string, at: number): number {
  let i = at;
  while (i < content.length && ' \t\r\n'.includes(content[i])) i++;
  return i;
}

/** Offset just after the JSON value that starts at `at` (the text is known to be valid JSON). */
function skipValue(content: string, at: number): number {
  let depth = 0;
  let i = at;
  do {
    const char = content[i];
    if (char === '"') {
      i++;
      while (i < content.length && content[i] !== '"') i += content[i] === '\\' ? 2 : 1;
      i++;
    } else if (char === '{' || char === '[') {
      depth++;
      i++;
    } else if (char === '}' || char === ']') {
      depth--;
      i++;
    } else if (depth > 0) {
      i++;
    } else {
      while (i < content.length && !',]} \t\r\n'.includes(content[i])) i++;
    }
  } while (depth > 0 && i < content.length);
  return i;
}

/** Offset of the member or element `key` of the object or array starting at `at`, or -1. */
function childOffset(content: string, at: number, key: string | number): number {
  const isObject = content[at] === '{';
  if (isObject !== (typeof key === 'string')) return -1;
  let i = skipSpace(content, at + 1);
  for (let index = 0; i < content.length && content[i] !== '}' && content[i] !== ']'; index++) {
    let name: unknown = index;
    if (isObject) {
      const keyEnd = skipValue(content, i);
      name = JSON.parse(content.slice(i, keyEnd));
      i = skipSpace(content, skipSpace(content, keyEnd) + 1); // past the ':'
    }
    if (name === key) return i;
    i = skipSpace(content, skipValue(content, i));
    if (content[i] === ',') i = skipSpace(content, i + 1);
  }
  return -1;
}

/**
 * Line of the value at `path` (or of its nearest existing parent) in valid JSON text. One pass
 * over the text, without building a document: cheap even for the largest accepted file.
 */
function lineOfPath(content: string, path: ReadonlyArray<PropertyKey>): number {
  let offset = skipSpace(content, content.charCodeAt(0) === 0xfeff ? 1 : 0);
  for (const part of path) {
    if (typeof part === 'symbol') break;
    const child = childOffset(content, offset, part);
    if (child < 0) break;
    offset = child;
  }
  return lineAt(content, offset);
}

/** Line of a JSON.parse syntax error, from "position N" or "line N" in its message. */
function lineOfSyntaxError(content: string, message: string): number | null {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? lineAt(content, Number(position[1])) : null;
}

/** Parses a JSON transcript. Throws TranscriptError naming the file, JSON path and line. */
export function parseJsonTranscript(
  content: string,
  displayName: string,
  file: string,
): RawTranscript & { lang?: 'en' | 'zh' } {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\ufeff/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw transcriptError(
      displayName,
      file,
      lineOfSyntaxError(content, message),
      `invalid JSON: ${message}`,
    );
  }

  const turnList = Array.isArray(data) ? data : (data as { turns?: unknown } | null)?.turns;
  if (Array.isArray(turnList) && turnList.length > MAX_TRANSCRIPT_CUES) {
    throw tooManyCuesError(displayName, file, null);
  }

  const parsed = TranscriptJsonSchema.safeParse(data);
  if (!parsed.success) {
    // A union reports its branches; show the branch that matches the shape the file has.
    const issue = pickIssue(parsed.error, Array.isArray(data));
    const line = lineOfPath(content, issue.path);
    throw transcriptError(displayName, file, line, `${formatPath(issue.path)}: ${issue.message}`);
  }

  const value = parsed.data;
  const turns = Array.isArray(value) ? value : value.turns;
  return {
    format: 'json',
    rep: Array.isArray(value) ? undefined : value.rep,
    lang: Array.isArray(value) ? undefined : value.lang,
    turns: turns
      .map((turn) => ({
        name: turn.speaker?.trim() ? turn.speaker.trim() : null,
        text: squashSpaces(turn.text),
        start: turn.start,
        end: turn.end,
      }))
      .filter((turn) => turn.text !== ''),
  };
}

interface Issue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

function pickIssue(error: z.ZodError, isArray: boolean): Issue {
  const first = error.issues[0];
  if (first.code === 'invalid_union' && 'errors' in first) {
    const branches = (first as { errors: Issue[][] }).errors;
    const branch = branches[isArray ? 0 : 1] ?? branches[0];
    if (branch && branch.length > 0) {
      const inner = branch[0];
      if (!isArray && inner.path.length === 0) {
        return { path: [], message: 'expected an array of turns or an object with "turns"' };
      }
      return inner;
    }
  }
  return { path: first.path, message: first.message };
}
