/**
 * Lock files that keep two processes (the CLI and the app's Download button, say) from writing
 * one model's files at the same time.
 *
 * A lock is a file created exclusively, holding the holder's pid, host name and start time. The
 * holder touches it every `HEARTBEAT_MS`. A lock is stale, and is taken over, when its process
 * is gone (same host) or when it has not been touched for `STALE_AFTER_MS`: a crashed machine,
 * or a pid that another program got after a reboot.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;
/** A takeover only reads and removes one file; a guard older than this was left by a crash. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

/** Who holds a lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** Tells two holders in one process apart. */
  token: string;
}

/** The lock is held by a live process and the caller asked not to wait. */
export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  readonly code = 'model_busy';
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | null,
    message: string,
  ) {
    super(message);
  }
}

/** A lock this process holds. `release` is safe to call more than once. */
export interface HeldLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Wait while a live process holds the lock (default true); false throws `LockBusyError`. */
  wait?: boolean;
  /** Called once, when the lock is found held and waiting begins. */
  onWait?: (holder: LockHolder | null) => void;
  /** Builds the `LockBusyError` message from the holder. */
  busyMessage?: (holder: LockHolder | null) => string;
  signal?: AbortSignal;
  /** How often to look again while waiting, in milliseconds (default 500). */
  pollMs?: number;
}

/** "pid 123 on this computer, since 14:02" or "pid 123 on host build-7, since …". */
export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'a process that is still writing its lock file';
  const where = holder.hostname === os.hostname() ? 'this computer' : `host ${holder.hostname}`;
  const since = new Date(holder.startedAt);
  const time = Number.isNaN(since.getTime()) ? holder.startedAt : since.toLocaleString();
  return `pid ${holder.pid} on ${where}, since ${time}`;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.token !== 'string') return null;
    return {
      pid: value.pid,
      hostname: String(value.hostname ?? ''),
      startedAt: String(value.startedAt ?? ''),
      token: value.token,
    };
  } catch {
    return null;
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

interface LockState {
  holder: LockHolder | null;
  stale: boolean;
}

/** The lock file's holder and whether it is stale; null when there is no lock file. */
async function readLock(file: string): Promise<LockState | null> {
  let text: string;
  let touchedMs: number;
  try {
    touchedMs = (await stat(file)).mtimeMs;
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const holder = parseHolder(text);
  const untouched = Date.now() - touchedMs > STALE_AFTER_MS;
  if (!holder) return { holder, stale: untouched };
  const gone = holder.hostname === os.hostname() && processIsGone(holder.pid);
  return { holder, stale: untouched || gone };
}

/**
 * The live holder of `file`, or null when it is free or stale. For status displays; it takes
 * nothing.
 */
export async function liveLockHolder(file: string): Promise<LockHolder | null> {
  const state = await readLock(file).catch(() => null);
  return state && !state.stale ? state.holder : null;
}

async function createExclusive(file: string, holder: LockHolder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes `file` if it still belongs to the stale holder `staleToken`. A guard file makes sure
 * two processes that both found the lock stale do not remove each other's fresh lock. Resolves
 * to false when another process is taking it over at the same moment.
 */
async function takeOver(file: string, staleToken: string | null, pid: number): Promise<boolean> {
  const guard = `${file}.takeover`;
  const guardHolder = { pid, hostname: os.hostname(), startedAt: '', token: randomUUID() };
  if (!(await createExclusive(guard, guardHolder))) {
    const guardAge =
      Date.now() - (await stat(guard).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (guardAge > TAKEOVER_GUARD_STALE_MS) await rm(guard, { force: true });
    return false;
  }
  try {
    const state = await readLock(file);
    if (state?.stale && (state.holder?.token ?? null) === staleToken)
      await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
  return true;
}

/**
 * Takes the lock `file`: creates it when free, takes it over when stale, and otherwise waits
 * for it (or throws `LockBusyError` when `wait` is false). Rejects with the signal's reason when
 * `signal` aborts while waiting.
 */
export async function acquireLock(file: string, options: AcquireOptions = {}): Promise<HeldLock> {
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  let waiting = false;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await createExclusive(file, holder)) return heldLock(file, holder.token);

    const state = await readLock(file);
    if (!state) continue;
    if (state.stale) {
      const tookOver = await takeOver(file, state.holder?.token ?? null, holder.pid);
      if (!tookOver) await sleep(options.pollMs ?? 500, undefined, { signal: options.signal });
      continue;
    }
    if (options.wait === false) {
      const message =
        options.busyMessage?.(state.holder) ?? `${file} is held by ${describeHolder(state.holder)}`;
      throw new LockBusyError(file, state.holder, message);
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(state.holder);
    }
    await sleep(options.pollMs ?? 500, undefined, { signal: options.signal });
  }
}

function heldLock(file: string, token: string): HeldLock {
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      // Remove only our own lock: after a long stall another process may have taken it over.
      const current = parseHolder(await readFile(file, 'utf8').catch(() => ''));
      if (current?.token === token) await rm(file, { force: true });
    },
  };
}
