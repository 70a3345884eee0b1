/**
 * `cuecard ui [--port N] [--static DIR]`: starts the engine and the local UI server, prints the
 * page address (with its token), and runs until interrupted.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineApi } from '../contract/api';
import { startUiServer } from './ui-server';

/** Built renderer of this checkout: `out/renderer` at the repository root. */
export const DEFAULT_STATIC_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../out/renderer',
);

export type DisposableEngine = EngineApi & {
  dispose(): Promise<void>;
  /** What the user should know from startup (a settings file set aside, …). */
  readonly warnings?: readonly string[];
};

export interface UiCommandIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Stops the server when aborted; without it the command waits for SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Builds the engine; defaults to the real engine service. */
  createEngine?: () => Promise<DisposableEngine>;
  /** Called once the server listens, with its page address. */
  onListening?: (url: string) => void;
}

/** Runs the command; resolves with the process exit code. Never throws. */
export async function uiCommand(argv: string[], io: UiCommandIo): Promise<number> {
  const parsed = parseUiArgs(argv);
  if (!parsed.ok) {
    io.stderr(`cuecard ui: ${parsed.message}`);
    io.stderr('usage: cuecard ui [--port N] [--static DIR]');
    return 2;
  }
  const { port, staticDir } = parsed;
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    io.stderr(`cuecard ui: no renderer build at ${staticDir}; run "npm run build:renderer" first`);
    return 1;
  }

  let engine: DisposableEngine;
  try {
    engine = await (io.createEngine ?? createRealEngine)();
  } catch (error) {
    io.stderr(`cuecard ui: engine failed to start: ${(error as Error).message}`);
    return 1;
  }
  for (const warning of engine.warnings ?? []) io.stderr(`cuecard ui: warning: ${warning}`);

  let server: Awaited<ReturnType<typeof startUiServer>>;
  try {
    server = await startUiServer({ engine, port, staticDir });
  } catch (error) {
    io.stderr(`cuecard ui: cannot listen on port ${port}: ${(error as Error).message}`);
    await engine.dispose();
    return 1;
  }
  io.stdout(`Cuecard UI: ${server.url}`);
  io.onListening?.(server.url);

  const stop = waitForStop(io.signal);
  await stop.requested;
  try {
    await server.close();
    await engine.dispose();
  } finally {
    stop.release();
  }
  return 0;
}

type ParsedArgs = { ok: true; port: number; staticDir: string } | { ok: false; message: string };

export function parseUiArgs(argv: string[]): ParsedArgs {
  let port = 0;
  let staticDir = DEFAULT_STATIC_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        return { ok: false, message: `--port: expected 0..65535, got "${text ?? ''}"` };
      }
      port = n;
    } else if (flag === '--static') {
      const text = value();
      if (!text) return { ok: false, message: '--static: missing folder' };
      staticDir = path.resolve(text);
    } else {
      return { ok: false, message: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, port, staticDir };
}

/**
 * Resolves `requested` on abort, or on SIGINT / SIGTERM. The signal listeners stay until
 * `release()`, so shutting down is not cut short: the settings store's file-writing library
 * re-sends a signal it saw, which would otherwise end the process at once. A signal more
 * than a second after the first (the user pressing Ctrl-C again) ends the process.
 */
function waitForStop(signal: AbortSignal | undefined): {
  requested: Promise<void>;
  release: () => void;
} {
  if (signal) {
    const requested = new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return { requested, release: () => {} };
  }
  let firstAt = 0;
  let resolveRequested: () => void = () => {};
  const requested = new Promise<void>((resolve) => {
    resolveRequested = resolve;
  });
  const onSignal = (name: NodeJS.Signals) => {
    if (firstAt === 0) {
      firstAt = Date.now();
      resolveRequested();
    } else if (Date.now() - firstAt > 1000) {
      process.exit(name === 'SIGINT' ? 130 : 143);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function createRealEngine(): Promise<DisposableEngine> {
  // Loaded lazily so `--help`-style failures and tests need not open the database.
  const servicePath = '../engine/service';
  const service = (await import(/* @vite-ignore */ servicePath)) as {
    createEngineService(options: Record<string, unknown>): Promise<DisposableEngine>;
  };
  return service.createEngineService({});
}
