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

export type DisposableEngine = EngineApi & { dispose(): Promise<void> };

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

  await waitForStop(io.signal);
  await server.close();
  await engine.dispose();
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

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function createRealEngine(): Promise<DisposableEngine> {
  // Loaded lazily so `--help`-style failures and tests need not open the database.
  const servicePath = '../engine/service';
  const service = (await import(/* @vite-ignore */ servicePath)) as {
    createEngineService(options: Record<string, unknown>): Promise<DisposableEngine>;
  };
  return service.createEngineService({});
}
