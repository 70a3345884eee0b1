// @vitest-environment happy-dom
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../../renderer/src/i18n';
import { REPO_ROOT } from '../helpers/shared';

const outDir = mkdtempSync(path.join(tmpdir(), 'cuecard-renderer-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the browser console of the UI', () => {
  it('gets no i18next advertisement when the UI language is set up', () => {
    const printed = ['log', 'info', 'warn'].map((method) =>
      vi.spyOn(console, method as 'log' | 'info' | 'warn').mockImplementation(() => {}),
    );
    initI18n('en');
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    for (const spy of printed) spy.mockRestore();
  });

  it('gets a production build of React even when the build runs where NODE_ENV is "test"', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    await build({
      configFile: path.join(REPO_ROOT, 'renderer/vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const assets = path.join(outDir, 'assets');
    const bundle = readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .map((name) => readFileSync(path.join(assets, name), 'utf8'))
      .join('\n');
    expect(bundle).toContain('react.transitional.element');
    expect(bundle).not.toContain('Download the React DevTools');
    expect(bundle).not.toContain('jsxDEV');
  }, 120_000);
});
