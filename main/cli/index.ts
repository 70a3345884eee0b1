/**
 * `cuecard`: replay calls, browse stored calls, manage ASR models, serve the UI.
 * Output on stdout (a readable timeline, or NDJSON with `--json`); logs on stderr.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CallEvent } from '../contract/events';
import { setLogLevel } from '../engine/log';
import { defaultPlaybookDir } from '../engine/resources';
import { loadEngineParts } from '../engine/service';
import { CallSession } from '../engine/session/call-session';
import { openSource } from '../engine/session/open-source';
import { CallStore } from '../engine/store/call-store';
import { defaultDataDir } from '../engine/store/paths';
import { summarizeCall } from '../engine/summary/summarize';
import { formatEvent } from './format';
import { modelsCommand } from './models';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = `usage: cuecard <command>

  replay FILE [--playbook DIR] [--rep NAME] [--lang en|zh|auto] [--realtime] [--db PATH] [--json]
                       follow a recorded call (WAV) or a transcript (WebVTT, SRT, JSON)
  calls list [--search TEXT] [--db PATH] [--json]
  calls show ID [--db PATH] [--json]
  models list | pull NAME [--force] | verify [NAME]
                       streaming speech-recognition models (cuecard models help)
  ui [--port N]        serve the Cuecard UI to a browser on this machine`;

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  // The CLI reports problems itself; the engine's log lines are for CUECARD_LOG_LEVEL=info|debug.
  if (!process.env.CUECARD_LOG_LEVEL) setLogLevel('silent');
  try {
    switch (command) {
      case 'replay':
        return await replayCommand(rest, io);
      case 'calls':
        return callsCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io);
      case 'ui': {
        const { uiCommand } = await import('../server/ui-command');
        return await uiCommand(rest, { stdout: io.out, stderr: io.err });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command ? 0 : 2;
      default:
        io.err(`cuecard: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    io.err(`cuecard ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function dbPathOf(value: string | undefined): string {
  return value ?? path.join(defaultDataDir(), 'cuecard.db');
}

async function replayCommand(argv: string[], io: CliIo): Promise<number> {
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
    io.err(`cuecard replay: expected one FILE\n${USAGE}`);
    return 2;
  }
  const lang = values.lang as string;
  if (lang !== 'en' && lang !== 'zh' && lang !== 'auto') {
    io.err(`cuecard replay: --lang must be en, zh or auto (got "${lang}")`);
    return 2;
  }

  const parts = await loadEngineParts(values.playbook ?? defaultPlaybookDir());
  const source = await openSource(file, {
    rep: values.rep,
    lang,
    asrModel: values.model,
    onSpeechFound: (found) => {
      for (const [channel, segments] of Object.entries(found)) {
        const spans = segments.map((s) => `${s.start.toFixed(2)}-${s.end.toFixed(2)}`).join(' ');
        io.err(`speech on ${channel}: ${segments.length} segment(s): ${spans}`);
      }
    },
  });
  const store = CallStore.open(dbPathOf(values.db));
  store.markInterruptedCalls();
  const session = new CallSession(
    { ...parts, summarize: summarizeCall, recorder: store },
    { source, lang, realtime: values.realtime, title: path.basename(file) },
  );
  let fatal: string | null = null;
  session.on((event: CallEvent) => {
    if (event.type === 'problem' && event.fatal) fatal = event.message;
    if (values.json) {
      if (event.type !== 'level') io.out(JSON.stringify(event));
      return;
    }
    const line = formatEvent(event);
    if (line !== null) io.out(line);
  });
  const stopOnSignal = () => void session.stop();
  process.once('SIGINT', stopOnSignal);
  try {
    await session.run();
  } finally {
    process.off('SIGINT', stopOnSignal);
    await parts.intents.dispose();
    store.close();
  }
  if (fatal) {
    io.err(`cuecard replay: ${fatal}`);
    return 1;
  }
  return 0;
}

function callsCommand(argv: string[], io: CliIo): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      search: { type: 'string' },
    },
  });
  const store = CallStore.open(dbPathOf(values.db));
  try {
    if (sub === 'list') {
      const calls = store.listCalls({ query: values.search, limit: 100 });
      if (values.json) {
        for (const call of calls) io.out(JSON.stringify(call));
      } else if (calls.length === 0) {
        io.out(values.search ? `no calls match "${values.search}"` : 'no calls stored yet');
      } else {
        for (const c of calls) {
          const status = c.status === 'completed' ? '' : ` [${c.status}]`;
          io.out(
            `${c.id}  ${c.startedAt.slice(0, 16).replace('T', ' ')}  ${formatDuration(c.durationS)}  ${c.title}${status}`,
          );
          if (c.snippet) io.out(`    … ${c.snippet}`);
        }
      }
      return 0;
    }
    if (sub === 'show') {
      const id = positionals[0];
      if (!id) {
        io.err('cuecard calls show: expected a call ID (see `cuecard calls list`)');
        return 2;
      }
      const call = store.getCall(id);
      if (!call) {
        io.err(`cuecard calls show: no call "${id}" (see \`cuecard calls list\`)`);
        return 1;
      }
      if (values.json) {
        io.out(JSON.stringify(call));
        return 0;
      }
      io.out(`${call.title}  (${call.status}, ${formatDuration(call.durationS)}, ${call.lang})`);
      for (const event of call.events) {
        const line = formatEvent(event);
        if (line !== null) io.out(line);
      }
      return 0;
    }
    io.err('cuecard calls: expected `list` or `show ID`');
    return 2;
  } finally {
    store.close();
  }
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
