/**
 * `cuecard`: replay calls, browse stored calls, manage ASR models, serve the UI.
 * Output on stdout (a readable timeline, or NDJSON with `--json`); errors, warnings and logs on
 * stderr (with `--json`, errors and warnings as JSON objects). Every command answers --help.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CallDetail } from '../contract/api';
import type { CallEvent } from '../contract/events';
import { checkEnvironment, EnvError, envValue } from '../engine/env';
import { setLogLevel } from '../engine/log';
import { PlaybookError } from '../engine/playbook/load';
import { defaultPlaybookDir } from '../engine/resources';
import { loadEngineParts } from '../engine/service';
import { CallSession } from '../engine/session/call-session';
import { openSource } from '../engine/session/open-source';
import { CallStore } from '../engine/store/call-store';
import { StoreError } from '../engine/store/errors';
import { defaultDataDir } from '../engine/store/paths';
import { summarizeCall } from '../engine/summary/summarize';
import { formatEvent } from './format';
import { helpText } from './help';
import { modelsCommand } from './models';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 done, 1 failed, 2 bad usage, 128 + signal number when stopped by a signal. */
const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** A problem the CLI reports with a code and exits on; never shown with a stack trace. */
class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/**
 * Where a command's errors, warnings and notes go: plain lines on stderr, or with `--json`
 * one JSON object per line (`{"ok":false,"error":{code,message,command}}`, `{"warning":…}`).
 */
class Reporter {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
    private readonly command: string,
  ) {}

  error(code: string, message: string): void {
    if (this.json) {
      this.io.err(JSON.stringify({ ok: false, error: { code, message, command: this.command } }));
    } else {
      this.io.err(`cuecard${this.command ? ` ${this.command}` : ''}: ${message}`);
    }
  }

  warning(message: string): void {
    if (this.json) this.io.err(JSON.stringify({ warning: { message } }));
    else this.io.err(`cuecard: warning: ${message}`);
  }

  note(message: string): void {
    if (this.json) this.io.err(JSON.stringify({ note: { message } }));
    else this.io.err(message);
  }
}

/** The version in package.json. */
export function cuecardVersion(): string {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const json = beforeDashes.includes('--json');
  const sub = command === 'calls' || command === 'models' ? rest[0] : undefined;
  const commandPath = [command, sub && !sub.startsWith('-') ? sub : undefined]
    .filter(Boolean)
    .join(' ');
  const report = new Reporter(io, json, commandPath);

  if (command === '--version' || command === '-V' || command === 'version') {
    io.out(
      json
        ? JSON.stringify({ name: 'cuecard', version: cuecardVersion() })
        : `cuecard ${cuecardVersion()}`,
    );
    return EXIT.ok;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest.filter((a) => !a.startsWith('-')).join(' ') : '';
    const text = helpText(topic);
    if (text === null) {
      report.error('usage', `no help for "${topic}"; commands: replay, calls, models, ui`);
      return EXIT.usage;
    }
    (command === undefined ? io.err : io.out)(text);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) {
    const text = helpText(commandPath) ?? helpText(command);
    if (text !== null) {
      io.out(text);
      return EXIT.ok;
    }
  }

  // The CLI reports problems itself; the engine's log lines are for CUECARD_LOG_LEVEL=info|debug.
  if (!envValue('CUECARD_LOG_LEVEL')) setLogLevel('silent');
  const environment = checkEnvironment();
  for (const warning of environment.warnings) report.warning(warning);
  if (environment.errors.length > 0) {
    for (const error of environment.errors) report.error('bad_environment', error);
    return EXIT.usage;
  }

  try {
    switch (command) {
      case 'replay':
        return await replayCommand(rest, io, report);
      case 'calls':
        return callsCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io);
      case 'ui': {
        const { uiCommand } = await import('../server/ui-command');
        return await uiCommand(rest, { stdout: io.out, stderr: io.err });
      }
      default:
        report.error('usage', `unknown command "${command}" (see \`cuecard --help\`)`);
        return EXIT.usage;
    }
  } catch (error) {
    const { code, message, exitCode } = describeError(error, commandPath);
    report.error(code, message);
    return exitCode;
  }
}

