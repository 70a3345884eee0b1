import { describe, expect, it } from 'vitest';
import {
  mainWindowOptions,
  OVERLAY_TOP_LEVEL,
  overlayWindowOptions,
} from '../../main/electron/window-options';

const bounds = { x: 10, y: 20, width: 420, height: 640 };

describe('window options', () => {
  for (const [name, options] of [
    ['overlay', overlayWindowOptions('/app/preload.cjs', bounds)],
    ['review window', mainWindowOptions('/app/preload.cjs')],
  ] as const) {
    it(`isolates and sandboxes the ${name} page with no Node access`, () => {
      expect(options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        webviewTag: false,
        preload: '/app/preload.cjs',
      });
    });
  }

  it('makes the overlay frameless, transparent, on top, off the taskbar and never focusable', () => {
    const options = overlayWindowOptions('/p.cjs', bounds);
    expect(options).toMatchObject({
      frame: false,
      transparent: true,
      alwaysOnTop: true,
      focusable: false,
      skipTaskbar: true,
      show: false,
      ...bounds,
    });
    expect(OVERLAY_TOP_LEVEL).toBe('screen-saver');
  });

  it('gives the review window a frame and focus like a normal window', () => {
    const options = mainWindowOptions('/p.cjs');
    expect(options.frame).toBeUndefined();
    expect(options.focusable).toBeUndefined();
  });
});
