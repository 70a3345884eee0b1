/**
 * One scoped logger per module. Logs go to stderr so that `--json` output on stdout stays
 * machine-readable. Level from CUECARD_LOG_LEVEL (default "warn"; the CLI silences the engine
 * unless the variable is set). A value that is not a level falls back to "info"; the CLI and
 * the app report it as a warning (see `env.ts`) instead of crashing.
 */
import pino, { type Logger } from 'pino';
import { type LogLevel, logLevelFromEnv } from './env';

const root = pino(
  { level: logLevelFromEnv('warn'), base: undefined },
  pino.destination({ fd: 2, sync: true }),
);

export type { Logger, LogLevel };

/** A child logger whose lines carry `scope`, e.g. `createLogger('rules')`. */
export function createLogger(scope: string): Logger {
  return root.child({ scope });
}

/** Sets the level of every logger, including those created before. */
export function setLogLevel(level: LogLevel): void {
  root.level = level;
}
