import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CallEvent, CueEvent } from '../../../main/contract/events';
import {
  benchStoreWrites,
  CallStore,
  defaultDataDir,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrate,
  StoreError,
} from '../../../main/engine/store';
import { REPO_ROOT } from '../../helpers/shared';
import { canTestPermissions, sharedTempDir, unprivileged } from '../../helpers/unprivileged';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const open: CallStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

function freshPath(): string {
  counter++;
  return path.join(dir, `calls-${counter}.db`);
}
function openStore(dbPath = freshPath()): CallStore {
  const store = CallStore.open(dbPath);
  open.push(store);
  return store;
}
function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const utterance = (
  id: string,
  text: string,
  start: number,
  lang: 'en' | 'zh' = 'en',
): CallEvent => ({
  type: 'utterance',
  id,
  speaker: 'customer',
  text,
  start,
  end: start + 2,
  t: start + 2,
  lang,
});
const talkTrackCue = (id: string, refId: string, t: number): CueEvent => ({
  type: 'cue',
  id,
  kind: 'talk_track',
  title: refId,
  intent: refId,
  competitor: null,
  rule: 'objection',
  refId,
  utteranceId: 'u1',
  t,
  latencyMs: 12,
});

function startCall(store: CallStore, id: string, title = id, startedAt = new Date().toISOString()) {
  store.startCall({ id, source: `${id}.vtt`, lang: 'en', title, startedAt });
}

