/**
 * Finds files that ship with Cuecard (the default playbook, the intent model) whether the
 * engine runs from source, from the bundled `out/` folder, or inside a packaged app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkedEnv } from './env';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The repository or app root: CUECARD_APP_ROOT when set, else the nearest parent folder
 * holding `resources/playbooks`.
 */
export function appRoot(): string {
  // Throws EnvError naming the variable when it points where there are no playbooks.
  const configured = checkedEnv('CUECARD_APP_ROOT');
  if (configured) return path.resolve(configured);
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'resources', 'playbooks'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function defaultPlaybookDir(): string {
  return path.join(appRoot(), 'resources', 'playbooks', 'northwind-medical');
}
