/**
 * `cuecard models list | pull | verify`: the speech-model manager on the command line.
 * Results on stdout, progress and problems on stderr as `cuecard models SUB: …`, like the
 * other commands. Exit codes: 0 success, 1 failure, 2 bad usage, 130 stopped with Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { formatBytes } from '../engine/asr/model-download';
import { MAX_TIMEOUT_S, timeoutSeconds } from '../engine/env';
import {
  listModels,
  type ModelStoreOptions,
  ModelDownloadError,
  modelsFolder,
  type PullProgress,
  pullModel,
  verifyModel,
} from '../engine/asr/models';
import type { CliIo } from './index';

const USAGE = `usage: cuecard models list
       cuecard models pull NAME [--force] [--sha256 HEX] [--no-wait]
                                [--connect-timeout SECONDS] [--idle-timeout SECONDS]
       cuecard models verify [NAME]`;

/** A mistake in how the command was called: reported with the usage, exit code 2. */
class UsageError extends Error {}

export type ModelsCommandOptions = ModelStoreOptions & {
  signal?: AbortSignal;
  /** How often a waiting pull looks at another process's lock, in milliseconds. */
  lockPollMs?: number;
};

/** Runs `cuecard models ARGV…`; resolves to the exit code. */
export async function modelsCommand(
  argv: string[],
  io: CliIo,
  options: ModelsCommandOptions = {},
): Promise<number> {
  const [sub, ...rest] = argv;
  const scope = sub === undefined ? 'cuecard models' : `cuecard models ${sub}`;
  try {
    switch (sub) {
      case undefined:
      case 'list':
        return await listCommand(rest, io, options);
      case 'pull':
        return await pullCommand(rest, io, options);
      case 'verify':
        return await verifyCommand(rest, io, options);
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      default:
        io.err(`cuecard models: unknown subcommand "${sub}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      String((error as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS');
    io.err(`${scope}: ${(error as Error).message}${usage ? `\n${USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
}

async function listCommand(argv: string[], io: CliIo, options: ModelsCommandOptions) {
  parseArgs({ args: argv, allowPositionals: false, options: {} });
  const models = await listModels(options);
  for (const model of models) {
    const flags = [
      model.state === 'downloading' ? (model.message ?? 'downloading') : '',
      model.installed ? 'installed' : 'not installed',
      model.isDefault ? 'default' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const size = model.sizeBytes ? formatBytes(model.sizeBytes) : 'size unknown';
    io.out(`${model.name}  [${model.languages.join('+')}]  ${size}  (${flags})`);
    io.out(`    ${model.description}`);
  }
  io.out(`Models folder: ${modelsFolder(options)}`);
  return 0;
}

function secondsOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = timeoutSeconds(value);
  if (seconds === null) {
    throw new UsageError(
      `${flag} takes a number of seconds above 0 and at most ${MAX_TIMEOUT_S} (got "${value}")`,
    );
  }
  return seconds * 1000;
}

async function pullCommand(argv: string[], io: CliIo, options: ModelsCommandOptions) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      force: { type: 'boolean', default: false },
      sha256: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      'connect-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    const names = (await listModels(options)).map((m) => m.name).join(', ');
    throw new UsageError(`expected one model NAME, one of: ${names}`);
  }
  const name = positionals[0];
  const connectTimeoutMs = secondsOption(values['connect-timeout'], '--connect-timeout');
  const idleTimeoutMs = secondsOption(values['idle-timeout'], '--idle-timeout');
  if (values.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.sha256)) {
    throw new UsageError(`--sha256 takes 64 hexadecimal digits (got "${values.sha256}")`);
  }

  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  process.once('SIGINT', stop);
  const signal = options.signal
    ? AbortSignal.any([options.signal, interrupt.signal])
    : interrupt.signal;
  try {
    const result = await pullModel(name, {
      ...options,
      signal,
      force: values.force,
      sha256: values.sha256,
      wait: !values['no-wait'],
      connectTimeoutMs,
      idleTimeoutMs,
      onNotice: (message) => io.err(message),
      onProgress: progressPrinter(io),
    });
    if (result.alreadyInstalled) {
      io.out(`${result.name} is already installed in ${result.dir} and verifies`);
      return 0;
    }
    io.out(`Installed ${result.name} in ${result.dir}`);
    io.out(
      result.checksumRecorded
        ? `sha256 ${result.archiveSha256} (no published checksum; recorded for later downloads)`
        : `sha256 ${result.archiveSha256} (matches)`,
    );
    return 0;
  } catch (error) {
    if (!signal.aborted) throw error;
    const message = error instanceof ModelDownloadError ? error.message : 'stopped.';
    io.err(`cuecard models pull: ${message}`);
    return 130;
  } finally {
    process.off('SIGINT', stop);
  }
}

/** Prints a line per phase and per 5 % of it, on stderr. */
function progressPrinter(io: CliIo): (progress: PullProgress) => void {
  let lastPhase = '';
  let lastStep = -1;
  return ({ phase, receivedBytes, totalBytes }) => {
    if (phase === 'wait') return;
    const step = totalBytes ? Math.floor((receivedBytes / totalBytes) * 20) : -1;
    if (phase === lastPhase && (step === lastStep || step < 0)) return;
    if (phase !== lastPhase && phase === 'check') io.err('check: verifying the installed files');
    else if (phase === 'verify') {
      if (phase !== lastPhase) io.err(`verify: sha256 of ${formatBytes(totalBytes ?? 0)}`);
    } else if (totalBytes) {
      io.err(`${phase}: ${Math.min(100, step * 5)}% of ${formatBytes(totalBytes)}`);
    } else io.err(`${phase}: ${formatBytes(receivedBytes)}`);
    lastPhase = phase;
    lastStep = step;
  };
}

async function verifyCommand(argv: string[], io: CliIo, options: ModelsCommandOptions) {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError('expected at most one model NAME');
  const results = await verifyModel(positionals[0], options);
  if (results.length === 0) {
    throw new Error(
      'no speech recognition model is installed. Install one with: cuecard models pull NAME ' +
        '(see cuecard models list)',
    );
  }
  let failed = false;
  for (const result of results) {
    if (result.ok) {
      io.out(`${result.name}: OK`);
      continue;
    }
    failed = true;
    if (result.state === 'downloading') {
      io.out(`${result.name}: BUSY`);
      io.out(`    ${result.problems[0]}; verify again when it has finished`);
    } else if (result.state === 'missing') {
      io.out(`${result.name}: NOT INSTALLED`);
      io.out(`    Install: cuecard models pull ${result.name}`);
    } else {
      io.out(`${result.name}: FAILED`);
      for (const problem of result.problems) io.out(`    ${problem}`);
      io.out(`    Fix: cuecard models pull ${result.name}`);
    }
  }
  return failed ? 1 : 0;
}
