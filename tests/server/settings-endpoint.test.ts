/**
 * The browser UI's Settings tab end to end below the page: `cuecard ui` with the real engine
 * service, its settings endpoints over HTTP, and the settings file in the data folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../main/contract/api';
import { uiCommand } from '../../main/server/ui-command';

const tmp = mkdtempSync(path.join(tmpdir(), 'cuecard-settings-ui-'));
const staticDir = path.join(tmp, 'static');
mkdirSync(staticDir);
writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** Runs `cuecard ui` on the real engine with `dataDir` until the returned stop() is called. */
async function startUi(dataDir: string) {
  vi.stubEnv('CUECARD_DATA_DIR', dataDir);
  const stderr: string[] = [];
  const controller = new AbortController();
  let exit: Promise<number> = Promise.resolve(-1);
  const url = await new Promise<string>((resolve, reject) => {
    exit = uiCommand(['--static', staticDir], {
      stdout: () => {},
      stderr: (line) => stderr.push(line),
      signal: controller.signal,
      onListening: resolve,
    });
    void exit.then((code) =>
      reject(new Error(`cuecard ui exited with ${code}: ${stderr.join('\n')}`)),
    );
  });
  const { origin, searchParams } = new URL(url);
  const invoke = async (command: string, body: unknown) => {
    const response = await fetch(`${origin}/api/${command}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${searchParams.get('token')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return response.json();
  };
  return {
    invoke,
    stderr,
    stop: async () => {
      controller.abort();
      return exit.catch(() => 0);
    },
  };
}

describe('Settings in the browser UI', () => {
  it('refuses a bad value with a result naming the field', async () => {
    const ui = await startUi(path.join(tmp, 'refuse'));
    try {
      expect(await ui.invoke('settings.set', { patch: { lang: 'xx' } })).toEqual({
        ok: false,
        error: {
          code: 'bad_settings',
          message: 'settings.lang: Invalid option: expected one of "en"|"zh"|"auto"',
        },
      });
      expect(await ui.invoke('settings.set', { patch: { volume: 11 } })).toMatchObject({
        ok: false,
        error: { message: 'settings.volume: unknown setting' },
      });
      expect(await ui.invoke('settings.get', {})).toEqual({
        ok: true,
        value: DEFAULT_APP_SETTINGS,
      });
    } finally {
      await ui.stop();
    }
  });

  it('keeps Settings → Save when `cuecard ui` restarts', async () => {
    const dataDir = path.join(tmp, 'restart');
    const first = await startUi(dataDir);
    const saved = await first.invoke('settings.set', {
      patch: { lang: 'zh', overlay: { opacity: 0.6 } },
    });
    expect(saved).toMatchObject({ ok: true, value: { lang: 'zh' } });
    await first.stop();

    const second = await startUi(dataDir);
    try {
      expect(await second.invoke('settings.get', {})).toEqual({
        ok: true,
        value: {
          ...DEFAULT_APP_SETTINGS,
          lang: 'zh',
          overlay: { ...DEFAULT_APP_SETTINGS.overlay, opacity: 0.6 },
        },
      });
    } finally {
      await second.stop();
    }
  });

  it('starts on the defaults with a warning when the settings file is damaged, setting it aside', async () => {
    const dataDir = path.join(tmp, 'damaged');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'cuecard.json'), '{"settings": ');
    const ui = await startUi(dataDir);
    try {
      expect(ui.stderr.join('\n')).toMatch(
        /^cuecard ui: warning: .*cuecard\.json: settings file unreadable \(it is not valid JSON: .*\); moved it to .*cuecard\.json\.broken-/,
      );
      expect(await ui.invoke('settings.get', {})).toEqual({
        ok: true,
        value: DEFAULT_APP_SETTINGS,
      });
      expect(readdirSync(dataDir).some((name) => name.startsWith('cuecard.json.broken-'))).toBe(
        true,
      );
    } finally {
      await ui.stop();
    }
  });
});
