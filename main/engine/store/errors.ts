/** Problems with the call database, each naming the file and saying why in plain words. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';

export type StoreErrorCode =
  | 'not_a_database'
  | 'damaged'
  | 'newer_schema'
  | 'older_schema'
  | 'migration_failed'
  | 'unknown_call'
  | 'not_found'
  | 'not_writable'
  | 'disk_full'
  | 'io'
  | 'closed';

/** A problem with the call database. The message names the database file. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code: StoreErrorCode,
    readonly dbPath: string,
  ) {
    super(message);
  }
}

function writable(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the database file `dbPath` cannot be written, or null when the file (if it exists) and
 * its folder both accept writes. SQLite also needs to create `-wal` and `-shm` files beside
 * the database, so the folder must be writable too.
 */
export function unwritableReason(dbPath: string): string | null {
  const folder = path.dirname(dbPath);
  if (!existsSync(folder)) return `the folder ${folder} does not exist`;
  if (!statSync(folder).isDirectory()) return `${folder} is not a folder`;
  if (existsSync(dbPath) && !writable(dbPath)) return 'the file is read-only';
  if (!writable(folder)) {
    return `its folder ${folder} is read-only (SQLite keeps journal files beside the database)`;
  }
  return null;
}

/**
 * Turns an error of better-sqlite3 or the file system into a StoreError for `dbPath`;
 * `doing` says what failed ("cannot open the call database", "cannot store the call").
 */
export function storeFailure(error: unknown, dbPath: string, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const detail = error instanceof Error ? error.message : String(error);
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS'
  ) {
    const reason = code === 'EROFS' ? 'the disk is mounted read-only' : unwritableReason(dbPath);
    return new StoreError(
      `${dbPath}: ${doing}: ${reason ?? `the database is read-only (${detail})`}`,
      'not_writable',
      dbPath,
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') {
    return new StoreError(
      `${dbPath}: ${doing}: the disk is full or the file reached its size limit (${detail})`,
      'disk_full',
      dbPath,
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    // SQLite reports a refused or short write as an I/O error; say what that usually means.
    return new StoreError(
      `${dbPath}: ${doing}: the disk refused a write (${code}: ${detail}); ` +
        'check free space and the disk',
      'io',
      dbPath,
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError(
      `${dbPath}: ${doing}: another program keeps the database locked (${detail})`,
      'io',
      dbPath,
    );
  }
  return new StoreError(`${dbPath}: ${doing} (${detail})`, 'io', dbPath);
}
