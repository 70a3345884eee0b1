/**
 * What `cuecard … --help` prints: for each command and subcommand its usage, what it does, its
 * options and examples. One table, so every command answers --help the same way.
 */
import { ENV_VARIABLES } from '../engine/env';

export interface CommandHelp {
  usage: string;
  summary: string;
  options?: Array<[flag: string, description: string]>;
  examples?: string[];
  /** Further lines after the examples (exit status, notes). */
  notes?: string[];
}

const DB_OPTION: [string, string] = [
  '--db PATH',
  'call database (default: cuecard.db in the data folder)',
];
const JSON_OPTION: [string, string] = [
  '--json',
  'machine-readable output: one JSON object per line; errors too, on stderr',
];
const HELP_OPTION: [string, string] = ['-h, --help', 'show this help'];

/** Help by command path: '' for the top level, 'calls list' for a subcommand. */
export const HELP: Record<string, CommandHelp> = {
  replay: {
    usage: 'cuecard replay FILE [options]',
    summary:
      'Follow a recorded call (WAV) or a call transcript (WebVTT, SRT, JSON) exactly as a live\n' +
      'call: utterances, intents, cues, manager alerts, then a summary. The call is stored.',
    options: [
      ['--rep NAME', 'which transcript speaker is the rep; everyone else is the customer'],
      ['--playbook DIR', 'playbook folder (default: the bundled Northwind Medical demo)'],
      ['--lang en|zh|auto', 'language of the call (default: auto)'],
      ['--realtime', 'pace events like the call (default: as fast as possible); Ctrl-C stops'],
      ['--model NAME', 'streaming speech model for recordings (see `cuecard models list`)'],
      DB_OPTION,
      ['--json', 'one JSON event per line on stdout; errors as JSON objects on stderr'],
      HELP_OPTION,
    ],
    examples: [
      'cuecard replay call.vtt --rep "Alex Chen"',
      'cuecard replay call.vtt --rep "Alex Chen" --json > events.ndjson',
      'cuecard replay call.wav --realtime',
    ],
    notes: [
      'Exit status: 0 the call ran to its end, 1 it failed (bad input, a fatal problem such as',
      'a database that cannot be written), 2 bad usage, 130 stopped with Ctrl-C (the call is',
      'stored as "stopped").',
    ],
  },
  calls: {
    usage: 'cuecard calls <list|show> [options]',
    summary: 'Browse and search the stored calls.',
    options: [
      ['list', 'stored calls, newest first (see `cuecard calls list --help`)'],
      ['show ID', 'one call with its timeline (see `cuecard calls show --help`)'],
    ],
    examples: ['cuecard calls list', 'cuecard calls show 3f2a'],
  },
  'calls list': {
    usage: 'cuecard calls list [--search TEXT] [--db PATH] [--json]',
    summary:
      'Stored calls, newest first: ID, start, duration (call time), title and status when not\n' +
      'completed. With --search, only calls whose transcript or title contains every word.',
    options: [
      [
        '--search TEXT',
        'words that must all occur, even inside a word, in any script (English,\n' +
          '中文, emoji, "$50"); case and accents are ignored; \'"a phrase"\' stays whole',
      ],
      DB_OPTION,
      JSON_OPTION,
      HELP_OPTION,
    ],
    examples: [
      'cuecard calls list',
      'cuecard calls list --search budget',
      'cuecard calls list --search 预算 --json',
      'cuecard calls list --search \'"next tuesday"\'',
    ],
  },
  'calls show': {
    usage: 'cuecard calls show ID [--db PATH] [--json]',
    summary:
      'One stored call: its timeline and summary. ID may be any unique beginning of the call ID\n' +
      'that `cuecard calls list` prints.',
    options: [DB_OPTION, JSON_OPTION, HELP_OPTION],
    examples: [
      'cuecard calls show 3f2a9c1e-0b7d-4a55-9e0f-2b1c8d7e6a54',
      'cuecard calls show 3f2a',
      'cuecard calls show 3f2a --json',
    ],
  },
  models: {
    usage: 'cuecard models <list|pull|verify> [NAME]',
    summary:
      'Streaming speech-recognition models, kept in the data folder and checked against their\n' +
      'sha256. CUECARD_MODEL_MIRROR points at a mirror URL or a folder of the archives.',
    options: [
      ['list', 'known models and whether each is installed'],
      ['pull NAME', 'download and install a model (resumes an interrupted download)'],
      ['verify [NAME]', 'check installed models against their checksums'],
      HELP_OPTION,
    ],
    examples: [
      'cuecard models list',
      'cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
      'cuecard models verify',
    ],
  },
  'models list': {
    usage: 'cuecard models list',
    summary: 'Known streaming speech models, their languages, sizes and whether installed.',
    examples: ['cuecard models list'],
  },
  'models pull': {
    usage: 'cuecard models pull NAME [options]',
    summary:
      'Download model NAME into the data folder, check its size, sha256 and files, and install\n' +
      'it. A download cut by the network resumes where it stopped; an installed model that\n' +
      'fails verification is installed again.',
    options: [
      ['--force', 'install again even when the installed model verifies'],
      ['--sha256 HEX', 'accept an archive with this sha256 (when the source really changed)'],
      ['--no-wait', 'stop at once when another process is downloading this model'],
      ['--connect-timeout SECONDS', 'give up on a host that does not answer (default 30)'],
      ['--idle-timeout SECONDS', 'give up when no bytes arrive for this long (default 60)'],
      HELP_OPTION,
    ],
    examples: ['cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20'],
    notes: ['Exit status: 0 done, 1 failed, 2 bad usage, 130 stopped with Ctrl-C.'],
  },
  'models verify': {
    usage: 'cuecard models verify [NAME]',
    summary: 'Check the installed models (or only NAME) against their checksums.',
    examples: ['cuecard models verify'],
  },
  ui: {
    usage: 'cuecard ui [--port N] [--static DIR]',
    summary:
      'Serve the Cuecard UI to a browser on this machine (127.0.0.1 only) and print its address\n' +
      'with a per-session token. Runs until Ctrl-C. Needs `npm run build:renderer` first.',
    options: [
      ['--port N', 'TCP port (default: a free one)'],
      ['--static DIR', 'folder of the built renderer (default: out/renderer)'],
      HELP_OPTION,
    ],
    examples: ['cuecard ui', 'cuecard ui --port 5123'],
  },
  '': {
    usage: 'cuecard <command> [options]',
    summary: 'Cuecard, the local-first copilot for sales calls.',
    options: [
      ['replay FILE', 'follow a recorded call or a transcript as if it were live'],
      ['calls list', 'stored calls, with full-text search'],
      ['calls show ID', 'one stored call'],
      ['models …', 'streaming speech-recognition models'],
      ['ui', 'serve the Cuecard UI to a browser on this machine'],
      ['--version', 'print the version'],
      HELP_OPTION,
    ],
    examples: [
      'cuecard replay call.vtt --rep "Alex Chen"',
      'cuecard calls list --search budget',
      'cuecard replay --help',
    ],
    notes: ['Environment:', ...ENV_VARIABLES.map((v) => `  ${v.name.padEnd(26)}${v.description}`)],
  },
};

/** The help text of `path` ('' for the top level), or null for an unknown command. */
export function helpText(path: string): string | null {
  const help = HELP[path];
  if (!help) return null;
  const lines = [`usage: ${help.usage}`, '', help.summary];
  if (help.options?.length) {
    lines.push(
      '',
      path === '' || !help.options[0][0].startsWith('-') ? 'Commands and options:' : 'Options:',
    );
    for (const [flag, description] of help.options) {
      const [first, ...more] = description.split('\n');
      lines.push(`  ${flag.padEnd(20)}${first}`);
      for (const line of more) lines.push(`  ${''.padEnd(20)}${line}`);
    }
  }
  if (help.examples?.length) {
    lines.push('', 'Examples:', ...help.examples.map((example) => `  ${example}`));
  }
  if (help.notes?.length) lines.push('', ...help.notes);
  return lines.join('\n');
}
