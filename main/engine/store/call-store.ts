/**
 * The call database: every call is written as it happens (each event in its own committed
 * transaction, WAL mode), so a crash loses at most the event being written. Synchronous, like
 * better-sqlite3 itself. Calls left 'live' by a process that died are marked 'interrupted'.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CallListItem, CallDetail } from '../../contract/api';
import type { CallEvent, CallSummary, CueEvent, FeedbackEvent } from '../../contract/events';
import { createLogger } from '../log';
import { StoreError, storeFailure, unwritableReason } from './errors';
import {
  foldText,
  makeSnippet,
  searchTerms,
  termLength,
  TRIGRAM_LENGTH,
  trigramMatch,
} from './fts';
import { assertCurrentSchema, migrate } from './migrations';

const log = createLogger('store');

export interface NewCall {
  id: string;
  source: string;
  lang: string;
  title: string;
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
}

export interface SearchHit {
  callId: string;
  utteranceId: string;
  /** The whole utterance. */
  text: string;
  /** A short excerpt around the match. */
  snippet: string;
}

/** How a talk-track has fared across all stored calls. */
export interface TalkTrackRecord {
  shown: number;
  helpful: number;
  notHelpful: number;
}

export type CallEndReason = 'completed' | 'stopped' | 'error';

/** How a call's end reason is kept as its status: an error leaves the call 'interrupted'. */
const STATUS_OF_REASON: Record<CallEndReason, CallListItem['status']> = {
  completed: 'completed',
  stopped: 'stopped',
  error: 'interrupted',
};

export interface StoreOpenOptions {
  /**
   * 'write' (default): the database is created when missing and must accept writes, checked
   * before anything else happens. 'read': the file must already exist; it is opened read-only
   * when it cannot be written.
   */
  access?: 'write' | 'read';
  /** With 'write': create the database's folder when it is missing (default true). */
  createFolder?: boolean;
}

interface CallRow {
  id: string;
  title: string;
  source: string;
  lang: string;
  started_at: string;
  ended_at: string | null;
  status: CallListItem['status'];
  owner_pid: number | null;
  duration_s: number | null;
}

// A live call has no stored duration yet: it is the time of its latest event.
const CALL_COLUMNS = `c.id, c.title, c.source, c.lang, c.started_at, c.ended_at, c.status, c.owner_pid,
  COALESCE(c.duration_s, (SELECT MAX(e.t) FROM events e WHERE e.call_id = c.id)) AS duration_s`;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A database SQLite can open but not trust: what it found, and what the user can do. */
function damaged(dbPath: string, reason: string): StoreError {
  return new StoreError(
    `${dbPath}: the call database is damaged (${reason}); the file was left untouched. Keep a ` +
      'copy, then recover what it holds with `sqlite3 FILE ".recover"`, or point ' +
      'CUECARD_DATA_DIR elsewhere.',
    'damaged',
    dbPath,
  );
}

/** True when a live call's owning process is gone (not this one, and not running). */
function isOwnerGone(owner: number | null): boolean {
  return owner === null || (owner !== process.pid && !isProcessAlive(owner));
}

export class CallStore {
  private readonly db: Database.Database;
  private readonly nextSeq = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly interrupted = new Set<string>();
  private closed = false;

  private constructor(
    db: Database.Database,
    readonly dbPath: string,
    /** True when the database was opened for reading only (see `StoreOpenOptions.access`). */
    readonly readOnly: boolean,
  ) {
    this.db = db;
  }

  /**
   * Opens the database at `dbPath`, migrates it, and marks calls left 'live' by a dead process
   * as 'interrupted'. Throws StoreError naming the file and saying why when it does not exist
   * (access 'read'), cannot be written (access 'write'), is not a Cuecard database, is damaged,
   * or comes from a newer Cuecard; never changes such a file.
   */
  static open(dbPath: string, options: StoreOpenOptions = {}): CallStore {
    const resolved = path.resolve(dbPath);
    const access = options.access ?? 'write';
    if (existsSync(resolved) && statSync(resolved).isDirectory()) {
      throw new StoreError(
        `${resolved}: a folder, not a call database (give the path of a .db file in it)`,
        'not_a_database',
        resolved,
      );
    }
    if (access === 'read') {
      if (!existsSync(resolved)) {
        throw new StoreError(
          `${resolved}: no call database here (nothing was ever stored at this path; ` +
            'check the path or CUECARD_DATA_DIR)',
          'not_found',
          resolved,
        );
      }
    } else {
      CallStore.prepareForWriting(resolved, options.createFolder ?? true);
    }
    if (access === 'read' && unwritableReason(resolved) === null) {
      // A reader that could write repairs what it can (migrations, calls cut short); if
      // writing fails after all (a full disk), it still reads.
      try {
        return CallStore.connect(resolved, false);
      } catch (error) {
        const code = error instanceof StoreError ? error.code : '';
        if (code !== 'not_writable' && code !== 'disk_full' && code !== 'io') throw error;
        log.warn({ db: resolved, err: (error as Error).message }, 'open: reading read-only');
      }
      return CallStore.connect(resolved, true);
    }
    return CallStore.connect(resolved, access === 'read');
  }