describe('CallStore recording', () => {
  it('stores a call as it happens and gives back its events in order, without partials or levels', () => {
    const store = openStore();
    startCall(store, 'call-1', 'Northwind demo');
    const events: CallEvent[] = [
      {
        type: 'call_started',
        callId: 'call-1',
        source: 'call-1.vtt',
        lang: 'en',
        startedAt: 'x',
        t: 0,
      },
      { type: 'partial', speaker: 'customer', text: 'we are', t: 1 },
      { type: 'level', channel: 'customer', rmsDb: -20, speech: true, t: 1 },
      utterance('u1', 'We are also looking at Helix Devices.', 0),
      {
        type: 'intent',
        utteranceId: 'u1',
        label: 'competitor_mention',
        speaker: 'customer',
        confidence: 0.9,
        t: 2,
        competitor: 'Helix Devices',
      },
      {
        type: 'cue',
        id: 'c1',
        kind: 'battlecard',
        title: 'Helix Devices',
        intent: null,
        competitor: 'Helix Devices',
        rule: 'competitor',
        refId: 'helix',
        utteranceId: 'u1',
        t: 2.1,
        latencyMs: 30,
        battlecard: {
          competitor: 'Helix Devices',
          theirClaims: ['cheaper'],
          ourFacts: ['licence'],
          landmines: [],
          avoid: [],
        },
      },
      {
        type: 'manager_alert',
        id: 'a1',
        rule: 'cite',
        cueId: 'c1',
        message: 'no evidence yet',
        t: 3,
      },
      { type: 'escalation', id: 'e1', state: 'requested', note: 'help', t: 4 },
      { type: 'feedback', cueId: 'c1', helpful: null, action: 'pinned', t: 5 },
      { type: 'call_ended', callId: 'call-1', reason: 'completed', t: 6 },
    ];
    for (const event of events) store.recordEvent('call-1', event);
    store.endCall('call-1', 'completed');

    const call = store.getCall('call-1');
    expect(call).not.toBeNull();
    expect(call?.events.map((e) => e.type)).toEqual([
      'call_started',
      'utterance',
      'intent',
      'cue',
      'manager_alert',
      'escalation',
      'feedback',
      'call_ended',
    ]);
    expect(call?.events[3]).toEqual(events[5]);
    expect(call).toMatchObject({
      title: 'Northwind demo',
      status: 'completed',
      durationS: 6,
      competitors: ['Helix Devices'],
      summary: null,
    });
    expect(call?.endedAt).not.toBeNull();
    expect(store.getCall('nope')).toBeNull();
  });

  it('keeps the summary and lists calls newest first', () => {
    const store = openStore();
    startCall(store, 'old', 'Old call', '2025-01-01T10:00:00.000Z');
    startCall(store, 'new', 'New call', '2025-02-01T10:00:00.000Z');
    store.recordEvent('new', {
      type: 'summary',
      callId: 'new',
      t: 9,
      competitors: ['Helix Devices'],
      objections: ['stall'],
      stakeholders: [],
      nextSteps: [],
      tags: ['lang:en'],
      talkRatio: { rep: 0.5, customer: 0.5 },
      followUpEmail: { subject: 's', body: 'b', lang: 'en' },
    });
    expect(store.listCalls().map((c) => c.id)).toEqual(['new', 'old']);
    expect(store.listCalls({ limit: 1 }).map((c) => c.id)).toEqual(['new']);
    expect(store.getCall('new')?.summary?.objections).toEqual(['stall']);
    expect(store.listCalls()[0].competitors).toEqual(['Helix Devices']);
  });

  it('refuses events for a call that was never started', () => {
    const store = openStore();
    expect(() => store.recordEvent('ghost', utterance('u1', 'hi', 0))).toThrow(StoreError);
  });

  it('counts talk-track cues shown and each cue’s latest helpful verdict once', () => {
    const store = openStore();
    startCall(store, 'c');
    store.recordEvent('c', talkTrackCue('t1', 'price_objection', 1));
    store.recordEvent('c', talkTrackCue('t2', 'price_objection', 2));
    store.recordEvent('c', {
      type: 'feedback',
      cueId: 't1',
      helpful: true,
      action: 'helpful',
      t: 3,
    });
    store.recordEvent('c', {
      type: 'feedback',
      cueId: 't1',
      helpful: true,
      action: 'helpful',
      t: 3.5,
    });
    store.recordEvent('c', {
      type: 'feedback',
      cueId: 't2',
      helpful: true,
      action: 'helpful',
      t: 4,
    });
    store.recordEvent('c', {
      type: 'feedback',
      cueId: 't2',
      helpful: false,
      action: 'not_helpful',
      t: 5,
    });
    store.recordEvent('c', {
      type: 'feedback',
      cueId: 't2',
      helpful: null,
      action: 'dismissed',
      t: 6,
    });
    expect(store.talkTrackRecord('price_objection')).toEqual({
      shown: 2,
      helpful: 1,
      notHelpful: 1,
    });
    expect(store.talkTrackRecord('stall')).toEqual({ shown: 0, helpful: 0, notHelpful: 0 });
  });

  it('stores a confirmed tentative cue as the one cue it is, shown once', () => {
    const store = openStore();
    startCall(store, 'confirm');
    store.recordEvent('confirm', { ...talkTrackCue('k1', 'stall', 1), tentative: true });
    store.recordEvent('confirm', {
      ...talkTrackCue('k1', 'stall', 6),
      utteranceId: 'u2',
      tentative: false,
      confirmed: true,
    });
    expect(store.talkTrackRecord('stall')).toMatchObject({ shown: 1 });
    const cues = store.getCall('confirm')!.events.filter((e) => e.type === 'cue');
    expect(cues.map((c) => c.id)).toEqual(['k1', 'k1']);
  });
});

