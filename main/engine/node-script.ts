/**
 * Runs a short CommonJS script in a child process of the same runtime: Node for the CLI and the
 * local server, Electron's binary acting as Node in the desktop app. For native code that may
 * print noise or end its process (audio probing, loading a speech model): the child takes that
 * instead of the app.
 */
import { execFile } from 'node:child_process';

export interface ScriptOutcome {
  stdout: string;
  stderr: string;
  /** Set when the child failed: a non-zero exit, a signal, or `killed` after the time limit. */
  error: (Error & { killed?: boolean }) | null;
}

/** Runs `script` (`node -e`) with `args` as `process.argv[1…]`; never rejects. */
export function runNodeScript(
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<ScriptOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script, ...args],
      {
        // In the desktop app the executable is Electron's; this makes it run the script as Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        timeout: timeoutMs,
        maxBuffer: 4 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }),
    );
  });
}
