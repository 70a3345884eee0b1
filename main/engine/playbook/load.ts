/**
 * Loads and validates a playbook folder. Every problem is reported with the file, the line
 * and the field, and all problems of all kinds are collected before failing, so an author
 * fixes them in one pass. Only `PlaybookError` is thrown: a bad playbook never takes its
 * caller down.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Alias, type Document, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import type { CallLang } from '../../contract/events';
import { createLogger } from '../log';
import { checkPlaybook, type Located, nearestName, type PlaybookDraft } from './checks';
import { decodePlaybookText } from './decode';
import { issueAt, PlaybookError, type PlaybookIssue, type PlaybookSource } from './issues';
import {
  Battlecard,
  Evidence,
  type LocalList,
  type LocalText,
  PlaybookFile,
  PlaybookMeta,
  Rule,
  TalkTrack,
} from './schema';
import { checkSchema, isRecord, validParts } from './validate';

export { PlaybookError, type PlaybookIssue } from './issues';

const log = createLogger('playbook');

export interface Playbook {
  dir: string;
  meta: PlaybookMeta;
  evidence: Map<string, Evidence>;
  battlecards: Battlecard[];
  talkTracks: TalkTrack[];
  rules: Rule[];
  battlecardById(id: string): Battlecard | undefined;
  talkTrackById(id: string): TalkTrack | undefined;
  /** The first talk-track that answers `intent`, if any. */
  talkTrackForIntent(intent: string): TalkTrack | undefined;
}

/** Picks the text for `lang`, falling back to English, then to any language. */
export function localText(text: LocalText | undefined, lang: CallLang): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text.en ?? Object.values(text)[0] ?? '';
}

/** Picks the list for `lang`, falling back to English, then to any language. */
export function localList(list: LocalList | undefined, lang: CallLang): string[] {
  if (list === undefined) return [];
  if (Array.isArray(list)) return list;
  return list[lang] ?? list.en ?? Object.values(list)[0] ?? [];
}

/** Every name a competitor goes by: its names in each language and its aliases. */
export function competitorNames(card: Battlecard): string[] {
  const names =
    typeof card.competitor === 'string' ? [card.competitor] : Object.values(card.competitor);
  return [...new Set([...names, ...card.aliases])];
}

function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** The name of `file` in messages: relative to the working folder when it is inside it. */
function displayName(file: string): string {
  const fromCwd = path.relative(process.cwd(), file);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : file;
}

/**
 * Reads every `*.yaml` / `*.yml` file under `dir` (recursively) and returns the merged,
 * validated playbook. Throws `PlaybookError` listing every problem found, and nothing else.
 */
export function loadPlaybook(dir: string): Playbook {
  const root = path.resolve(dir);
  const fail = (message: string): never => {
    throw new PlaybookError([{ file: displayName(root), line: null, field: '', message }]);
  };
  let files: string[] = [];
  try {
    if (!statSync(root).isDirectory())
      fail('is not a folder; a playbook is a folder of YAML files');
    files = listYamlFiles(root);
  } catch (error) {
    if (error instanceof PlaybookError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'playbook folder not found' : `cannot be read (${String(error)})`);
  }
  if (files.length === 0) fail('no .yaml files in the playbook folder');

  const issues: PlaybookIssue[] = [];
  const draft: PlaybookDraft = {
    dir: displayName(root),
    meta: [],
    evidence: [],
    battlecards: [],
    talkTracks: [],
    rules: [],
    unreadable: [],
  };
  for (const file of files) {
    const name = displayName(file);
    const read = readYaml(file, name);
    if (!read.ok) {
      issues.push(...read.issues);
      draft.unreadable.push(name);
      continue;
    }
    issues.push(...collectSections(read.source, read.data, draft));
  }
  issues.push(...checkPlaybook(draft));
  if (issues.length > 0) throw new PlaybookError(inReadingOrder(issues));

  // No issues: every item passed the schema.
  const parsed = <T, D>(items: Located<T, D>[]): T[] => items.map((item) => item.parsed as T);
  const meta = parsed(draft.meta)[0];
  const evidence = new Map(parsed(draft.evidence).map((e) => [e.id, e]));
  const battlecards = parsed(draft.battlecards);
  const talkTracks = parsed(draft.talkTracks);
  const rules = parsed(draft.rules);
  log.info(
    {
      dir: root,
      battlecards: battlecards.length,
      talkTracks: talkTracks.length,
      rules: rules.length,
    },
    'loadPlaybook: loaded',
  );

  const byIntent = new Map<string, TalkTrack>();
  for (const t of talkTracks) if (t.intent && !byIntent.has(t.intent)) byIntent.set(t.intent, t);
  const cardsById = new Map(battlecards.map((b) => [b.id, b]));
  const tracksById = new Map(talkTracks.map((t) => [t.id, t]));
  return {
    dir: root,
    meta,
    evidence,
    battlecards,
    talkTracks,
    rules,
    battlecardById: (id) => cardsById.get(id),
    talkTrackById: (id) => tracksById.get(id),
    talkTrackForIntent: (intent) => byIntent.get(intent),
  };
}

