/**
 * One scoped logger per module. Logs go to stderr so that `--json` output on stdout stays
 * machine-readable. Level from CUECARD_LOG_LEVEL (default "warn" for the CLI, "info" in the app).
 */
import pino, { type Logger } from 'pino';

const root = pino(
  { level: process.env.CUECARD_LOG_LEVEL ?? 'warn', base: undefined },
  pino.destination({ fd: 2, sync: true }),
);

export type { Logger };

/** A child logger whose lines carry `scope`, e.g. `createLogger('rules')`. */
export function createLogger(scope: string): Logger {
  return root.child({ scope });
}

export function setLogLevel(level: string): void {
  root.level = level;
}