  private static connect(resolved: string, readOnly: boolean): CallStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(resolved, { readonly: readOnly, fileMustExist: readOnly });
      // Reading the schema first fails cleanly on a file that is not SQLite, before any write.
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      // A file damaged in places (a bad sector, a half-copied file) opens; find out now, before
      // a call is half stored in it, rather than at the first write that touches a bad page.
      const check = db.pragma('quick_check(3)', { simple: false }) as Array<{
        quick_check: string;
      }>;
      const problems = check
        .map((row) => row.quick_check.replace(/\*\*\* in database \w+ \*\*\*/g, '').trim())
        .map((line) => line.replace(/\s*\n\s*/g, ' '))
        .filter((line) => line !== 'ok');
      if (problems.length > 0) {
        throw damaged(resolved, problems.join('; '));
      }
      if (readOnly) {
        assertCurrentSchema(db, resolved);
      } else {
        migrate(db, resolved);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        // A committed no-op write: SQLite may open a write-protected file read-only without
        // saying so, and this is where that (or a full disk) shows, before any call starts.
        const version = db.pragma('user_version', { simple: true }) as number;
        db.pragma(`user_version = ${version}`);
      }
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: string }).code ?? '';
      const reason = error instanceof Error ? error.message : String(error);
      if (code.startsWith('SQLITE_CORRUPT')) {
        throw damaged(resolved, reason);
      }
      if (code === 'SQLITE_NOTADB') {
        throw new StoreError(
          `${resolved}: not a readable Cuecard call database (${reason}); the file was left ` +
            'untouched. Move it aside or point CUECARD_DATA_DIR elsewhere.',
          'not_a_database',
          resolved,
        );
      }
      throw storeFailure(
        error,
        resolved,
        readOnly ? 'cannot open the call database' : 'cannot store calls in it',
      );
    }

    const store = new CallStore(db, resolved, readOnly);
    if (!readOnly) store.markInterruptedCalls();
    log.info({ db: resolved, readOnly }, 'open: call database ready');
    return store;
  }

  /** Makes sure a database can be created or written at `dbPath`, before SQLite touches it. */
  private static prepareForWriting(dbPath: string, createFolder: boolean): void {
    const folder = path.dirname(dbPath);
    if (!existsSync(folder)) {
      if (!createFolder) {
        throw new StoreError(
          `${dbPath}: cannot create the call database: the folder ${folder} does not exist`,
          'not_found',
          dbPath,
        );
      }
      try {
        mkdirSync(folder, { recursive: true });
      } catch (error) {
        throw storeFailure(error, dbPath, `cannot create the folder ${folder}`);
      }
    }
    const reason = unwritableReason(dbPath);
    if (reason) {
      throw new StoreError(
        `${dbPath}: cannot store calls in it: ${reason}`,
        'not_writable',
        dbPath,
      );
    }
  }

  /** Records a new call as 'live', owned by this process. */
  startCall(call: NewCall): void {
    this.assertWritable();
    try {
      this.stmt(
        `INSERT INTO calls (id, title, source, lang, started_at, status, owner_pid)
           VALUES (?, ?, ?, ?, ?, 'live', ?)`,
      ).run(call.id, call.title, call.source, call.lang, call.startedAt, process.pid);
    } catch (error) {
      throw storeFailure(error, this.dbPath, `cannot store call ${call.id}`);
    }
    this.nextSeq.set(call.id, 0);
    log.info({ callId: call.id }, 'startCall: call recorded');
  }

  /**
   * Stores one event of a call, committed at once. Utterances, intents, cues, manager alerts,
   * escalations, feedback, summaries and call_ended are stored (call_started, whisper and
   * problem go to the event log only); partial and level events are ignored. Throws StoreError
   * naming the file and the reason (read-only, disk full, …) when the write fails; what was
   * stored before stays.
   */
  recordEvent(callId: string, event: CallEvent): void {
    this.assertWritable();
    if (event.type === 'partial' || event.type === 'level') return;
    try {
      this.db.transaction(() => this.writeEvent(callId, event))();
    } catch (error) {
      throw storeFailure(error, this.dbPath, `cannot store call ${callId}`);
    }
  }

  /**
   * Marks a call as ended (idempotent): its status becomes the reason ('completed',
   * 'stopped'; an 'error' leaves it 'interrupted'), its duration `durationS` seconds of call
   * time (default: the time of its latest stored event).
   */
  endCall(callId: string, reason: CallEndReason, durationS?: number): void {
    this.assertWritable();
    try {
      this.stmt(
        `UPDATE calls SET status = ?, end_reason = ?, ended_at = ?, owner_pid = NULL,
           duration_s = ? WHERE id = ? AND status = 'live'`,
      ).run(
        STATUS_OF_REASON[reason],
        reason,
        new Date().toISOString(),
        durationS ?? this.lastEventTime(callId),
        callId,
      );
    } catch (error) {
      throw storeFailure(error, this.dbPath, `cannot store the end of call ${callId}`);
    }
  }

  /**
   * Marks as 'interrupted' the calls still 'live' whose owning process is gone (a crash or a
   * kill). Runs at open. Returns every call this store has marked so, including at open.
   * A read-only store marks nothing (it lists such calls as 'interrupted' all the same).
   */
  markInterruptedCalls(): string[] {
    this.assertOpen();
    if (this.readOnly) return [];
    const live = this.stmt(
      "SELECT id, owner_pid, started_at FROM calls WHERE status = 'live'",
    ).all() as Array<{ id: string; owner_pid: number | null; started_at: string }>;
    const update = this.stmt(
      `UPDATE calls SET status = 'interrupted', end_reason = 'interrupted', ended_at = ?,
         owner_pid = NULL, duration_s = ? WHERE id = ? AND status = 'live'`,
    );
    for (const call of live) {
      if (!isOwnerGone(call.owner_pid)) continue;
      const lastT = this.lastEventTime(call.id);
      const started = Date.parse(call.started_at);
      const endedAt = Number.isFinite(started)
        ? new Date(started + lastT * 1000).toISOString()
        : null;
      update.run(endedAt, lastT, call.id);
      this.interrupted.add(call.id);
      log.warn({ callId: call.id }, 'markInterruptedCalls: call was cut short');
    }
    return [...this.interrupted];
  }

  /** Stored calls whose ID starts with `prefix` (any case), newest first, at most `limit`. */
  findCallsByIdPrefix(
    prefix: string,
    limit = 20,
  ): Array<{ id: string; title: string; startedAt: string }> {
    this.assertOpen();
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.stmt(
      `SELECT id, title, started_at AS startedAt FROM calls WHERE id LIKE ? ESCAPE '\\'
         ORDER BY started_at DESC, id LIMIT ?`,
    ).all(pattern, limit) as Array<{ id: string; title: string; startedAt: string }>;
  }

  /** Calls, newest first. With `query`, only calls whose transcript or title match, with a snippet. */
  listCalls(options: { query?: string; limit?: number } = {}): CallListItem[] {
    this.assertOpen();
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    const query = options.query?.trim() ?? '';
    if (query === '') {
      const rows = this.stmt(
        `SELECT ${CALL_COLUMNS} FROM calls c ORDER BY c.started_at DESC, c.id LIMIT ?`,
      ).all(limit) as CallRow[];
      return rows.map((row) => this.toListItem(row));
    }

    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const inTranscript = this.matching(
      terms,
      'SELECT DISTINCT u.call_id AS callId',
      '',
      [],
      null,
    ).map((row) => row.callId as string);
    // A call also matches when its title or source holds every term.
    const byTitle = (
      this.stmt('SELECT id, title, source FROM calls').all() as Array<{
        id: string;
        title: string;
        source: string;
      }>
    )
      .filter((call) => {
        const folded = foldText(`${call.title}\n${call.source}`);
        return terms.every((term) => folded.includes(term));
      })
      .map((call) => call.id);
    const ids = new Set([...inTranscript, ...byTitle]);
    if (ids.size === 0) return [];

    const rows = this.stmt(
      `SELECT ${CALL_COLUMNS} FROM calls c WHERE c.id IN (SELECT value FROM json_each(?))
         ORDER BY c.started_at DESC, c.id LIMIT ?`,
    ).all(JSON.stringify([...ids]), limit) as CallRow[];
    // The snippet is the call's first matching line: a scan of that call's utterances only.
    const filter = terms.map(() => 'AND instr(search_text, ?) > 0').join(' ');
    const firstMatch = this.stmt(
      `SELECT text FROM utterances WHERE call_id = ? ${filter} ORDER BY seq LIMIT 1`,
    );
    return rows.map((row) => {
      const hit = firstMatch.get(row.id, ...terms) as { text: string } | undefined;
      const item = this.toListItem(row);
      return hit ? { ...item, snippet: makeSnippet(hit.text, query) } : item;
    });
  }

  /** A call with all its stored events in order, or null when there is no such call. */
  getCall(callId: string): CallDetail | null {
    this.assertOpen();
    const row = this.stmt(`SELECT ${CALL_COLUMNS} FROM calls c WHERE c.id = ?`).get(callId) as
      | CallRow
      | undefined;
    if (!row) return null;
    const events = (
      this.stmt('SELECT payload FROM events WHERE call_id = ? ORDER BY seq').all(callId) as Array<{
        payload: string;
      }>
    ).map((event) => JSON.parse(event.payload) as CallEvent);
    return { ...this.toListItem(row), events, summary: this.summaryOf(callId) };
  }

  /**
   * Utterances containing every term of `query` (see `fts.ts`: substrings in any script,
   * ignoring case and accents; "quoted phrases" kept whole), best first, or newest first when
   * every term is shorter than the trigram index can look up.
   */
  search(query: string, limit = 50): SearchHit[] {
    this.assertOpen();
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const rows = this.matching(
      terms,
      'SELECT u.call_id AS callId, u.id AS utteranceId, u.text AS text',
      '',
      [],
      limit,
    ) as Array<{ callId: string; utteranceId: string; text: string }>;
    return rows.map((row) => ({ ...row, snippet: makeSnippet(row.text, query) }));
  }

  /**
   * Runs `select` over the utterances holding every one of the folded `terms` (the trigram
   * index for long terms, a scan of the folded text for short ones), with `where` (starting
   * with AND) and its `params` added; best first, or newest first without a long term.
   */
  private matching(
    terms: string[],
    select: string,
    where: string,
    params: unknown[],
    limit: number | null,
  ): Array<Record<string, unknown>> {
    const match = trigramMatch(terms);
    const short = terms.filter((term) => termLength(term) < TRIGRAM_LENGTH);
    const shortFilter = short.map(() => 'AND instr(u.search_text, ?) > 0').join(' ');
    const distinct = select.includes('DISTINCT');
    const order = distinct ? '' : match === null ? 'ORDER BY u.rowid DESC' : 'ORDER BY f.rank';
    const tail = `${shortFilter} ${where} ${order} ${limit === null ? '' : 'LIMIT ?'}`;
    const limitParam = limit === null ? [] : [limit];
    return (
      match === null
        ? this.stmt(`${select} FROM utterances u WHERE 1 ${tail}`).all(
            ...short,
            ...params,
            ...limitParam,
          )
        : this.stmt(
            `${select} FROM utterances_fts f JOIN utterances u ON u.rowid = f.rowid
               WHERE utterances_fts MATCH ? ${tail}`,
          ).all(match, ...short, ...params, ...limitParam)
    ) as Array<Record<string, unknown>>;
  }

  /** Shown / helpful / not-helpful counts of a talk-track across all calls. */
  talkTrackRecord(refId: string): TalkTrackRecord {
    this.assertOpen();
    const row = this.stmt(
      'SELECT shown, helpful, not_helpful FROM talk_track_records WHERE ref_id = ?',
    ).get(refId) as { shown: number; helpful: number; not_helpful: number } | undefined;
    return {
      shown: row?.shown ?? 0,
      helpful: row?.helpful ?? 0,
      notHelpful: row?.not_helpful ?? 0,
    };
  }

  /** Closes the database (checkpointing the WAL). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    log.info({ db: this.dbPath }, 'close: call database closed');
  }

  /** A prepared statement, compiled once per store. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new StoreError(`${this.dbPath}: the call store is closed`, 'closed', this.dbPath);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) {
      throw new StoreError(
        `${this.dbPath}: the call database was opened read-only`,
        'not_writable',
        this.dbPath,
      );
    }
  }

  private takeSeq(callId: string): number {
    let next = this.nextSeq.get(callId);
    if (next === undefined) {
      const exists = this.stmt('SELECT 1 FROM calls WHERE id = ?').get(callId);
      if (!exists) {
        throw new StoreError(
          `${this.dbPath}: no call '${callId}' (start it first)`,
          'unknown_call',
          this.dbPath,
        );
      }
      const row = this.stmt('SELECT MAX(seq) AS last FROM events WHERE call_id = ?').get(
        callId,
      ) as {
        last: number | null;
      };
      next = (row.last ?? -1) + 1;
    }
    this.nextSeq.set(callId, next + 1);
    return next;
  }

  private writeEvent(callId: string, event: CallEvent): void {
    if (
      event.type === 'call_started' &&
      !this.stmt('SELECT 1 FROM calls WHERE id = ?').get(callId)
    ) {
      this.startCall({
        id: callId,
        source: event.source,
        lang: event.lang,
        title: event.source,
        startedAt: event.startedAt,
      });
    }
    const seq = this.takeSeq(callId);
    try {
      this.stmt('INSERT INTO events (call_id, seq, type, t, payload) VALUES (?, ?, ?, ?, ?)').run(
        callId,
        seq,
        event.type,
        event.t,
        JSON.stringify(event),
      );
      this.writeTyped(callId, seq, event);
    } catch (error) {
      // The transaction rolls back; give the number back so the sequence has no gap.
      this.nextSeq.delete(callId);
      throw error;
    }
  }

  private writeTyped(callId: string, seq: number, event: CallEvent): void {
    switch (event.type) {
      case 'utterance': {
        const searchText = foldText(event.text);
        const result = this.stmt(
          `INSERT INTO utterances (call_id, id, seq, speaker, name, text, start_s, end_s, lang,
             search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          callId,
          event.id,
          seq,
          event.speaker,
          event.name ?? null,
          event.text,
          event.start,
          event.end,
          event.lang,
          searchText,
        );
        this.stmt('INSERT INTO utterances_fts (rowid, search_text) VALUES (?, ?)').run(
          result.lastInsertRowid,
          searchText,
        );
        return;
      }
      case 'intent':
        this.stmt(
          `INSERT INTO intents (call_id, seq, utterance_id, label, speaker, confidence, competitor, t)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          callId,
          seq,
          event.utteranceId,
          event.label,
          event.speaker,
          event.confidence,
          event.competitor ?? null,
          event.t,
        );
        return;
      case 'cue':
        this.writeCue(callId, seq, event);
        return;
      case 'manager_alert':
        this.stmt(
          'INSERT INTO alerts (call_id, id, seq, rule, cue_id, message, t) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(callId, event.id, seq, event.rule, event.cueId, event.message, event.t);
        return;
      case 'escalation':
        this.stmt(
          'INSERT INTO escalations (call_id, id, seq, state, note, t) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(callId, event.id, seq, event.state, event.note, event.t);
        return;
      case 'feedback':
        this.writeFeedback(callId, seq, event);
        return;
      case 'summary': {
        const { type: _type, callId: _callId, t, ...summary } = event;
        this.stmt('INSERT OR REPLACE INTO summaries (call_id, t, payload) VALUES (?, ?, ?)').run(
          callId,
          t,
          JSON.stringify(summary satisfies CallSummary),
        );
        return;
      }
      case 'call_ended':
        this.endCall(callId, event.reason, event.t);
        return;
      case 'call_started':
      case 'whisper':
      case 'problem':
      case 'partial':
      case 'level':
        return;
      default: {
        const unhandled: never = event;
        log.warn(
          { callId, type: (unhandled as { type: string }).type },
          'recordEvent: unknown event type',
        );
      }
    }
  }

  private writeCue(callId: string, seq: number, cue: CueEvent): void {
    if (cue.confirmed) {
      // A tentative cue heard clearly: the same cue, updated; it was shown once.
      this.stmt('UPDATE cues SET t = ?, utterance_id = ? WHERE call_id = ? AND id = ?').run(
        cue.t,
        cue.utteranceId,
        callId,
        cue.id,
      );
      return;
    }
    this.stmt(
      `INSERT INTO cues (call_id, id, seq, kind, title, intent, competitor, rule, ref_id,
           utterance_id, t) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      callId,
      cue.id,
      seq,
      cue.kind,
      cue.title,
      cue.intent,
      cue.competitor,
      cue.rule,
      cue.refId,
      cue.utteranceId,
      cue.t,
    );
    if (cue.kind === 'talk_track') {
      this.stmt(
        `INSERT INTO talk_track_records (ref_id, shown) VALUES (?, 1)
           ON CONFLICT (ref_id) DO UPDATE SET shown = shown + 1`,
      ).run(cue.refId);
    }
  }

  /** Stores feedback; a talk-track cue's latest helpful/not-helpful verdict counts once. */
  private writeFeedback(callId: string, seq: number, feedback: FeedbackEvent): void {
    const verdictActions = ['helpful', 'not_helpful'];
    const previous = this.stmt(
      `SELECT action FROM feedback WHERE call_id = ? AND cue_id = ?
           AND action IN ('helpful', 'not_helpful') ORDER BY seq DESC LIMIT 1`,
    ).get(callId, feedback.cueId) as { action: string } | undefined;
    this.stmt(
      'INSERT INTO feedback (call_id, seq, cue_id, action, helpful, t) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      callId,
      seq,
      feedback.cueId,
      feedback.action,
      feedback.helpful === null ? null : Number(feedback.helpful),
      feedback.t,
    );

    if (!verdictActions.includes(feedback.action) || previous?.action === feedback.action) return;
    const cue = this.stmt(
      "SELECT ref_id FROM cues WHERE call_id = ? AND id = ? AND kind = 'talk_track'",
    ).get(callId, feedback.cueId) as { ref_id: string } | undefined;
    if (!cue) return;
    const column = (action: string) => (action === 'helpful' ? 'helpful' : 'not_helpful');
    this.stmt(
      `INSERT INTO talk_track_records (ref_id, ${column(feedback.action)}) VALUES (?, 1)
         ON CONFLICT (ref_id) DO UPDATE SET ${column(feedback.action)} = ${column(feedback.action)} + 1`,
    ).run(cue.ref_id);
    if (previous) {
      this.stmt(
        `UPDATE talk_track_records SET ${column(previous.action)} = MAX(0, ${column(previous.action)} - 1)
           WHERE ref_id = ?`,
      ).run(cue.ref_id);
    }
  }

  private lastEventTime(callId: string): number {
    const row = this.stmt('SELECT MAX(t) AS t FROM events WHERE call_id = ?').get(callId) as {
      t: number | null;
    };
    return row.t ?? 0;
  }

  private summaryOf(callId: string): CallSummary | null {
    const row = this.stmt('SELECT payload FROM summaries WHERE call_id = ?').get(callId) as
      | { payload: string }
      | undefined;
    return row ? (JSON.parse(row.payload) as CallSummary) : null;
  }

  /** Competitors of a call: the summary's when there is one, else battlecards shown, else named. */
  private competitorsOf(callId: string): string[] {
    const summary = this.summaryOf(callId);
    if (summary && summary.competitors.length > 0) return summary.competitors;
    const fromCues = this.stmt(
      `SELECT competitor FROM cues WHERE call_id = ? AND competitor IS NOT NULL
         GROUP BY competitor ORDER BY MIN(seq)`,
    ).all(callId) as Array<{ competitor: string }>;
    if (fromCues.length > 0) return fromCues.map((row) => row.competitor);
    const fromIntents = this.stmt(
      `SELECT competitor FROM intents WHERE call_id = ? AND competitor IS NOT NULL
         GROUP BY competitor ORDER BY MIN(seq)`,
    ).all(callId) as Array<{ competitor: string }>;
    return fromIntents.map((row) => row.competitor);
  }

  private toListItem(row: CallRow): CallListItem {
    return {
      id: row.id,
      title: row.title,
      source: row.source,
      lang: row.lang,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      // A read-only store cannot mark calls cut short; it reports them as such all the same.
      status: row.status === 'live' && isOwnerGone(row.owner_pid) ? 'interrupted' : row.status,
      durationS: Math.round((row.duration_s ?? 0) * 1000) / 1000,
      competitors: this.competitorsOf(row.id),
    };
  }
}
