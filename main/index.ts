/**
 * Electron entry: only wiring. The engine runs in this (main) process; the windows talk to it
 * through the preload bridge. Logic lives in `main/electron/*`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import Store from 'electron-store';
import { startDesktopApp } from './electron/app';
import {
  asEngineSettingsStore,
  createSettings,
  SETTINGS_FILE_NAME,
  setAsideUnreadableSettings,
} from './electron/settings';
import { checkEnvironment, envValue } from './engine/env';
import { createLogger } from './engine/log';
import { createEngineService } from './engine/service';
import { defaultDataDir } from './engine/store/paths';

const log = createLogger('main');
const here = path.dirname(fileURLToPath(import.meta.url));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  let shutdown: (() => Promise<void>) | null = null;

  app
    .whenReady()
    .then(async () => {
      const environment = checkEnvironment();
      for (const problem of [...environment.errors, ...environment.warnings]) log.warn(problem);
      // CUECARD_DATA_DIR moves everything, as it does for the CLI and `cuecard ui`.
      const dataDir = envValue('CUECARD_DATA_DIR') ? defaultDataDir() : app.getPath('userData');
      // electron-store throws on a settings file that is not JSON: set such a file aside first.
      const setAside = setAsideUnreadableSettings(path.join(dataDir, SETTINGS_FILE_NAME));
      if (setAside) log.warn(setAside);
      const store = new Store({ name: path.basename(SETTINGS_FILE_NAME, '.json'), cwd: dataDir });
      const settings = createSettings(store, {
        file: store.path,
        onWarning: (message) => log.warn(message),
      });
      const engine = await createEngineService({
        dataDir,
        playbookDir: settings.get().playbookDir ?? undefined,
        settings: asEngineSettingsStore(settings),
      });
      const desktop = await startDesktopApp({
        engine,
        settings,
        store,
        preloadPath: path.join(here, '../preload/index.cjs'),
        renderer: {
          url: process.env.ELECTRON_RENDERER_URL,
          file: path.join(here, '../renderer/index.html'),
        },
      });
      shutdown = async () => {
        await desktop.dispose();
        await engine.dispose();
      };
    })
    .catch((error: Error) => {
      log.fatal({ err: error.message }, 'startup failed');
      app.exit(1);
    });

  // The app lives in the tray: closing the review window does not quit.
  app.on('window-all-closed', () => {});
  app.on('will-quit', (event) => {
    if (!shutdown) return;
    event.preventDefault();
    const running = shutdown;
    shutdown = null;
    void running().finally(() => app.exit(0));
  });
}