/** Issues by file, then line, so an author can fix them from the top down. */
function inReadingOrder(issues: PlaybookIssue[]): PlaybookIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

type YamlRead =
  | { ok: true; source: PlaybookSource; data: unknown }
  | { ok: false; issues: PlaybookIssue[] };

/** Reads, decodes and parses one YAML file; problems come as `FILE:LINE:COLUMN` issues. */
function readYaml(file: string, name: string): YamlRead {
  const at = (line: number | null, column: number | undefined, message: string) => ({
    ok: false as const,
    issues: [{ file: name, line, ...(column ? { column } : {}), field: '', message }],
  });
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return at(null, undefined, `cannot be read (${String(error)})`);
  }
  const text = decodePlaybookText(bytes);
  if (!text.ok) return at(text.line, text.column, text.message);

  const counter = new LineCounter();
  const doc = parseDocument(text.text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    const issues: PlaybookIssue[] = [];
    for (const error of doc.errors) {
      const { line, col } = counter.linePos(error.pos[0]);
      const message = `YAML syntax: ${yamlMessage(error.message)}`;
      const key = `${line}:${col}:${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ file: name, line, column: col, field: '', message });
    }
    return { ok: false, issues };
  }

  const source: PlaybookSource = { file: name, doc, counter };
  try {
    return { ok: true, source, data: doc.toJS() };
  } catch (error) {
    return at(...aliasProblem(doc, counter, error));
  }
}

/** Where and why parsed YAML cannot become data: an alias without anchor, or an alias bomb. */
function aliasProblem(
  doc: Document,
  counter: LineCounter,
  error: unknown,
): [number, number, string] {
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_, node) => void aliases.push(node) });
  const unresolved = aliases.find((alias) => alias.resolve(doc) === undefined);
  const alias = unresolved ?? aliases[0];
  const { line, col } = counter.linePos(alias?.range?.[0] ?? 0);
  if (unresolved)
    return [
      line,
      col,
      `YAML syntax: alias *${unresolved.source} has no anchor &${unresolved.source} before it`,
    ];
  if (/excessive alias/i.test(String(error)))
    return [
      line,
      col,
      'YAML aliases expand to too much data (an alias bomb?); write the values out instead',
    ];
  return [
    line,
    col,
    `YAML cannot be read as data: ${error instanceof Error ? error.message : String(error)}`,
  ];
}

/** The first line of a yaml package message, without a final full stop or colon. */
function yamlMessage(message: string): string {
  const text = message.split('\n')[0].trim();
  return text.endsWith('.') || text.endsWith(':') ? text.slice(0, -1) : text;
}

/** Each section of a file: its list items, checked one by one. */
const LIST_SECTIONS = {
  evidence: { schema: Evidence, into: 'evidence' },
  battlecards: { schema: Battlecard, into: 'battlecards' },
  talk_tracks: { schema: TalkTrack, into: 'talkTracks' },
  rules: { schema: Rule, into: 'rules' },
} as const;

/** Adds the sections of one file to `draft`; returns their schema problems. */
function collectSections(
  source: PlaybookSource,
  data: unknown,
  draft: PlaybookDraft,
): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  if (data === null || data === undefined) return issues;
  if (!isRecord(data)) {
    issues.push(
      issueAt(
        source,
        [],
        `expected a mapping of sections (${Object.keys(PlaybookFile.shape).join(', ')}), ` +
          `found ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}`,
      ),
    );
    return issues;
  }

  const check = (schema: z.ZodType, value: unknown, at: PropertyKey[]): unknown => {
    const result = checkSchema(schema, value);
    if (result.ok) return result.value;
    for (const problem of result.problems)
      issues.push(
        issueAt(source, [...at, ...problem.path], problem.message, [...at, ...problem.at]),
      );
    return null;
  };

  for (const [section, value] of Object.entries(data)) {
    if (section === 'playbook') {
      const parsed = check(PlaybookMeta, value, ['playbook']) as PlaybookMeta | null;
      const valid = parsed ?? validParts(PlaybookMeta, value);
      draft.meta.push({ value: valid, parsed, source, path: ['playbook'] });
      continue;
    }
    if (!(section in LIST_SECTIONS)) {
      const close = nearestName(section, Object.keys(PlaybookFile.shape));
      issues.push(
        issueAt(
          source,
          [section],
          `unknown section "${section}"${close ? `; did you mean ${close}?` : ''}`,
        ),
      );
      continue;
    }
    // An empty section (`rules:` with nothing under it) is an empty list.
    if (value === null) continue;
    if (!Array.isArray(value)) {
      issues.push(issueAt(source, [section], `expected a list, found a ${typeof value}`));
      continue;
    }
    const { schema, into } = LIST_SECTIONS[section as keyof typeof LIST_SECTIONS];
    value.forEach((item: unknown, index) => {
      const at = [section, index];
      const parsed = check(schema, item, at);
      const located = { value: parsed ?? validParts(schema, item), parsed, source, path: at };
      (draft[into] as Located<unknown>[]).push(located);
    });
  }
  return issues;
}