function describeError(
  error: unknown,
  commandPath: string,
): { code: string; message: string; exitCode: number } {
  if (error instanceof CliError) {
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  const nodeCode = String((error as { code?: unknown })?.code ?? '');
  if (nodeCode.startsWith('ERR_PARSE_ARGS')) {
    // node:util parseArgs: unknown option, missing value, unexpected argument.
    const short = message.split('. ')[0].replace(/\.$/, '');
    return {
      code: 'usage',
      message: `${short} (see \`cuecard ${commandPath} --help\`)`,
      exitCode: EXIT.usage,
    };
  }
  if (error instanceof StoreError) return { code: error.code, message, exitCode: EXIT.failed };
  if (error instanceof EnvError) return { code: 'bad_environment', message, exitCode: EXIT.usage };
  if (error instanceof PlaybookError)
    return { code: 'bad_playbook', message, exitCode: EXIT.failed };
  return { code: nodeCode || 'failed', message, exitCode: EXIT.failed };
}

/** The call database: `--db` when given, else `cuecard.db` in the data folder. */
function dbPathOf(value: string | undefined): string {
  return path.resolve(value ?? path.join(defaultDataDir(), 'cuecard.db'));
}

async function replayCommand(argv: string[], io: CliIo, report: Reporter): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      playbook: { type: 'string' },
      rep: { type: 'string' },
      lang: { type: 'string', default: 'auto' },
      realtime: { type: 'boolean', default: false },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      model: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    throw new CliError('usage', 'expected one FILE (see `cuecard replay --help`)', EXIT.usage);
  }
  const lang = values.lang as string;
  if (lang !== 'en' && lang !== 'zh' && lang !== 'auto') {
    throw new CliError('usage', `--lang must be en, zh or auto (got "${lang}")`, EXIT.usage);
  }

  // The database is checked first: a call that could not be stored must not start.
  const store = CallStore.open(dbPathOf(values.db), { createFolder: values.db === undefined });
  let parts: Awaited<ReturnType<typeof loadEngineParts>> | undefined;
  let session: CallSession | undefined;
  let stopSignal: 'SIGINT' | 'SIGTERM' | null = null;
  let fatal: { code: string; message: string } | null = null;
  const stopOn = (signal: 'SIGINT' | 'SIGTERM') => () => {
    stopSignal = signal;
    void session?.stop();
  };
  const onSigint = stopOn('SIGINT');
  const onSigterm = stopOn('SIGTERM');
  try {
    parts = await loadEngineParts(values.playbook ?? defaultPlaybookDir());
    const source = await openSource(file, {
      rep: values.rep,
      lang,
      asrModel: values.model,
      onSpeechFound: (found) => {
        for (const [channel, segments] of Object.entries(found)) {
          const spans = segments.map((s) => `${s.start.toFixed(2)}-${s.end.toFixed(2)}`).join(' ');
          report.note(`speech on ${channel}: ${segments.length} segment(s): ${spans}`);
        }
      },
    });
    session = new CallSession(
      { ...parts, summarize: summarizeCall, recorder: store },
      { source, lang, realtime: values.realtime, title: path.basename(file) },
    );
    session.on((event: CallEvent) => {
      if (event.type === 'problem' && event.fatal) fatal ??= event;
      if (values.json) {
        if (event.type !== 'level') io.out(JSON.stringify(event));
        return;
      }
      const line = formatEvent(event);
      if (line !== null) io.out(line);
    });
    // The first Ctrl-C ends the call properly (summary, stored as "stopped"); a second one,
    // with the default handler back in place, ends the process at once.
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    await session.run();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await parts?.intents.dispose();
    store.close();
  }
  if (fatal) {
    const { code, message } = fatal;
    throw new CliError(code, message);
  }
  if (stopSignal) return stopSignal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  return EXIT.ok;
}

/**
 * Opens the database for a command that only reads. A database that does not exist is an
 * error when named with --db (a typo must not look like an empty history); the default one
 * not existing yet just means nothing was stored (null).
 */
function openForReading(dbOption: string | undefined): CallStore | null {
  const dbPath = dbPathOf(dbOption);
  if (dbOption === undefined && !existsSync(dbPath)) return null;
  return CallStore.open(dbPath, { access: 'read' });
}

function callsCommand(argv: string[], io: CliIo): number {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'show') {
    throw new CliError(
      'usage',
      sub === undefined
        ? 'expected `list` or `show ID` (see `cuecard calls --help`)'
        : `unknown subcommand "${sub}"; expected \`list\` or \`show ID\` ` +
            '(see `cuecard calls --help`)',
      EXIT.usage,
    );
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: sub === 'show',
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...(sub === 'list' ? { search: { type: 'string' as const } } : {}),
    },
  });
  const search = (values as { search?: string }).search;

  if (sub === 'show' && positionals.length !== 1) {
    throw new CliError('usage', 'expected one call ID (see `cuecard calls list`)', EXIT.usage);
  }
  const store = openForReading(values.db);
  if (store === null) {
    if (sub === 'list') {
      if (!values.json) io.out('no calls stored yet');
      return EXIT.ok;
    }
    throw new CliError('not_found', `no call "${positionals[0]}": no calls are stored yet`);
  }
  try {
    if (sub === 'list') {
      const calls = store.listCalls({ query: search, limit: 100 });
      if (values.json) {
        for (const call of calls) io.out(JSON.stringify(call));
      } else if (calls.length === 0) {
        io.out(search ? `no calls match "${search}"` : 'no calls stored yet');
      } else {
        for (const c of calls) {
          const status = c.status === 'completed' ? '' : ` [${c.status}]`;
          io.out(
            `${c.id}  ${c.startedAt.slice(0, 16).replace('T', ' ')}  ${formatDuration(c.durationS)}  ${c.title}${status}`,
          );
          if (c.snippet) io.out(`    … ${c.snippet}`);
        }
      }
      return EXIT.ok;
    }

    const call = findCall(store, positionals[0]);
    if (values.json) {
      io.out(JSON.stringify(call));
      return EXIT.ok;
    }
    io.out(`${call.title}  (${call.status}, ${formatDuration(call.durationS)}, ${call.lang})`);
    for (const event of call.events) {
      const line = formatEvent(event);
      if (line !== null) io.out(line);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** The call whose ID is `id` or starts with it; a prefix of several calls is an error. */
function findCall(store: CallStore, id: string): CallDetail {
  const exact = store.getCall(id);
  if (exact) return exact;
  const matches = store.findCallsByIdPrefix(id, 11);
  if (matches.length === 0) {
    throw new CliError('not_found', `no call "${id}" (see \`cuecard calls list\`)`);
  }
  if (matches.length > 1) {
    const listed = matches
      .slice(0, 10)
      .map((m) => `  ${m.id}  ${m.startedAt.slice(0, 16).replace('T', ' ')}  ${m.title}`);
    if (matches.length > 10) listed.push('  …');
    throw new CliError(
      'ambiguous_id',
      `"${id}" is the start of ${matches.length > 10 ? 'more than 10' : matches.length} calls; ` +
        `type more of the ID:\n${listed.join('\n')}`,
    );
  }
  const call = store.getCall(matches[0].id);
  if (!call) throw new CliError('not_found', `no call "${id}" (see \`cuecard calls list\`)`);
  return call;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