describe('CallStore search', () => {
  function seeded(): CallStore {
    const store = openStore();
    startCall(store, 'en-call', 'English call', '2025-01-01T10:00:00.000Z');
    store.recordEvent(
      'en-call',
      utterance('u1', 'Honestly, the price is the main issue. Your quote is over our budget.', 0),
    );
    store.recordEvent('en-call', utterance('u2', 'We are also looking at Helix Devices.', 3));
    startCall(store, 'zh-call', '中文通话', '2025-01-02T10:00:00.000Z');
    store.recordEvent('zh-call', utterance('u1', '坦白讲，我们的预算冻结到第三季度了。', 0, 'zh'));
    store.recordEvent(
      'zh-call',
      utterance('u2', '我们也在看瀚途医疗的产品，他们的价格便宜两成左右。', 3, 'zh'),
    );
    return store;
  }

  it('finds English words, word prefixes and Chinese words of one, two or more characters', () => {
    const store = seeded();
    const calls = (query: string) =>
      store.search(query).map((hit) => `${hit.callId}/${hit.utteranceId}`);
    expect(calls('budget')).toEqual(['en-call/u1']);
    expect(calls('BUDG')).toEqual(['en-call/u1']);
    expect(calls('预算')).toEqual(['zh-call/u1']);
    expect(calls('冻结')).toEqual(['zh-call/u1']);
    expect(calls('瀚途医疗')).toEqual(['zh-call/u2']);
    expect(calls('泵')).toEqual([]);
    expect(calls('价')).toEqual(['zh-call/u2']);
    expect(calls('helix price')).toEqual([]);
    expect(calls('helix devices')).toEqual(['en-call/u2']);
    expect(calls('预冻')).toEqual([]);
    expect(calls('"*(')).toEqual([]);
  });

  it('finds any substring a user types: inside words, emoji, symbols, accents, full-width and CJK', () => {
    const store = openStore();
    startCall(store, 'mixed');
    const lines = [
      'The budget is frozen until Q3 🧊, sorry.',
      'That costs $50 a month per bed (order #A-1234).',
      'Let’s meet at the café near Zürich.',
      '我们的ＣＲＭ系统用的是旧版本，预算冻结了🙏',
      'Send it to dana@northwind-medical.com please.',
    ];
    for (const [i, text] of lines.entries()) {
      store.recordEvent('mixed', utterance(`u${i + 1}`, text, i * 3));
    }
    const found = (query: string) => store.search(query).map((hit) => hit.utteranceId);
    expect(found('🧊')).toEqual(['u1']);
    expect(found('🙏')).toEqual(['u4']);
    expect(found('dget')).toEqual(['u1']);
    expect(found('$50')).toEqual(['u2']);
    expect(found('#A-12')).toEqual(['u2']);
    expect(found('cafe zurich')).toEqual(['u3']);
    expect(found('CAFÉ')).toEqual(['u3']);
    expect(found('crm')).toEqual(['u4']);
    expect(found('预')).toEqual(['u4']);
    expect(found('系统用')).toEqual(['u4']);
    expect(found('northwind-medical')).toEqual(['u5']);
    expect(found('"per bed"')).toEqual(['u2']);
    expect(found('"bed per"')).toEqual([]);
    expect(found('frozen 🙏')).toEqual([]);
    expect(store.listCalls({ query: '🧊' })[0]).toMatchObject({ id: 'mixed', snippet: lines[0] });
  });

  it('lists the calls whose transcript matches, with a snippet of the matching line', () => {
    const store = seeded();
    const zh = store.listCalls({ query: '预算' });
    expect(zh.map((c) => c.id)).toEqual(['zh-call']);
    expect(zh[0].snippet).toContain('预算冻结');
    const en = store.listCalls({ query: 'budget' });
    expect(en.map((c) => c.id)).toEqual(['en-call']);
    expect(en[0].snippet).toContain('budget');
    expect(store.listCalls({ query: '中文' }).map((c) => c.id)).toEqual(['zh-call']);
    expect(store.listCalls({ query: 'nothing-like-this' })).toEqual([]);
  });
});

