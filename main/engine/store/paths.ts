/** Where Cuecard keeps its data on each platform. */
import os from 'node:os';
import path from 'node:path';
import { envValue } from '../env';

/**
 * The data folder: `CUECARD_DATA_DIR` when set (and not blank), else `~/.config/cuecard` on
 * Linux (honouring `XDG_CONFIG_HOME`), `~/Library/Application Support/Cuecard` on macOS and
 * `%APPDATA%/Cuecard` on Windows. The folder is not created here.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const configured = envValue('CUECARD_DATA_DIR', env);
  if (configured) return path.resolve(configured);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Cuecard');
  if (platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Cuecard');
  }
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'cuecard');
}

/** The call database file inside the data folder: `<data dir>/cuecard.db`. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), 'cuecard.db');
}
