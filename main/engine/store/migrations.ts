/**
 * Versioned schema of the call database. `PRAGMA user_version` holds the version; migrations
 * run in order, each in its own transaction. Append new migrations; never edit a shipped one.
 */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { foldText } from './fts';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/** Marks the file as Cuecard's ("CUEC" in ASCII), so other SQLite files are never migrated. */
export const APPLICATION_ID = 0x43554543;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'calls, event log, utterances with full-text index, intents, cues, alerts, ' +
      'escalations, feedback, summaries, talk-track records',
    up(db) {
      db.exec(`
        CREATE TABLE calls (
          id TEXT PRIMARY KEY,
          title TEXT NOT NULL,
          source TEXT NOT NULL,
          lang TEXT NOT NULL,
          started_at TEXT NOT NULL,
          ended_at TEXT,
          status TEXT NOT NULL CHECK (status IN ('live', 'completed', 'interrupted')),
          end_reason TEXT,
          owner_pid INTEGER
        );
        CREATE INDEX calls_started_at ON calls (started_at);
        CREATE INDEX calls_status ON calls (status);

        -- Every stored event of a call, in order, exactly as it was published.
        CREATE TABLE events (
          call_id TEXT NOT NULL REFERENCES calls (id),
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          t REAL NOT NULL,
          payload TEXT NOT NULL,
          PRIMARY KEY (call_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE utterances (
          rowid INTEGER PRIMARY KEY,
          call_id TEXT NOT NULL REFERENCES calls (id),
          id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          speaker TEXT NOT NULL,
          name TEXT,
          text TEXT NOT NULL,
          start_s REAL NOT NULL,
          end_s REAL NOT NULL,
          lang TEXT NOT NULL,
          UNIQUE (call_id, id)
        );
        -- Contentless index of utterances.text with CJK characters spaced apart (see fts.ts);
        -- its rowid is utterances.rowid.
        CREATE VIRTUAL TABLE utterances_fts USING fts5 (
          text, content = '', tokenize = 'unicode61 remove_diacritics 2'
        );

        CREATE TABLE intents (
          call_id TEXT NOT NULL REFERENCES calls (id),
          seq INTEGER NOT NULL,
          utterance_id TEXT NOT NULL,
          label TEXT NOT NULL,
          speaker TEXT NOT NULL,
          confidence REAL NOT NULL,
          competitor TEXT,
          t REAL NOT NULL,
          PRIMARY KEY (call_id, seq)
        );
        CREATE INDEX intents_label ON intents (label);

        CREATE TABLE cues (
          call_id TEXT NOT NULL REFERENCES calls (id),
          id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          intent TEXT,
          competitor TEXT,
          rule TEXT NOT NULL,
          ref_id TEXT NOT NULL,
          utterance_id TEXT NOT NULL,
          t REAL NOT NULL,
          PRIMARY KEY (call_id, id)
        );

        CREATE TABLE alerts (
          call_id TEXT NOT NULL REFERENCES calls (id),
          id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          rule TEXT NOT NULL,
          cue_id TEXT,
          message TEXT NOT NULL,
          t REAL NOT NULL,
          PRIMARY KEY (call_id, id)
        );

        -- One row per state change of an escalation.
        CREATE TABLE escalations (
          call_id TEXT NOT NULL REFERENCES calls (id),
          id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          state TEXT NOT NULL,
          note TEXT NOT NULL,
          t REAL NOT NULL,
          PRIMARY KEY (call_id, seq)
        );

        CREATE TABLE feedback (
          call_id TEXT NOT NULL REFERENCES calls (id),
          seq INTEGER NOT NULL,
          cue_id TEXT NOT NULL,
          action TEXT NOT NULL CHECK (action IN ('helpful', 'not_helpful', 'pinned', 'dismissed')),
          helpful INTEGER,
          t REAL NOT NULL,
          PRIMARY KEY (call_id, seq)
        );
        CREATE INDEX feedback_cue ON feedback (call_id, cue_id);

        CREATE TABLE summaries (
          call_id TEXT PRIMARY KEY REFERENCES calls (id),
          t REAL NOT NULL,
          payload TEXT NOT NULL
        );

        -- How each talk-track fared across all calls (a cue's latest verdict counts once).
        CREATE TABLE talk_track_records (
          ref_id TEXT PRIMARY KEY,
          shown INTEGER NOT NULL DEFAULT 0,
          helpful INTEGER NOT NULL DEFAULT 0,
          not_helpful INTEGER NOT NULL DEFAULT 0
        );
      `);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    },
  },
  {
    version: 2,
    description:
      "status 'stopped' for calls ended by the user, duration in call time, substring search " +
      'in any script (trigram index over folded text)',
    up(db) {
      // SQLite cannot change a CHECK constraint in place: rebuild the table (foreign keys are
      // off while migrations run, and checked before each commit).
      db.exec(`
        CREATE TABLE calls_v2 (
          id TEXT PRIMARY KEY,
          title TEXT NOT NULL,
          source TEXT NOT NULL,
          lang TEXT NOT NULL,
          started_at TEXT NOT NULL,
          ended_at TEXT,
          status TEXT NOT NULL
            CHECK (status IN ('live', 'completed', 'stopped', 'interrupted')),
          end_reason TEXT,
          owner_pid INTEGER,
          -- Seconds of call time (the t of call_ended, or of the last event of a call cut
          -- short); NULL while the call is live.
          duration_s REAL
        );
        INSERT INTO calls_v2
          SELECT c.id, c.title, c.source, c.lang, c.started_at, c.ended_at,
            CASE WHEN c.status = 'completed' AND c.end_reason = 'stopped' THEN 'stopped'
              ELSE c.status END,
            c.end_reason, c.owner_pid,
            CASE WHEN c.status = 'live' THEN NULL ELSE COALESCE(
              (SELECT e.t FROM events e WHERE e.call_id = c.id AND e.type = 'call_ended'
                ORDER BY e.seq DESC LIMIT 1),
              (SELECT MAX(e.t) FROM events e WHERE e.call_id = c.id),
              0) END
          FROM calls c;
        DROP TABLE calls;
        ALTER TABLE calls_v2 RENAME TO calls;
        CREATE INDEX calls_started_at ON calls (started_at);
        CREATE INDEX calls_status ON calls (status);
      `);

      db.function('cuecard_fold', { deterministic: true }, (text) => foldText(String(text)));
      db.exec(`
        ALTER TABLE utterances ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
        UPDATE utterances SET search_text = cuecard_fold(text);
        DROP TABLE utterances_fts;
        -- Index of utterances.search_text (the text folded by fts.ts); rowid = utterances.rowid.
        CREATE VIRTUAL TABLE utterances_fts USING fts5 (
          search_text, content = 'utterances', content_rowid = 'rowid', tokenize = 'trigram'
        );
        INSERT INTO utterances_fts (utterances_fts) VALUES ('rebuild');
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

function latestVersion(migrations: readonly Migration[]): number {
  return migrations[migrations.length - 1]?.version ?? 0;
}

/** The schema version of `db`; throws StoreError when a newer Cuecard wrote it. */
function schemaVersionReadable(
  db: Database.Database,
  dbPath: string,
  migrations: readonly Migration[],
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new StoreError(
      `${dbPath}: the call database was written by a newer Cuecard (schema version ${current}; ` +
        `this version reads up to ${latest}). Update Cuecard; the file was left untouched.`,
      'newer_schema',
      dbPath,
    );
  }
  return current;
}

/**
 * Brings the schema of `db` up to the newest of `migrations`. A database written by a newer
 * Cuecard, or an SQLite file that is not Cuecard's, is refused without touching it.
 * Returns the versions that were applied.
 */
export function migrate(
  db: Database.Database,
  dbPath: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const current = schemaVersionReadable(db, dbPath, migrations);
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tableCount = (
    db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as {
      n: number;
    }
  ).n;
  const foreign = current === 0 ? tableCount > 0 : applicationId !== APPLICATION_ID;
  if (foreign) {
    throw new StoreError(
      `${dbPath}: this SQLite file is not a Cuecard call database; it was left untouched. ` +
        'Point Cuecard at another file or data folder.',
      'not_a_database',
      dbPath,
    );
  }

  const applied: number[] = [];
  const pending = migrations.filter((migration) => migration.version > current);
  if (pending.length === 0) return applied;
  // A migration may rebuild a table that others reference; foreign keys can only be switched
  // off outside a transaction, and are checked before each migration commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of pending) {
      try {
        db.transaction(() => {
          migration.up(db);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`${broken.length} rows lost their call`);
          db.pragma(`user_version = ${migration.version}`);
        })();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreError(
          `${dbPath}: migration to schema version ${migration.version} ` +
            `(${migration.description}) failed and was rolled back: ${reason}`,
          'migration_failed',
          dbPath,
        );
      }
      applied.push(migration.version);
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return applied;
}

/**
 * Checks, without writing, that `db` is a Cuecard database this version can read as it is:
 * throws StoreError when it comes from a newer or an older Cuecard, or is another program's.
 */
export function assertCurrentSchema(
  db: Database.Database,
  dbPath: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const current = schemaVersionReadable(db, dbPath, migrations);
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (current === 0 || applicationId !== APPLICATION_ID) {
    throw new StoreError(
      `${dbPath}: this SQLite file is not a Cuecard call database; it was left untouched.`,
      'not_a_database',
      dbPath,
    );
  }
  const latest = latestVersion(migrations);
  if (current < latest) {
    throw new StoreError(
      `${dbPath}: the call database has schema version ${current} and needs upgrading to ` +
        `${latest}, which cannot be done while it is read-only. Make the file and its folder ` +
        'writable and run any command that stores calls (e.g. `cuecard replay`).',
      'older_schema',
      dbPath,
    );
  }
}
