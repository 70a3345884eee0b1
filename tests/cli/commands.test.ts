import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent, UtteranceEvent } from '../../main/contract/events';
import { CallStore } from '../../main/engine/store/call-store';
import { summarizeCall } from '../../main/engine/summary/summarize';
import { cuecard, jsonLines, vttOf } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/shared';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-cli-commands-'));
const dataDir = path.join(tmp, 'data');
const env = { CUECARD_DATA_DIR: dataDir };
const db = path.join(tmp, 'calls.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const utterance = (
  id: string,
  speaker: UtteranceEvent['speaker'],
  text: string,
  start: number,
): UtteranceEvent => ({
  type: 'utterance',
  id,
  speaker,
  text,
  start,
  end: start + 2,
  t: start + 2,
  lang: 'en',
});

/** Stores a finished call with the given utterances (and their summary) under `id`. */
function storeCall(store: CallStore, id: string, title: string, lines: UtteranceEvent[]) {
  store.startCall({
    id,
    source: `${title}.wav`,
    lang: 'en',
    title,
    startedAt: new Date().toISOString(),
  });
  for (const line of lines) store.recordEvent(id, line);
  const summary = summarizeCall({
    lang: 'en',
    utterances: lines,
    intents: [],
    cues: [],
    competitors: [],
  });
  const end = lines.at(-1)?.end ?? 0;
  store.recordEvent(id, { type: 'summary', callId: id, t: end, ...summary } as CallEvent);
  store.recordEvent(id, { type: 'call_ended', callId: id, reason: 'completed', t: end });
}

beforeAll(() => {
  const store = CallStore.open(db);
  storeCall(store, 'abc11111-0000-4000-8000-000000000001', 'Mono recording', [
    utterance('m1', 'unknown', 'Hello, is this the Northwind team?', 0),
    utterance('m2', 'unknown', 'Yes. Our budget is frozen 🧊 until the third quarter.', 3),
  ]);
  storeCall(store, 'abc22222-0000-4000-8000-000000000002', 'Second call', [
    utterance('s1', 'rep', 'Hi, this is Alex.', 0),
  ]);
  storeCall(store, 'abd33333-0000-4000-8000-000000000003', 'Third call', [
    utterance('t1', 'customer', 'We are also looking at Helix.', 0),
  ]);
  store.close();
});