describe('CallStore files and versions', () => {
  it('creates a WAL database at the newest schema version', () => {
    const dbPath = freshPath();
    openStore(dbPath).close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a database from a newer Cuecard and leaves it unchanged', () => {
    const dbPath = freshPath();
    openStore(dbPath).close();
    const db = new Database(dbPath);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha(dbPath);
    expect(() => CallStore.open(dbPath)).toThrow(
      `newer Cuecard (schema version ${LATEST_SCHEMA_VERSION + 5}`,
    );
    expect(sha(dbPath)).toBe(before);
  });

  it('refuses a file that is not a database, naming it, and leaves it unchanged', () => {
    const dbPath = path.join(dir, 'garbage.db');
    writeFileSync(dbPath, 'this is a note, not a database '.repeat(200));
    const before = sha(dbPath);
    let error: unknown;
    try {
      CallStore.open(dbPath);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(dbPath);
    expect((error as StoreError).code).toBe('not_a_database');
    expect(sha(dbPath)).toBe(before);
  });

  it('refuses a database damaged in one place before a call is half stored in it, and leaves it unchanged', () => {
    const dbPath = freshPath();
    const store = CallStore.open(dbPath);
    startCall(store, 'big');
    for (let i = 0; i < 400; i++) {
      store.recordEvent('big', utterance(`u${i}`, `line ${i} about the budget and the price`, i));
    }
    store.close();
    // Overwrite one 4 KB page in the middle, as a bad sector or a half-copied file would.
    const bytes = readFileSync(dbPath);
    const page = Math.floor(bytes.length / 4096 / 2);
    bytes.fill(0x5a, page * 4096, page * 4096 + 4096);
    writeFileSync(dbPath, bytes);
    const before = sha(dbPath);
    for (const access of ['write', 'read'] as const) {
      let error: unknown;
      try {
        CallStore.open(dbPath, { access });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('damaged');
      expect((error as StoreError).message).toContain(`${dbPath}: the call database is damaged`);
    }
    expect(sha(dbPath)).toBe(before);
  });

  it('names a folder given as the database', () => {
    expect(() => CallStore.open(dir)).toThrow(`${dir}: a folder, not a call database`);
    expect(() => CallStore.open(dir, { access: 'read' })).toThrow(`${dir}: a folder`);
  });

  it('refuses another program’s SQLite database instead of adding tables to it', () => {
    const dbPath = path.join(dir, 'other-app.db');
    const db = new Database(dbPath);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    const before = sha(dbPath);
    expect(() => CallStore.open(dbPath)).toThrow(/not a Cuecard call database/);
    expect(sha(dbPath)).toBe(before);
  });

  it('runs migrations in order, each in a transaction, and rolls back a failing one', () => {
    const db = new Database(':memory:');
    const failing = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        description: 'add tags',
        up: (d: Database.Database) => d.exec('CREATE TABLE tags (name TEXT)'),
      },
      {
        version: LATEST_SCHEMA_VERSION + 2,
        description: 'broken',
        up: (d: Database.Database) => d.exec('CREATE TABLE x (a); NOT SQL'),
      },
    ];
    expect(() => migrate(db, 'memory.db', failing)).toThrow(
      `schema version ${LATEST_SCHEMA_VERSION + 2} (broken) failed and was rolled back`,
    );
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('tags', 'x')").all()).toEqual([
      { name: 'tags' },
    ]);
    expect(migrate(db, 'memory.db', failing.slice(0, -1))).toEqual([]);
    db.close();
  });

  it('puts the data folder where CUECARD_DATA_DIR says, else in the platform’s usual place', () => {
    expect(defaultDataDir({ CUECARD_DATA_DIR: '/tmp/cuecard-x' }, 'linux')).toBe('/tmp/cuecard-x');
    expect(defaultDataDir({ HOME: os.homedir() }, 'linux')).toBe(
      path.join(os.homedir(), '.config', 'cuecard'),
    );
    expect(defaultDataDir({}, 'darwin')).toBe(
      path.join(os.homedir(), 'Library', 'Application Support', 'Cuecard'),
    );
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain(
      'Cuecard',
    );
  });
});

