import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../main/contract/api';
import { asEngineSettingsStore, createSettings } from '../../main/electron/settings';

const dirs: string[] = [];
function confStore() {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cuecard-settings-'));
  dirs.push(cwd);
  return new Conf({ cwd, projectName: 'cuecard-test' });
}

describe('settings', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the defaults', () => {
    expect(createSettings(confStore()).get()).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('keeps a change across restarts, merging overlay fields', () => {
    const store = confStore();
    const result = createSettings(store).set({ lang: 'zh', overlay: { clickThrough: true } });
    expect(result.ok).toBe(true);
    const reopened = createSettings(store).get();
    expect(reopened.lang).toBe('zh');
    expect(reopened.overlay).toEqual({ ...DEFAULT_APP_SETTINGS.overlay, clickThrough: true });
  });

  it('refuses an invalid value and names the field, keeping the old value', () => {
    const settings = createSettings(confStore());
    const result = settings.set({ overlay: { opacity: 0.05 } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('settings.overlay.opacity');
    expect(settings.get().overlay.opacity).toBe(DEFAULT_APP_SETTINGS.overlay.opacity);
    const unknown = settings.set({ volume: 11 });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toContain('settings.volume');
  });

  it('tells listeners what changed', () => {
    const settings = createSettings(confStore());
    const seen: Array<[number, number]> = [];
    const off = settings.onChange((next, previous) =>
      seen.push([previous.overlay.opacity, next.overlay.opacity]),
    );
    settings.set({ overlay: { opacity: 0.5 } });
    off();
    settings.set({ overlay: { opacity: 0.6 } });
    expect(seen).toEqual([[DEFAULT_APP_SETTINGS.overlay.opacity, 0.5]]);
  });

  it('falls back to defaults when the stored file holds garbage', () => {
    const store = confStore();
    store.set('settings', { lang: 'klingon', overlay: 'big' });
    expect(createSettings(store).get()).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('serves the engine, which sees failures as errors with a code', () => {
    const engineStore = asEngineSettingsStore(createSettings(confStore()));
    expect(engineStore.set({ lang: 'en' })).toMatchObject({ lang: 'en' });
    expect(() => engineStore.set({ lang: 'fr' })).toThrow(/settings.lang/);
  });
});
