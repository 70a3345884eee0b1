/**
 * Locates the read-only shared material (call fixtures, speech, VAD models) that sits beside
 * the repository as `../shared`, or wherever CUECARD_SHARED_DIR points. Tests that need it use
 * `describeWithShared`, which skips loudly, naming what is skipped, when it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = path.resolve(
  process.env.CUECARD_SHARED_DIR ?? path.join(REPO_ROOT, '../shared'),
);
export const hasShared = existsSync(path.join(SHARED_DIR, 'fixtures'));

/** Absolute path of a file inside the shared folder. */
export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** `describe` that runs only when the shared material exists, and says so when it does not. */
export function describeWithShared(name: string, fn: () => void): void {
  if (hasShared) {
    describe(name, fn);
    return;
  }
  console.warn(
    `SKIPPED "${name}": shared fixtures not found at ${SHARED_DIR} (set CUECARD_SHARED_DIR)`,
  );
  // The suite's body is not run at all: it may read shared files while it is collected.
  describe.skip(name, () => {
    it.skip(`needs the shared fixtures at ${SHARED_DIR}`, () => {});
  });
}
