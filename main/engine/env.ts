/**
 * The CUECARD_* environment variables the app reads, each declared once with how its value is
 * checked. A value that would be silently ignored or crash something later is reported here
 * instead, naming the variable: an error when going on would do the wrong thing (a model
 * folder that does not exist), a warning with the fallback when a default is safe (a log
 * level). Empty values count as unset. Test-only variables (CUECARD_SHARED_DIR and the like)
 * are not read by the app and are not listed.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** A CUECARD_* variable whose value cannot be used; the message names it and its value. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Check = (value: string, name: string) => { error?: string; warning?: string } | null;

interface EnvVariable {
  name: string;
  /** What the variable does, for `cuecard --help`. */
  description: string;
  check: Check;
}

/** The value of `name` trimmed, or undefined when it is unset or blank. */
export function envValue(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function kindOf(target: string): 'missing' | 'folder' | 'file' {
  if (!existsSync(target)) return 'missing';
  return statSync(target).isDirectory() ? 'folder' : 'file';
}

const folderHolding =
  (...entries: string[]): Check =>
  (value, name) => {
    const folder = path.resolve(value);
    const kind = kindOf(folder);
    if (kind === 'missing') return { error: `${name}=${value}: no such folder (${folder})` };
    if (kind === 'file') return { error: `${name}=${value}: ${folder} is a file, not a folder` };
    const missing = entries.filter((entry) => !existsSync(path.join(folder, entry)));
    if (missing.length > 0) {
      return { error: `${name}=${value}: the folder ${folder} has no ${missing.join(' or ')}` };
    }
    return null;
  };

const existingFile: Check = (value, name) => {
  const file = path.resolve(value);
  const kind = kindOf(file);
  if (kind === 'missing') return { error: `${name}=${value}: no such file (${file})` };
  if (kind === 'folder') return { error: `${name}=${value}: ${file} is a folder, not a file` };
  return null;
};

const dataFolder: Check = (value, name) => {
  // A folder that does not exist yet is created on first use; a file in its place is not.
  const folder = path.resolve(value);
  return kindOf(folder) === 'file'
    ? { error: `${name}=${value}: ${folder} is a file, not a folder` }
    : null;
};

const logLevel: Check = (value, name) =>
  LOG_LEVELS.includes(value.toLowerCase() as LogLevel)
    ? null
    : {
        warning: `${name}=${value} is not a log level (use ${LOG_LEVELS.join(', ')}); using info`,
      };

const mirror: Check = (value, name) => {
  if (/^(https?|file):\/\//i.test(value)) {
    try {
      new URL(value);
      return null;
    } catch {
      return { error: `${name}=${value}: not a valid URL` };
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { error: `${name}=${value}: use an http://, https:// or file:// URL, or a folder` };
  }
  const kind = kindOf(path.resolve(value));
  if (kind === 'missing') {
    return { error: `${name}=${value}: no such folder (give a URL or a folder of archives)` };
  }
  return kind === 'file' ? { error: `${name}=${value}: a file, not a folder or URL` } : null;
};

/** The longest network time limit accepted: one day (Node's timers stop at about 24.8 days). */
export const MAX_TIMEOUT_S = 86_400;

/** Seconds written as a plain decimal number above 0 ("30", "2.5"; not hex, "1e9" or "Infinity"). */
function positiveSeconds(value: string): number | null {
  return /^\d+(\.\d+)?$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

/** A network time limit in seconds, as a variable or an option gives it; null when unusable. */
export function timeoutSeconds(value: string): number | null {
  const n = positiveSeconds(value);
  return n !== null && n <= MAX_TIMEOUT_S ? n : null;
}

const seconds: Check = (value, name) => {
  const n = positiveSeconds(value);
  if (n === null) return { error: `${name}=${value}: must be a number of seconds above 0` };
  return n > MAX_TIMEOUT_S
    ? { error: `${name}=${value}: at most ${MAX_TIMEOUT_S} seconds (one day)` }
    : null;
};

const flag: Check = (value, name) =>
  ['0', '1', 'true', 'false'].includes(value.toLowerCase())
    ? null
    : { warning: `${name}=${value} is not 1 or 0; treated as 0` };

/** Every CUECARD_* variable the app reads. */
export const ENV_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'CUECARD_DATA_DIR',
    description: 'data folder (call database, settings, speech models)',
    check: dataFolder,
  },
  {
    name: 'CUECARD_LOG_LEVEL',
    description: 'engine log lines on stderr: error, warn, info, debug, … (default: none)',
    check: logLevel,
  },
  {
    name: 'CUECARD_MODEL_MIRROR',
    description: 'where speech models are downloaded from: a URL or a local folder',
    check: mirror,
  },
  {
    name: 'CUECARD_MODEL_CONNECT_TIMEOUT_S',
    description: 'seconds a model download waits for the host to answer (default 30)',
    check: seconds,
  },
  {
    name: 'CUECARD_MODEL_IDLE_TIMEOUT_S',
    description: 'seconds a model download waits for more bytes (default 60)',
    check: seconds,
  },
  {
    name: 'CUECARD_INTENT_MODEL_DIR',
    description: 'folder of the intent model (intent.onnx and meta.json)',
    check: folderHolding('intent.onnx', 'meta.json'),
  },
  {
    name: 'CUECARD_VAD_MODEL',
    description: 'Silero VAD .onnx file (default: the one of the npm package)',
    check: existingFile,
  },
  {
    name: 'CUECARD_APP_ROOT',
    description: 'folder holding resources/playbooks (for a relocated install)',
    check: folderHolding(path.join('resources', 'playbooks')),
  },
  {
    name: 'CUECARD_DEVTOOLS',
    description: '1 allows the developer tools in the desktop windows',
    check: flag,
  },
];

/** Problems of the CUECARD_* variables set in `env`: errors stop a command, warnings do not. */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): {
  errors: string[];
  warnings: string[];
} {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const variable of ENV_VARIABLES) {
    const value = envValue(variable.name, env);
    if (value === undefined) continue;
    const problem = variable.check(value, variable.name);
    if (problem?.error) errors.push(problem.error);
    if (problem?.warning) warnings.push(problem.warning);
  }
  return { errors, warnings };
}

/**
 * The value of variable `name` after its check, or undefined when unset; throws EnvError when
 * the value cannot be used. For the modules that read one variable.
 */
export function checkedEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = envValue(name, env);
  if (value === undefined) return undefined;
  const variable = ENV_VARIABLES.find((v) => v.name === name);
  const problem = variable?.check(value, name);
  if (problem?.error) throw new EnvError(name, problem.error);
  return value;
}

/** The log level CUECARD_LOG_LEVEL asks for, `fallback` when unset, 'info' when unusable. */
export function logLevelFromEnv(
  fallback: LogLevel,
  env: NodeJS.ProcessEnv = process.env,
): LogLevel {
  const value = envValue('CUECARD_LOG_LEVEL', env)?.toLowerCase();
  if (value === undefined) return fallback;
  return LOG_LEVELS.includes(value as LogLevel) ? (value as LogLevel) : 'info';
}
