import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../main/contract/api';
import { openSettingsFile, SETTINGS_FILE_NAME } from '../../main/engine/settings';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-settings-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;
function dataDir(): string {
  const dir = path.join(tmp, `data-${++counter}`);
  return dir;
}

describe('settings in the data folder', () => {
  it('keeps a saved change in cuecard.json, where the desktop app keeps it too', async () => {
    const dir = dataDir();
    const { settings, file } = await openSettingsFile(dir);
    expect(file).toBe(path.join(dir, SETTINGS_FILE_NAME));
    expect(settings.set({ lang: 'zh', overlay: { opacity: 0.5 } }).ok).toBe(true);
    const reopened = (await openSettingsFile(dir)).settings.get();
    expect(reopened).toEqual({
      ...DEFAULT_APP_SETTINGS,
      lang: 'zh',
      overlay: { ...DEFAULT_APP_SETTINGS.overlay, opacity: 0.5 },
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).settings.lang).toBe('zh');
  });

  it('refuses a bad value with a result naming the field, and keeps the saved value', async () => {
    const { settings } = await openSettingsFile(dataDir());
    expect(settings.set({ lang: 'xx' })).toEqual({
      ok: false,
      error: {
        code: 'bad_settings',
        message: 'settings.lang: Invalid option: expected one of "en"|"zh"|"auto"',
      },
    });
    expect(settings.set({ overlay: 'big' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^settings\.overlay: /) },
    });
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('refuses a speech model it does not know and a playbook folder that is not there', async () => {
    const { settings } = await openSettingsFile(dataDir());
    expect(settings.set({ asrModel: 'no-such-model' })).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(
          /^settings\.asrModel: no speech model is called "no-such-model"/,
        ),
      },
    });
    expect(settings.set({ playbookDir: 'relative/dir' })).toMatchObject({
      ok: false,
      error: {
        message: 'settings.playbookDir: give the full path of the folder, not "relative/dir"',
      },
    });
    const missing = path.join(tmp, 'no-playbook-here');
    expect(settings.set({ playbookDir: missing })).toMatchObject({
      ok: false,
      error: { message: `settings.playbookDir: ${missing} is not a folder` },
    });
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
    const playbook = mkdtempSync(path.join(tmp, 'playbook-'));
    expect(
      settings.set({
        asrModel: 'sherpa-onnx-streaming-zipformer-en-2023-06-26',
        playbookDir: playbook,
      }).ok,
    ).toBe(true);
    expect(settings.set({ asrModel: null, playbookDir: null }).ok).toBe(true);
  });

  it('sets a settings file that is not JSON aside, starts from the defaults and says so', async () => {
    const dir = dataDir();
    const first = await openSettingsFile(dir);
    first.settings.set({ lang: 'en' });
    writeFileSync(first.file, '{"settings": {"lang": "zh"');
    const { settings, warnings } = await openSettingsFile(dir);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^${first.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: settings file unreadable \\(it is not valid JSON: .*\\); moved it to .*cuecard\\.json\\.broken-.* and started from the defaults$`,
      ),
    );
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
    const aside = readdirSync(dir).find((name) => name.startsWith('cuecard.json.broken-'));
    expect(aside && readFileSync(path.join(dir, aside), 'utf8')).toBe('{"settings": {"lang": "zh"');
    expect(settings.set({ uiLang: 'zh' }).ok).toBe(true);
    expect((await openSettingsFile(dir)).settings.get().uiLang).toBe('zh');
  });

  it('keeps the good fields of a settings file with one bad value, and names the bad one', async () => {
    const dir = dataDir();
    const { file } = await openSettingsFile(dir);
    writeFileSync(
      file,
      JSON.stringify({
        settings: { lang: 'zh', micDevice: 'usb', overlay: { opacity: 7, clickThrough: true } },
      }),
    );
    const seen: string[] = [];
    const { settings } = await openSettingsFile(dir, { onWarning: (m) => seen.push(m) });
    expect(settings.get()).toEqual({
      ...DEFAULT_APP_SETTINGS,
      lang: 'zh',
      overlay: { ...DEFAULT_APP_SETTINGS.overlay, clickThrough: true },
    });
    expect(seen).toEqual([
      `${file}: settings.micDevice = "usb" is not valid; using the default`,
      `${file}: settings.overlay.opacity = 7 is not valid; using the default`,
    ]);
    settings.get();
    expect(seen).toHaveLength(2);
  });

  it('survives the file being damaged while the app runs', async () => {
    const dir = dataDir();
    const { settings, file } = await openSettingsFile(dir);
    settings.set({ lang: 'zh' });
    writeFileSync(file, 'garbage');
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('answers a save that the disk refuses with a result naming the file, not a crash', async () => {
    const dir = dataDir();
    const { settings, file } = await openSettingsFile(dir);
    // The data folder replaced by a file: no write can succeed there, not even root's.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    const result = settings.set({ lang: 'zh' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'settings_not_saved',
        message: `${file}: cannot save the settings (ENOTDIR); nothing was changed`,
      },
    });
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
    rmSync(dir);
  });
});
