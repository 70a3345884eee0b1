/**
 * JSON transcript reader. The accepted form is documented in docs/transcript-json.md:
 * `{ "turns": [ { "speaker", "text", "start", "end" } ], "rep"?, "lang"? }` or a bare array of
 * turns. Times are seconds. Errors name the file, the JSON path and, when found, the line.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
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

/** Line of the value at `path` (or of its nearest existing parent), or null. */
function lineOfPath(content: string, path: ReadonlyArray<PropertyKey>): number | null {
  try {
    const doc = parseDocument(content);
    for (let depth = path.length; depth >= 0; depth--) {
      const keys = path
        .slice(0, depth)
        .map((part) => (typeof part === 'symbol' ? String(part) : part));
      const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lineAt(content, range[0]);
    }
  } catch {
    // Locating is best effort; the path alone still names the field.
  }
  return null;
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
