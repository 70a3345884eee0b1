import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUiArgs, uiCommand } from '../../main/server/ui-command';
import { createFakeEngine } from '../helpers/fake-engine';

describe('cuecard ui', () => {
  it('prints the address with its token, serves until stopped, then disposes the engine', async () => {
    const staticDir = mkdtempSync(path.join(tmpdir(), 'cuecard-ui-'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
    const out: string[] = [];
    const controller = new AbortController();
    let disposed = false;
    const engine = createFakeEngine();
    const listening = new Promise<string>((resolve) => {
      void uiCommand(['--static', staticDir], {
        stdout: (line) => out.push(line),
        stderr: (line) => out.push(line),
        signal: controller.signal,
        createEngine: async () => ({
          ...engine,
          dispose: async () => {
            disposed = true;
          },
        }),
        onListening: resolve,
      }).then((code) => out.push(`exit ${code}`));
    });
    const url = await listening;
    expect(out[0]).toBe(`Cuecard UI: ${url}`);
    expect((await fetch(url)).status).toBe(200);
    controller.abort();
    await expect.poll(() => out.at(-1)).toBe('exit 0');
    expect(disposed).toBe(true);
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('explains what to do when the renderer is not built', async () => {
    const err: string[] = [];
    const code = await uiCommand(['--static', path.join(tmpdir(), 'no-such-cuecard-build')], {
      stdout: () => {},
      stderr: (line) => err.push(line),
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/no renderer build at .*no-such-cuecard-build.*build:renderer/);
  });

  it('rejects a bad port with usage', () => {
    expect(parseUiArgs(['--port', 'eighty'])).toEqual({
      ok: false,
      message: '--port: expected 0..65535, got "eighty"',
    });
    expect(parseUiArgs(['--port=8080'])).toMatchObject({ ok: true, port: 8080 });
    expect(parseUiArgs(['--verbose'])).toMatchObject({ ok: false });
  });
});