describe('cuecard --help and --version', () => {
  const commands = [
    [],
    ['replay'],
    ['calls'],
    ['calls', 'list'],
    ['calls', 'show'],
    ['models'],
    ['models', 'list'],
    ['models', 'pull'],
    ['models', 'verify'],
    ['ui'],
  ];
  for (const command of commands) {
    it(`answers "cuecard ${[...command, '--help'].join(' ')}" with usage, options and examples`, async () => {
      const r = await cuecard([...command, '--help'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: cuecard ${command.join(' ')}`));
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain('  cuecard ');
    });
  }

  it('answers -h and "cuecard help COMMAND" the same way, even after other options', async () => {
    const long = await cuecard(['replay', '--help'], { env });
    expect((await cuecard(['replay', 'call.vtt', '--json', '-h'], { env })).stdout).toBe(
      long.stdout,
    );
    expect((await cuecard(['help', 'replay'], { env })).stdout).toBe(long.stdout);
    expect(long.stdout).toContain('--rep NAME');
    expect(long.stdout).toContain('Exit status');
  });

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const r = await cuecard(['--version'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `cuecard ${version}\n` });
  });

  it('refuses an unknown option with exit 2, naming it and pointing to --help', async () => {
    const r = await cuecard(['replay', 'call.vtt', '--bogus'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('cuecard replay --help');
    const json = await cuecard(['calls', 'list', '--serch', 'x', '--json'], { env });
    expect(json.code).toBe(2);
    expect(jsonLines(json.stderr)[0]).toMatchObject({ ok: false, error: { code: 'usage' } });
  });
});

describe('cuecard calls show', () => {
  it('accepts any unique beginning of a call ID', async () => {
    const r = await cuecard(['calls', 'show', 'abd', '--db', db], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Third call {2}\(completed, 0:02, en\)/);
    const upper = await cuecard(['calls', 'show', 'ABC1', '--db', db, '--json'], { env });
    expect(JSON.parse(upper.stdout).title).toBe('Mono recording');
  });

  it('lists the calls an ambiguous beginning matches', async () => {
    const r = await cuecard(['calls', 'show', 'ab', '--db', db], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'cuecard calls show: "ab" is the start of 3 calls; type more of the ID:',
    );
    for (const id of ['abc11111', 'abc22222', 'abd33333']) expect(r.stderr).toContain(id);
  });

  it('gives every error as a JSON object with --json', async () => {
    const missing = await cuecard(['calls', 'show', 'x', '--db', db, '--json'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(JSON.parse(missing.stderr)).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: 'no call "x" (see `cuecard calls list`)',
        command: 'calls show',
      },
    });
    const ambiguous = await cuecard(['calls', 'show', 'abc', '--db', db, '--json'], { env });
    expect(JSON.parse(ambiguous.stderr).error.code).toBe('ambiguous_id');
    const usage = await cuecard(['calls', 'show', '--db', db, '--json'], { env });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr).error.code).toBe('usage');
  });

  it('shows the share of unknown speakers in the talk ratio of a mono call', async () => {
    const r = await cuecard(['calls', 'show', 'abc1', '--db', db], { env });
    expect(r.stdout).toContain('talk ratio:   rep 0% / customer 0% / unknown speaker 100%');
    const stereo = await cuecard(['calls', 'show', 'abd', '--db', db], { env });
    expect(stereo.stdout).toContain('talk ratio:   rep 0% / customer 100%\n');
  });
});

describe('cuecard calls list', () => {
  it('finds a stored emoji and any part of a word', async () => {
    const emoji = await cuecard(['calls', 'list', '--search', '🧊', '--db', db], { env });
    expect(emoji.code).toBe(0);
    expect(emoji.stdout).toContain('abc11111-0000-4000-8000-000000000001');
    expect(emoji.stdout).toContain('… Yes. Our budget is frozen 🧊 until the third quarter.');
    const part = await cuecard(['calls', 'list', '--search', 'orthwin', '--db', db, '--json'], {
      env,
    });
    expect(jsonLines(part.stdout).map((c) => c.title)).toEqual(['Mono recording']);
  });

  it('refuses a --db that does not exist instead of creating an empty one', async () => {
    const typo = path.join(tmp, 'typo.db');
    const r = await cuecard(['calls', 'list', '--db', typo], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cuecard calls list: ${typo}: no call database here`);
    expect(existsSync(typo)).toBe(false);
    const show = await cuecard(['calls', 'show', 'abc', '--db', typo, '--json'], { env });
    expect(JSON.parse(show.stderr).error.code).toBe('not_found');
    expect(existsSync(typo)).toBe(false);
  });

  it('says that nothing is stored yet on a fresh install, without creating the database', async () => {
    const fresh = path.join(tmp, 'fresh');
    const r = await cuecard(['calls', 'list'], { env: { CUECARD_DATA_DIR: fresh } });
    expect(r).toMatchObject({ code: 0, stdout: 'no calls stored yet\n', stderr: '' });
    expect(existsSync(path.join(fresh, 'cuecard.db'))).toBe(false);
  });

  it('shows a replayed call of a transcript, found by a word of it', async () => {
    const file = path.join(tmp, 'listed.vtt');
    writeFileSync(
      file,
      vttOf([
        { start: 0, end: 2, text: 'Hi Dana, this is Alex.' },
        { start: 3, end: 5, text: 'Our budget for Q3 is gone 🙈.' },
      ]),
    );
    expect((await cuecard(['replay', file, '--rep', 'Alex Chen', '--db', db], { env })).code).toBe(
      0,
    );
    const r = await cuecard(['calls', 'list', '--search', '🙈', '--db', db], { env });
    expect(r.stdout).toMatch(/^\S+ {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}0:05 {2}listed\.vtt\n/);
  });
});
