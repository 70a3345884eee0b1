/**
 * Runs the real `cuecard` command (bin/cuecard.mjs) in a child process, as a user would, and
 * gives back its exit code, stdout and stderr.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CallEvent } from '../../main/contract/events';
import { REPO_ROOT } from './shared';
import { unprivileged } from './unprivileged';

const run = promisify(execFile);
export const CUECARD_BIN = path.join(REPO_ROOT, 'bin/cuecard.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to the environment (CUECARD_LOG_LEVEL is cleared unless given). */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as an unprivileged user (see `unprivileged.ts`), for permission tests. */
  asNobody?: boolean;
  /** Limit the size of every file the command writes (KiB), standing in for a full disk. */
  fileLimitKb?: number;
}

function commandLine(args: string[], options: CliOptions): { command: string; args: string[] } {
  let line = options.asNobody
    ? unprivileged(process.execPath, [CUECARD_BIN, ...args])
    : { command: process.execPath, args: [CUECARD_BIN, ...args] };
  if (options.fileLimitKb) {
    const quoted = [line.command, ...line.args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
    line = {
      command: 'bash',
      args: ['-c', `ulimit -f ${options.fileLimitKb} && exec ${quoted.join(' ')}`],
    };
  }
  return line;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  return { ...process.env, CUECARD_LOG_LEVEL: '', CUECARD_MODEL_MIRROR: '', ...options.env };
}

/** Runs `cuecard args…` to its end. */
export async function cuecard(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const line = commandLine(args, options);
  try {
    const { stdout, stderr } = await run(line.command, line.args, {
      env: environment(options),
      cwd: options.cwd ?? REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Starts `cuecard args…`, calls `onLine` with each stdout line (it may send the process a
 * signal), and resolves when the process has exited.
 */
export function cuecardInteractive(
  args: string[],
  onLine: (line: string, signal: (name: NodeJS.Signals) => void) => void,
  options: CliOptions = {},
): Promise<CliRun> {
  const line = commandLine(args, options);
  const child = spawn(line.command, line.args, {
    env: environment(options),
    cwd: options.cwd ?? REPO_ROOT,
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) onLine(text, (name) => child.kill(name));
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : -1), stdout, stderr }),
    );
  });
}

/** The JSON lines of an output. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

export function events(stdout: string): CallEvent[] {
  return jsonLines<CallEvent>(stdout);
}

/** A WebVTT transcript of `turns` alternating rep ("Alex Chen") and customer ("Dana"). */
export function vttOf(turns: Array<{ start: number; end: number; text: string }>): string {
  const clock = (t: number) => {
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const s = (t % 60).toFixed(3).padStart(6, '0');
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
  };
  const cues = turns.map(
    (turn, i) =>
      `${clock(turn.start)} --> ${clock(turn.end)}\n<v ${i % 2 === 0 ? 'Alex Chen' : 'Dana'}>${turn.text}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
