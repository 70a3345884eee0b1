/**
 * Constructor options of the app's two windows. Pure data, so tests can check every security
 * and overlay property without opening a window.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { envValue } from '../engine/env';
import type { Rect } from './bounds';

/** Web preferences every Cuecard window uses: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: ['1', 'true'].includes(envValue('CUECARD_DEVTOOLS')?.toLowerCase() ?? ''),
  };
}

/**
 * The overlay: frameless, transparent-capable, never focused by a new cue, above full-screen
 * apps (the level is applied after creation), hidden from screen capture where the OS allows.
 */
export function overlayWindowOptions(
  preloadPath: string,
  bounds: Rect,
): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 280,
    minHeight: 200,
    show: false,
    frame: false,
    transparent: true,
    backgroundColor: '#00000000',
    hasShadow: false,
    resizable: true,
    movable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    focusable: false,
    title: 'Cuecard',
    webPreferences: { ...secureWebPreferences(preloadPath), backgroundThrottling: false },
  };
}

/** The normal window for review, playbook and settings. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1180,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: '#0d1117',
    title: 'Cuecard',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** `setAlwaysOnTop` level that keeps the overlay above full-screen meeting apps. */
export const OVERLAY_TOP_LEVEL = 'screen-saver' as const;
