/**
 * The app's settings for the Electron main process: the same service the engine uses (see
 * `main/engine/settings.ts`), backed there by electron-store.
 */
export {
  asEngineSettingsStore,
  createSettings,
  type SettingsService,
  SETTINGS_FILE_NAME,
  setAsideUnreadableSettings,
  type StoreLike,
} from '../engine/settings';
