import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallListItem } from '../../main/contract/api';
import type { CallEvent } from '../../main/contract/events';
import { cuecard, cuecardInteractive, events, jsonLines, vttOf } from '../helpers/cli';
import { canTestPermissions, sharedTempDir } from '../helpers/unprivileged';

const tmp = sharedTempDir('cuecard-cli-storage-');
const dataDir = path.join(tmp, 'data');
const env = { CUECARD_DATA_DIR: dataDir };
afterAll(() => {
  chmodSync(tmp, 0o777);
  rmSync(tmp, { recursive: true, force: true });
});

const lines = [
  'Hi Dana, this is Alex from Northwind Medical.',
  'We are also looking at Helix Devices, their pump is cheaper.',
  'Our pump has a bigger screen than Helix.',
  'Honestly, the price is over our budget.',
  'Let me think about it and get back to you.',
];
/** A transcript of `count` turns, one every 2.5 s of call time. */
function transcript(name: string, count: number): string {
  const file = path.join(tmp, name);
  const turns = Array.from({ length: count }, (_, i) => ({
    start: i * 2.5,
    end: i * 2.5 + 2,
    text: `${lines[i % lines.length]} (${i + 1})`,
  }));
  writeFileSync(file, vttOf(turns));
  chmodSync(file, 0o644);
  return file;
}
const shortCall = transcript('short.vtt', 6);

async function listCalls(db: string): Promise<CallListItem[]> {
  const listed = await cuecard(['calls', 'list', '--db', db, '--json'], { env });
  expect(listed.code).toBe(0);
  return jsonLines<CallListItem>(listed.stdout);
}

describe('cuecard replay with a database it cannot write', () => {
  it.skipIf(!canTestPermissions)(
    'stops before the call starts when the database file is read-only, naming the file and why',
    async () => {
      const db = path.join(tmp, 'ro-file.db');
      expect((await cuecard(['replay', shortCall, '--db', db], { env })).code).toBe(0);
      chmodSync(db, 0o444);
      const r = await cuecard(['replay', shortCall, '--db', db, '--json'], {
        env,
        asNobody: true,
        cwd: tmp,
      });
      expect(r.code).toBe(1);
      expect(events(r.stdout)).toEqual([]);
      expect(jsonLines(r.stderr).at(-1)).toEqual({
        ok: false,
        error: {
          code: 'not_writable',
          message: `${db}: cannot store calls in it: the file is read-only`,
          command: 'replay',
        },
      });
      chmodSync(db, 0o644);
      expect(await listCalls(db)).toHaveLength(1);
    },
  );

  it.skipIf(!canTestPermissions)(
    'stops before the call starts when the database folder is read-only, naming the folder',
    async () => {
      const folder = path.join(tmp, 'ro-folder');
      mkdirSync(folder);
      chmodSync(folder, 0o555);
      const db = path.join(folder, 'calls.db');
      const r = await cuecard(['replay', shortCall, '--db', db], {
        env,
        asNobody: true,
        cwd: tmp,
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `cuecard replay: ${db}: cannot store calls in it: its folder ${folder} is read-only`,
      );
      expect(existsSync(db)).toBe(false);
    },
  );

  it('refuses a --db in a folder that does not exist instead of creating it, but creates the data folder', async () => {
    const db = path.join(tmp, 'no-such-folder', 'calls.db');
    const r = await cuecard(['replay', shortCall, '--db', db], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${db}: cannot create the call database: the folder ${path.dirname(db)} does not exist`,
    );
    expect(existsSync(path.dirname(db))).toBe(false);

    const fresh = path.join(tmp, 'fresh-data', 'cuecard');
    const created = await cuecard(['replay', shortCall], { env: { CUECARD_DATA_DIR: fresh } });
    expect(created.code).toBe(0);
    expect(existsSync(path.join(fresh, 'cuecard.db'))).toBe(true);
  });

  it('ends the call with a fatal problem and exit 1 when the disk fills up mid-call, keeping what was stored', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'cuecard-cli-full-'));
    const db = path.join(folder, 'calls.db');
    const long = transcript('long.vtt', 400);
    const r = await cuecard(['replay', long, '--rep', 'Alex Chen', '--db', db, '--json'], {
      env,
      fileLimitKb: 300,
    });
    expect(r.code).toBe(1);
    const all = events(r.stdout);
    const problem = all.find((e) => e.type === 'problem' && e.fatal);
    expect(problem).toMatchObject({ code: 'store_failed' });
    expect(problem?.type === 'problem' && problem.message).toContain(`${db}: cannot store call`);
    expect(all.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error' });
    const error = jsonLines<{ error: { code: string; message: string } }>(r.stderr).at(-1);
    expect(error?.error).toMatchObject({ code: 'store_failed' });
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);

    const [call] = await listCalls(db);
    expect(call.status).toBe('interrupted');
    const shown = await cuecard(['calls', 'show', call.id, '--db', db, '--json'], { env });
    const stored = JSON.parse(shown.stdout).events.filter(
      (e: { type: string }) => e.type === 'utterance',
    );
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.length).toBeLessThan(400);
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('cuecard replay stopped with Ctrl-C', () => {
  it('stores the call as "stopped" at the time it was stopped, and exits 130', async () => {
    const db = path.join(tmp, 'stopped.db');
    const call = transcript('stopped.vtt', 40);
    let utterances = 0;
    const r = await cuecardInteractive(
      ['replay', call, '--rep', 'Alex Chen', '--realtime', '--json', '--db', db],
      (line, signal) => {
        if (line.includes('"type":"utterance"') && ++utterances === 2) signal('SIGINT');
      },
      { env },
    );
    expect(r.code).toBe(130);
    const all = events(r.stdout);
    const ended = all.at(-1);
    expect(ended).toMatchObject({ type: 'call_ended', reason: 'stopped' });
    expect(all.some((e) => e.type === 'summary')).toBe(true);
    const [stored] = await listCalls(db);
    expect(stored.status).toBe('stopped');
    expect(stored.durationS).toBe(ended?.t);
    expect(stored.durationS).toBeLessThan(20);

    const text = await cuecard(['calls', 'list', '--db', db], { env });
    expect(text.stdout).toContain('[stopped]');
  });
});

describe('cuecard replay durations', () => {
  it('stores call time as the duration of a replay, the same for identical replays', async () => {
    const db = path.join(tmp, 'durations.db');
    const call = transcript('durations.vtt', 300);
    const runs: CallEvent[][] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cuecard(['replay', call, '--rep', 'Alex Chen', '--json', '--db', db], {
        env,
      });
      expect(r.code).toBe(0);
      runs.push(events(r.stdout));
    }
    const lastTurnEnd = 299 * 2.5 + 2;
    for (const run of runs) {
      expect(Math.max(...run.map((e) => e.t))).toBe(lastTurnEnd);
      expect(run.at(-1)).toMatchObject({ type: 'call_ended', t: lastTurnEnd });
    }
    const times = (run: CallEvent[]) => run.map((e) => `${e.type}@${e.t}`);
    expect(times(runs[1])).toEqual(times(runs[0]));
    const calls = await listCalls(db);
    expect(calls.map((c) => c.durationS)).toEqual([lastTurnEnd, lastTurnEnd]);
  });
});
