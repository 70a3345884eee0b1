/**
 * Loads and validates a playbook folder. Every problem is reported with the file, the line
 * and the field, and all problems are collected before failing so an author fixes them in one
 * pass.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { CallLang } from '../../contract/events';
import { createLogger } from '../log';
import {
  type Battlecard,
  type Evidence,
  type LocalList,
  type LocalText,
  PlaybookFile,
  type PlaybookMeta,
  type Rule,
  type TalkTrack,
} from './schema';

const log = createLogger('playbook');

export interface PlaybookIssue {
  file: string;
  /** 1-based line, or null when the problem is not tied to a line. */
  line: number | null;
  /** Dotted path of the field, e.g. `rules[2].when.count`. */
  field: string;
  message: string;
}

export class PlaybookError extends Error {
  constructor(readonly issues: PlaybookIssue[]) {
    super(
      `playbook has ${issues.length} problem(s):\n` +
        issues
          .map(
            (i) =>
              `  ${i.file}${i.line ? `:${i.line}` : ''}: ${i.field ? `${i.field}: ` : ''}${i.message}`,
          )
          .join('\n'),
    );
    this.name = 'PlaybookError';
  }
}

/** Where an item was defined, for error messages that point back at the source. */
interface Origin {
  file: string;
  line: number | null;
}

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

function formatPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function lineOf(
  doc: Document,
  counter: LineCounter,
  parts: ReadonlyArray<PropertyKey>,
): number | null {
  // Walk up until a node exists: a missing field is reported at its parent's line.
  for (let n = parts.length; n >= 0; n--) {
    const node = doc.getIn(parts.slice(0, n) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
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

/**
 * Reads every `*.yaml` / `*.yml` file under `dir` (recursively) and returns the merged,
 * validated playbook. Throws `PlaybookError` listing every problem found.
 */
export function loadPlaybook(dir: string): Playbook {
  const root = path.resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new PlaybookError([
      { file: root, line: null, field: '', message: 'playbook folder not found' },
    ]);
  }
  if (!isDir) {
    throw new PlaybookError([
      {
        file: root,
        line: null,
        field: '',
        message: 'is not a folder; a playbook is a folder of YAML files',
      },
    ]);
  }
  const files = listYamlFiles(root);
  if (files.length === 0) {
    throw new PlaybookError([
      { file: root, line: null, field: '', message: 'no .yaml files in the playbook folder' },
    ]);
  }

  const issues: PlaybookIssue[] = [];
  let meta: PlaybookMeta | undefined;
  const evidence = new Map<string, Evidence>();
  const battlecards: Battlecard[] = [];
  const talkTracks: TalkTrack[] = [];
  const rules: Rule[] = [];
  const origins = new Map<string, Origin>();
  const ruleOrigins: Array<{
    rule: Rule;
    file: string;
    doc: Document;
    counter: LineCounter;
    index: number;
  }> = [];

  for (const file of files) {
    const fromCwd = path.relative(process.cwd(), file);
    const rel = fromCwd && !fromCwd.startsWith('..') ? fromCwd : file;
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), {
      lineCounter: counter,
      prettyErrors: true,
    });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        issues.push({
          file: rel,
          line: e.linePos?.[0]?.line ?? null,
          field: '',
          message: `YAML syntax: ${e.message.split('\n')[0]}`,
        });
      }
      continue;
    }
    const parsed = PlaybookFile.safeParse(doc.toJS() ?? {}, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // Point an unknown key at its own line rather than at the object holding it.
        const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
        issues.push({
          file: rel,
          line: lineOf(doc, counter, at),
          field: formatPath(issue.path),
          message: describeIssue(issue),
        });
      }
      continue;
    }
    const content = parsed.data;

    const claim = (kind: string, itemId: string, section: string, index: number): boolean => {
      const key = `${kind}:${itemId}`;
      const previous = origins.get(key);
      const line = lineOf(doc, counter, [section, index, 'id']);
      if (previous) {
        issues.push({
          file: rel,
          line,
          field: `${section}[${index}].id`,
          message: `duplicate ${kind} id "${itemId}" (first defined in ${previous.file}${previous.line ? `:${previous.line}` : ''})`,
        });
        return false;
      }
      origins.set(key, { file: rel, line });
      return true;
    };

    if (content.playbook) {
      if (meta)
        issues.push({
          file: rel,
          line: lineOf(doc, counter, ['playbook']),
          field: 'playbook',
          message: 'the playbook section is defined in more than one file',
        });
      meta = content.playbook;
    }
    content.evidence?.forEach((e, i) => {
      if (claim('evidence', e.id, 'evidence', i)) evidence.set(e.id, e);
    });
    content.battlecards?.forEach((b, i) => {
      if (claim('battlecard', b.id, 'battlecards', i)) battlecards.push(b);
    });
    content.talk_tracks?.forEach((t, i) => {
      if (claim('talk-track', t.id, 'talk_tracks', i)) talkTracks.push(t);
    });
    content.rules?.forEach((r, i) => {
      if (claim('rule', r.id, 'rules', i)) {
        rules.push(r);
        ruleOrigins.push({ rule: r, file: rel, doc, counter, index: i });
      }
    });
  }

  // Cross-references: only checkable once every file is read.
  const talkTrackIds = new Set(talkTracks.map((t) => t.id));
  const battlecardIds = new Set(battlecards.map((b) => b.id));
  for (const t of talkTracks) {
    t.evidence.forEach((evidenceId, i) => {
      if (!evidence.has(evidenceId)) {
        const o = origins.get(`talk-track:${t.id}`)!;
        issues.push({
          file: o.file,
          line: o.line,
          field: `talk_tracks(${t.id}).evidence[${i}]`,
          message: `unknown evidence id "${evidenceId}"`,
        });
      }
    });
  }
  for (const { rule, file, doc, counter, index } of ruleOrigins) {
    rule.then.forEach((action, a) => {
      if (!('show' in action) || typeof action.show === 'string') return;
      const at = (field: string) => ({
        file,
        line: lineOf(doc, counter, ['rules', index, 'then', a, 'show']),
        field: `rules[${index}].then[${a}].show.${field}`,
      });
      if ('talk_track' in action.show && !talkTrackIds.has(action.show.talk_track)) {
        issues.push({
          ...at('talk_track'),
          message: `unknown talk-track "${action.show.talk_track}"`,
        });
      }
      if ('battlecard' in action.show && !battlecardIds.has(action.show.battlecard)) {
        issues.push({
          ...at('battlecard'),
          message: `unknown battlecard "${action.show.battlecard}"`,
        });
      }
    });
    if (rule.when.competitor && !battlecardIds.has(rule.when.competitor)) {
      issues.push({
        file,
        line: lineOf(doc, counter, ['rules', index, 'when', 'competitor']),
        field: `rules[${index}].when.competitor`,
        message: `unknown battlecard "${rule.when.competitor}"`,
      });
    }
  }

  if (issues.length > 0) throw new PlaybookError(issues);
  if (!meta) meta = { name: path.basename(root), own_names: [] };
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

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.input === undefined) {
    return issue.code === 'invalid_type'
      ? `missing required field (expected ${issue.expected})`
      : 'missing required field';
  }
  return issue.message;
}
