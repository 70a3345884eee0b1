/**
 * Throw-away playbook folders for tests: write the files, load, and collect the problems.
 * Call `removePlaybookDirs` after each test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { loadPlaybook, PlaybookError } from '../../main/engine/playbook/load';

const dirs: string[] = [];

/** The `playbook:` section every test playbook gets unless it brings its own. */
export const META = 'playbook:\n  name: Test\n';

/** A playbook folder with `files` (path -> content), plus `playbook.yaml` when `withMeta`. */
export function playbookDir(files: Record<string, string | Uint8Array>, withMeta = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-playbook-'));
  dirs.push(dir);
  const all = withMeta ? { 'playbook.yaml': META, ...files } : files;
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export function removePlaybookDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The `PlaybookError` loading `dir` throws; fails the test when it loads. */
export function errorOf(dir: string): PlaybookError {
  try {
    loadPlaybook(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PlaybookError);
    return error as PlaybookError;
  }
  throw new Error('expected the playbook to be rejected');
}

export const issuesOf = (dir: string) => errorOf(dir).issues;
