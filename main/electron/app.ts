/**
 * Wires the desktop app once Electron is ready: security, settings, the overlay and review
 * windows, the tray, the global shortcut and the IPC bridge to the engine.
 */
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import type { EngineApi } from '../contract/api';
import { createLogger } from '../engine/log';
import { registerEngineIpc } from './ipc';
import { createOverlayWindow } from './overlay-window';
import { createSenderCheck, hardenWebContents, installSessionSecurity } from './security';
import type { SettingsService, StoreLike } from './settings';
import { registerToggleShortcut } from './shortcut';
import { createAppTray } from './tray';
import { mainWindowOptions } from './window-options';

const log = createLogger('desktop-app');

export interface DesktopAppOptions {
  /** The engine; its settings commands should be backed by `settings`. */
  engine: EngineApi;
  settings: SettingsService;
  /** Where window placement is remembered (electron-store). */
  store: StoreLike;
  preloadPath: string;
  /** The renderer: a dev-server URL, or the built `index.html` file. */
  renderer: { url?: string; file: string };
}

export interface DesktopApp {
  dispose(): Promise<void>;
}

/** Page address for a route, e.g. `#/overlay`, in either form of renderer location. */
function loadRoute(window: BrowserWindow, renderer: DesktopAppOptions['renderer'], route: string) {
  if (renderer.url) return window.loadURL(`${renderer.url}#/${route}`);
  return window.loadFile(renderer.file, { hash: `/${route}` });
}

export async function startDesktopApp(options: DesktopAppOptions): Promise<DesktopApp> {
  const { engine, renderer } = options;
  const isTrusted = createSenderCheck([renderer.url ?? pathToFileURL(renderer.file).href]);
  installSessionSecurity(session.defaultSession, isTrusted);
  const onContents = (_event: unknown, contents: Electron.WebContents) =>
    hardenWebContents(contents);
  app.on('web-contents-created', onContents);

  const { settings } = options;
  const initial = settings.get();

  const overlay = await createOverlayWindow({
    preloadPath: options.preloadPath,
    store: options.store,
    opacity: initial.overlay.opacity,
    clickThrough: initial.overlay.clickThrough,
    load: (window) => loadRoute(window, renderer, 'overlay'),
  });

  let reviewWindow: BrowserWindow | null = null;
  const openReview = () => {
    if (reviewWindow && !reviewWindow.isDestroyed()) {
      reviewWindow.show();
      reviewWindow.focus();
      return;
    }
    reviewWindow = new BrowserWindow(mainWindowOptions(options.preloadPath));
    reviewWindow.once('ready-to-show', () => reviewWindow?.show());
    reviewWindow.on('closed', () => {
      reviewWindow = null;
    });
    void loadRoute(reviewWindow, renderer, 'review');
  };

  let unregisterShortcut = registerToggleShortcut(initial.overlay.shortcut, overlay.toggle);

  // The tray has no place for text: a refused start (no device, no model) gets a dialog.
  const startFromTray = async () => {
    const result = await engine.invoke('call.startLive', {});
    if (result.ok) return;
    log.warn({ code: result.error.code }, 'startFromTray: the live call was refused');
    await dialog.showMessageBox({
      type: 'warning',
      title: 'Cuecard',
      message: 'The call did not start',
      detail: result.error.message,
    });
  };

  const tray = createAppTray({
    startCall: () => void startFromTray(),
    stopCall: () => void engine.invoke('call.stop', {}),
    toggleOverlay: overlay.toggle,
    openReview,
    quit: () => app.quit(),
  });

  const unsubscribeCalls = engine.subscribe((message) => {
    if (message.kind !== 'event') return;
    if (message.event.type === 'call_started') {
      tray.setCallRunning(true);
      overlay.show();
    } else if (message.event.type === 'call_ended') {
      tray.setCallRunning(false);
    }
  });

  const unsubscribeSettings = settings.onChange((next, previous) => {
    overlay.setOpacity(next.overlay.opacity);
    overlay.setClickThrough(next.overlay.clickThrough);
    if (next.overlay.shortcut !== previous.overlay.shortcut) {
      unregisterShortcut?.();
      unregisterShortcut = registerToggleShortcut(next.overlay.shortcut, overlay.toggle);
    }
  });

  const disposeIpc = registerEngineIpc({
    engine,
    isTrustedSender: isTrusted,
    pushTargets: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
  });

  log.info('startDesktopApp: ready');
  return {
    async dispose() {
      disposeIpc();
      unsubscribeSettings();
      unsubscribeCalls();
      unregisterShortcut?.();
      tray.dispose();
      overlay.dispose();
      if (reviewWindow && !reviewWindow.isDestroyed()) reviewWindow.destroy();
      app.off('web-contents-created', onContents);
    },
  };
}