describe('CallStore status and duration', () => {
  it('keeps a call ended by the user as "stopped", with its duration in call time', () => {
    const store = openStore();
    startCall(store, 'stopped-call');
    store.recordEvent('stopped-call', utterance('u1', 'Hello there.', 0));
    // Intents of a slow replay once carried processing time; the end of the call decides.
    store.recordEvent('stopped-call', {
      type: 'call_ended',
      callId: 'stopped-call',
      reason: 'stopped',
      t: 13.2,
    });
    expect(store.getCall('stopped-call')).toMatchObject({ status: 'stopped', durationS: 13.2 });
    startCall(store, 'failed-call');
    store.recordEvent('failed-call', utterance('u1', 'Hello there.', 0));
    store.endCall('failed-call', 'error');
    expect(store.getCall('failed-call')).toMatchObject({ status: 'interrupted', durationS: 2 });
  });

  it('upgrades a version 1 database: stopped calls get their status, durations become call time, old lines stay searchable', () => {
    const dbPath = freshPath();
    const db = new Database(dbPath);
    migrate(db, dbPath, MIGRATIONS.slice(0, 1));
    db.exec(`
      INSERT INTO calls (id, title, source, lang, started_at, ended_at, status, end_reason)
        VALUES ('old', 'Old call', 'old.vtt', 'en', '2025-01-01T10:00:00.000Z',
          '2025-01-01T10:02:00.000Z', 'completed', 'stopped');
      INSERT INTO events (call_id, seq, type, t, payload) VALUES
        ('old', 0, 'utterance', 2, '{}'), ('old', 1, 'intent', 125.5, '{}'),
        ('old', 2, 'call_ended', 13, '{}');
      INSERT INTO utterances (rowid, call_id, id, seq, speaker, text, start_s, end_s, lang)
        VALUES (1, 'old', 'u1', 0, 'customer', 'Our budget is frozen 🧊 until Zürich says so', 0, 2, 'en');
      INSERT INTO utterances_fts (rowid, text) VALUES (1, 'Our budget is frozen until Zürich says so');
    `);
    db.close();

    const store = openStore(dbPath);
    expect(store.getCall('old')).toMatchObject({ status: 'stopped', durationS: 13 });
    expect(store.search('zurich').map((hit) => hit.utteranceId)).toEqual(['u1']);
    expect(store.search('🧊').map((hit) => hit.utteranceId)).toEqual(['u1']);
    expect(store.search('dget').map((hit) => hit.utteranceId)).toEqual(['u1']);
  });
});

