/**
 * The call database: every call is written as it happens (each event in its own committed
 * transaction, WAL mode), so a crash loses at most the event being written. Synchronous, like
 * better-sqlite3 itself. Calls left 'live' by a process that died are marked 'interrupted'.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CallListItem, CallDetail } from '../../contract/api';
import type { CallEvent, CallSummary, CueEvent, FeedbackEvent } from '../../contract/events';
import { createLogger } from '../log';
import { StoreError } from './errors';
import { buildMatchQuery, makeSnippet, spaceCjk } from './fts';
import { migrate } from './migrations';

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

const CALL_COLUMNS = `c.id, c.title, c.source, c.lang, c.started_at, c.ended_at, c.status, c.owner_pid,
  (SELECT MAX(e.t) FROM events e WHERE e.call_id = c.id) AS duration_s`;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  ) {
    this.db = db;
  }

  /**
   * Opens (creating if needed) the database at `dbPath`, migrates it, and marks calls left
   * 'live' by a dead process as 'interrupted'. Throws StoreError naming the file when it is
   * not a Cuecard database, is damaged, or comes from a newer Cuecard; never changes such a file.
   */
  static open(dbPath: string): CallStore {
    const resolved = path.resolve(dbPath);
    try {
      mkdirSync(path.dirname(resolved), { recursive: true });
    } catch (error) {
      throw new StoreError(
        `${resolved}: cannot create the data folder (${String(error)})`,
        'io',
        resolved,
      );
    }

    let db: Database.Database | undefined;
    try {
      db = new Database(resolved);
      // Reading the schema first fails cleanly on a file that is not SQLite, before any write.
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      migrate(db, resolved);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: string }).code ?? '';
      const reason = error instanceof Error ? error.message : String(error);
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new StoreError(
          `${resolved}: not a readable Cuecard call database (${reason}); the file was left ` +
            'untouched. Move it aside or point CUECARD_DATA_DIR elsewhere.',
          'not_a_database',
          resolved,
        );
      }
      throw new StoreError(
        `${resolved}: cannot open the call database (${reason})`,
        'io',
        resolved,
      );
    }

    const store = new CallStore(db, resolved);
    store.markInterruptedCalls();
    log.info({ db: resolved }, 'open: call database ready');
    return store;
  }

  /** Records a new call as 'live', owned by this process. */
  startCall(call: NewCall): void {
    this.assertOpen();
    this.stmt(
      `INSERT INTO calls (id, title, source, lang, started_at, status, owner_pid)
         VALUES (?, ?, ?, ?, ?, 'live', ?)`,
    ).run(call.id, call.title, call.source, call.lang, call.startedAt, process.pid);
    this.nextSeq.set(call.id, 0);
    log.info({ callId: call.id }, 'startCall: call recorded');
  }

  /**
   * Stores one event of a call, committed at once. Utterances, intents, cues, manager alerts,
   * escalations, feedback, summaries and call_ended are stored (call_started, whisper and
   * problem go to the event log only); partial and level events are ignored.
   */
  recordEvent(callId: string, event: CallEvent): void {
    this.assertOpen();
    if (event.type === 'partial' || event.type === 'level') return;
    this.db.transaction(() => this.writeEvent(callId, event))();
  }

  /** Marks a call as ended (idempotent). 'error' leaves it 'interrupted', else 'completed'. */
  endCall(callId: string, reason: CallEndReason): void {
    this.assertOpen();
    const status = reason === 'error' ? 'interrupted' : 'completed';
    this.stmt(
      `UPDATE calls SET status = ?, end_reason = ?, ended_at = ?, owner_pid = NULL
         WHERE id = ? AND status = 'live'`,
    ).run(status, reason, new Date().toISOString(), callId);
  }

  /**
   * Marks as 'interrupted' the calls still 'live' whose owning process is gone (a crash or a
   * kill). Runs at open. Returns every call this store has marked so, including at open.
   */
  markInterruptedCalls(): string[] {
    this.assertOpen();
    const live = this.stmt(
      "SELECT id, owner_pid, started_at FROM calls WHERE status = 'live'",
    ).all() as Array<{ id: string; owner_pid: number | null; started_at: string }>;
    const update = this.stmt(
      `UPDATE calls SET status = 'interrupted', end_reason = 'interrupted', ended_at = ?,
         owner_pid = NULL WHERE id = ? AND status = 'live'`,
    );
    for (const call of live) {
      const owner = call.owner_pid;
      if (owner !== null && (owner === process.pid || isProcessAlive(owner))) continue;
      const lastT = this.lastEventTime(call.id);
      const started = Date.parse(call.started_at);
      const endedAt = Number.isFinite(started)
        ? new Date(started + lastT * 1000).toISOString()
        : null;
      update.run(endedAt, call.id);
      this.interrupted.add(call.id);
      log.warn({ callId: call.id }, 'markInterruptedCalls: call was cut short');
    }
    return [...this.interrupted];
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

    const snippets = new Map<string, string>();
    for (const hit of this.search(query, 1000)) {
      if (!snippets.has(hit.callId)) snippets.set(hit.callId, hit.snippet);
    }
    const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const titleMatches = this.stmt(
      "SELECT id FROM calls WHERE title LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'",
    ).all(like, like) as Array<{ id: string }>;
    const ids = new Set([...snippets.keys(), ...titleMatches.map((row) => row.id)]);
    if (ids.size === 0) return [];

    const rows = this.stmt(
      `SELECT ${CALL_COLUMNS} FROM calls c WHERE c.id IN (SELECT value FROM json_each(?))
         ORDER BY c.started_at DESC, c.id LIMIT ?`,
    ).all(JSON.stringify([...ids]), limit) as CallRow[];
    return rows.map((row) => {
      const snippet = snippets.get(row.id);
      return snippet === undefined ? this.toListItem(row) : { ...this.toListItem(row), snippet };
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
   * Utterances matching `query` across all calls, best first. Terms are ANDed; English terms
   * match words and word prefixes, Chinese terms match as exact character sequences.
   */
  search(query: string, limit = 50): SearchHit[] {
    this.assertOpen();
    const match = buildMatchQuery(query);
    if (match === null) return [];
    const rows = this.stmt(
      `SELECT u.call_id AS callId, u.id AS utteranceId, u.text AS text
         FROM utterances_fts f JOIN utterances u ON u.rowid = f.rowid
         WHERE utterances_fts MATCH ? ORDER BY f.rank LIMIT ?`,
    ).all(match, limit) as Array<{ callId: string; utteranceId: string; text: string }>;
    return rows.map((row) => ({ ...row, snippet: makeSnippet(row.text, query) }));
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
        const result = this.stmt(
          `INSERT INTO utterances (call_id, id, seq, speaker, name, text, start_s, end_s, lang)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        );
        this.stmt('INSERT INTO utterances_fts (rowid, text) VALUES (?, ?)').run(
          result.lastInsertRowid,
          spaceCjk(event.text),
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
        this.endCall(callId, event.reason);
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
      status: row.status,
      durationS: Math.round((row.duration_s ?? 0) * 1000) / 1000,
      competitors: this.competitorsOf(row.id),
    };
  }
}
