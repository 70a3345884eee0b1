/**
 * File permissions do not stop root, so tests of read-only files and folders run the command
 * as the unprivileged user `nobody` (through `runuser`) when the tests themselves run as root.
 * `canDropRoot` is false when they run as root without runuser; such tests skip, saying why.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const isRoot = process.getuid?.() === 0;
const hasRunuser = isRoot && spawnSync('runuser', ['--help']).status === 0;

/** True when permission checks can be tested here (not root, or root able to become nobody). */
export const canTestPermissions = process.platform !== 'win32' && (!isRoot || hasRunuser);

/** The command line that runs `command args…` without root's power over permissions. */
export function unprivileged(command: string, args: string[]): { command: string; args: string[] } {
  if (!isRoot) return { command, args };
  return { command: 'runuser', args: ['-u', 'nobody', '--', command, ...args] };
}

/** A temporary folder the unprivileged user may use (mkdtemp makes it private to root). */
export function sharedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}