describe('CallStore on a disk it cannot write', () => {
  const probe = path.join(REPO_ROOT, 'tests/engine/store/fixtures/store-probe.ts');
  /** Runs the probe child (as an unprivileged user when `asNobody`), returns its report. */
  function runProbe(
    mode: string,
    dbPath: string,
    options: { asNobody?: boolean; fileLimitKb?: number } = {},
  ) {
    const node = [process.execPath, '--import', 'tsx', probe, mode, dbPath];
    let { command, args } = options.asNobody
      ? unprivileged(node[0], node.slice(1))
      : { command: node[0], args: node.slice(1) };
    if (options.fileLimitKb) {
      // A file size limit stands in for a full disk: writes past it fail as they would there.
      const quoted = [command, ...args].map((a) => `'${a}'`).join(' ');
      args = ['-c', `ulimit -f ${options.fileLimitKb} && exec ${quoted}`];
      command = 'bash';
    }
    const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8' });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (!line.startsWith('{')) throw new Error(`probe printed nothing: ${result.stderr}`);
    return JSON.parse(line) as {
      written?: number;
      listed?: string[];
      wrote?: boolean;
      error?: { code: string; name: string; message: string };
    };
  }

  it.skipIf(!canTestPermissions)(
    'refuses a read-only database file before anything is stored, naming the file and why, and still reads it',
    () => {
      const folder = sharedTempDir('cuecard-ro-file-');
      const dbPath = path.join(folder, 'calls.db');
      try {
        const store = openStore(dbPath);
        startCall(store, 'kept');
        store.endCall('kept', 'completed');
        store.close();
        chmodSync(dbPath, 0o444);
        const before = sha(dbPath);
        const result = runProbe('write', dbPath, { asNobody: true });
        expect(result.error).toMatchObject({ name: 'StoreError', code: 'not_writable' });
        expect(result.error?.message).toBe(
          `${dbPath}: cannot store calls in it: the file is read-only`,
        );
        const read = runProbe('read', dbPath, { asNobody: true });
        expect(read.listed).toEqual(['kept']);
        expect(read).toMatchObject({ wrote: false, error: { code: 'not_writable' } });
        expect(sha(dbPath)).toBe(before);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!canTestPermissions)(
    'refuses a database in a read-only folder, naming the folder, for writing and for reading',
    () => {
      const folder = sharedTempDir('cuecard-ro-folder-');
      const dbPath = path.join(folder, 'calls.db');
      try {
        openStore(dbPath).close();
        chmodSync(dbPath, 0o666);
        chmodSync(folder, 0o555);
        const folderReadOnly = `its folder ${folder} is read-only (SQLite keeps journal files beside the database)`;
        const result = runProbe('write', dbPath, { asNobody: true });
        expect(result.error?.code).toBe('not_writable');
        expect(result.error?.message).toBe(
          `${dbPath}: cannot store calls in it: ${folderReadOnly}`,
        );
        // SQLite cannot even read a WAL database without creating its shared-memory file there.
        const read = runProbe('read', dbPath, { asNobody: true });
        expect(read.error?.message).toBe(
          `${dbPath}: cannot open the call database: ${folderReadOnly}`,
        );
        expect(readdirSync(folder)).toEqual(['calls.db']);
      } finally {
        chmodSync(folder, 0o777);
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );

  it('creates a missing data folder, but refuses a missing folder when told not to create one', () => {
    const created = path.join(dir, 'new-data', 'deeper', 'calls.db');
    openStore(created).close();
    expect(existsSync(created)).toBe(true);
    const typo = path.join(dir, 'no-such-folder', 'calls.db');
    expect(() => CallStore.open(typo, { createFolder: false })).toThrow(
      `${typo}: cannot create the call database: the folder ${path.dirname(typo)} does not exist`,
    );
    expect(existsSync(path.dirname(typo))).toBe(false);
  });

  it('refuses to read a database that does not exist, and does not create it', () => {
    const missing = path.join(dir, 'typo.db');
    let error: unknown;
    try {
      CallStore.open(missing, { access: 'read' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('not_found');
    expect((error as StoreError).message).toContain(`${missing}: no call database here`);
    expect(existsSync(missing)).toBe(false);
  });

  it('reports a disk that fills up during a call as an error naming the file, and keeps what was stored', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'cuecard-full-'));
    const dbPath = path.join(folder, 'calls.db');
    const result = runProbe('fill', dbPath, { fileLimitKb: 400 });
    expect(result.error?.name).toBe('StoreError');
    expect(['disk_full', 'io']).toContain(result.error?.code);
    expect(result.error?.message).toMatch(
      new RegExp(`^${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot store call filler: `),
    );
    expect(result.written).toBeGreaterThan(10);

    const store = openStore(dbPath);
    const call = store.getCall('filler');
    expect(call?.status).toBe('interrupted');
    expect(call?.events.filter((e) => e.type === 'utterance')).toHaveLength(result.written ?? -1);
    expect(store.search('frozen')).toHaveLength(Math.min(50, result.written ?? 0));
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('CallStore after a crash', () => {
  it('marks a call cut short by SIGKILL as interrupted and keeps its utterances', async () => {
    const dbPath = freshPath();
    const writer = path.join(REPO_ROOT, 'tests/engine/store/fixtures/crash-writer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, 'crashed-call'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        if (String(chunk).includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const store = openStore(dbPath);
    expect(store.markInterruptedCalls()).toEqual(['crashed-call']);
    const call = store.getCall('crashed-call');
    expect(call?.status).toBe('interrupted');
    const utterances = call?.events.filter((e) => e.type === 'utterance') ?? [];
    expect(utterances.length).toBeGreaterThanOrEqual(5);
    expect(store.search('budget').length).toBe(utterances.length);
  });

  it('leaves a live call of this process alone', () => {
    const dbPath = freshPath();
    const first = openStore(dbPath);
    startCall(first, 'still-live');
    const second = openStore(dbPath);
    expect(second.markInterruptedCalls()).toEqual([]);
    expect(second.getCall('still-live')?.status).toBe('live');
  });
});

describe('store write benchmark', () => {
  it('writes at least a thousand events per second, each committed on its own', () => {
    const result = benchStoreWrites(2000);
    expect(result.events).toBe(2000);
    expect(result.eventsPerSecond).toBeGreaterThan(1000);
  });
});
