/**
 * Playbook problems and where they are: the file, the line (and for YAML and encoding errors
 * the column) and the dotted field path, e.g. `rules[2].when.count`.
 */
import { type Document, isMap, isNode, isScalar, type LineCounter } from 'yaml';

export interface PlaybookIssue {
  file: string;
  /** 1-based line, or null when the problem is not tied to a line. */
  line: number | null;
  /** 1-based column, given for YAML syntax and encoding errors. */
  column?: number;
  /** Dotted path of the field, e.g. `rules[2].when.count`; empty for file-level problems. */
  field: string;
  message: string;
}

/** Every problem of a playbook; the message lists them one per line as `FILE:LINE: ...`. */
export class PlaybookError extends Error {
  constructor(readonly issues: PlaybookIssue[]) {
    super(`playbook has ${issues.length} problem(s):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'PlaybookError';
  }
}

/** `FILE:LINE[:COLUMN]: [FIELD: ]MESSAGE`, indented for the error's list. */
function formatIssue(issue: PlaybookIssue): string {
  const line = issue.line ? `:${issue.line}${issue.column ? `:${issue.column}` : ''}` : '';
  return `  ${issue.file}${line}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

/** One YAML file of a playbook, parsed, with what is needed to point back into it. */
export interface PlaybookSource {
  /** The file as it is named in messages: relative to the working folder when inside it. */
  file: string;
  doc: Document;
  counter: LineCounter;
}

/** The problem `message` about the field at `path` of `source`. */
export function issueAt(
  source: PlaybookSource,
  path: ReadonlyArray<PropertyKey>,
  message: string,
  pointAt: ReadonlyArray<PropertyKey> = path,
): PlaybookIssue {
  return { file: source.file, line: lineOf(source, pointAt), field: formatPath(path), message };
}

/** `file:line` of the field at `path`, for messages that point at another place. */
export function placeOf(source: PlaybookSource, path: ReadonlyArray<PropertyKey>): string {
  const line = lineOf(source, path);
  return line ? `${source.file}:${line}` : source.file;
}

export function formatPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function lineOf(source: PlaybookSource, parts: ReadonlyArray<PropertyKey>): number | null {
  // Walk up until a node exists: a missing field is reported at its parent's line.
  for (let n = parts.length; n >= 0; n--) {
    const offset = startOf(source.doc, parts.slice(0, n));
    if (offset !== null) return source.counter.linePos(offset).line;
  }
  return null;
}

/** Where the field at `parts` starts: its key for a mapping entry, else its value. */
function startOf(doc: Document, parts: ReadonlyArray<PropertyKey>): number | null {
  const last = parts.at(-1);
  if (typeof last === 'string') {
    const parent = doc.getIn(parts.slice(0, -1) as unknown[], true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return range[0];
    }
  }
  const node = parts.length === 0 ? doc.contents : doc.getIn(parts as unknown[], true);
  return isNode(node) && node.range ? node.range[0] : null;
}
