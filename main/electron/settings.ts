/**
 * The app's settings, kept in a store with electron-store's interface (`conf` in plain Node),
 * validated against `appSettingsSchema` on every read and write.
 */
import {
  type AppSettings,
  appSettingsSchema,
  DEFAULT_APP_SETTINGS,
  type Result,
} from '../contract/api';
import { createLogger } from '../engine/log';

const log = createLogger('settings');

/** The part of electron-store / conf the settings need. */
export interface StoreLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const SETTINGS_KEY = 'settings';

export interface SettingsService {
  get(): AppSettings;
  /** Merges `patch` (overlay fields merged one level deep); refuses invalid values by field. */
  set(patch: Record<string, unknown>): Result<AppSettings>;
  /** Calls `listener` after each successful change until the returned function is called. */
  onChange(listener: (settings: AppSettings, previous: AppSettings) => void): () => void;
}

export function createSettings(store: StoreLike): SettingsService {
  const listeners = new Set<(settings: AppSettings, previous: AppSettings) => void>();

  const get = (): AppSettings => {
    const stored = store.get(SETTINGS_KEY);
    const merged = mergeSettings(DEFAULT_APP_SETTINGS, isRecord(stored) ? stored : {});
    const parsed = appSettingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    log.warn(
      { field: parsed.error.issues[0]?.path.join('.') },
      'get: stored settings invalid, using defaults',
    );
    return structuredClone(DEFAULT_APP_SETTINGS);
  };

  return {
    get,
    set(patch) {
      const unknown = Object.keys(patch).find((key) => !Object.hasOwn(DEFAULT_APP_SETTINGS, key));
      if (unknown) {
        return {
          ok: false,
          error: { code: 'bad_settings', message: `settings.${unknown}: unknown setting` },
        };
      }
      const previous = get();
      const parsed = appSettingsSchema.safeParse(mergeSettings(previous, patch));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          ok: false,
          error: {
            code: 'bad_settings',
            message: `settings.${issue?.path.join('.')}: ${issue?.message}`,
          },
        };
      }
      store.set(SETTINGS_KEY, parsed.data);
      for (const listener of [...listeners]) listener(parsed.data, previous);
      return { ok: true, value: parsed.data };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeSettings(base: AppSettings, patch: Record<string, unknown>): Record<string, unknown> {
  const known = Object.fromEntries(
    Object.entries(patch).filter(([key]) => Object.hasOwn(DEFAULT_APP_SETTINGS, key)),
  );
  // Stored data may hold keys of older versions; they are dropped rather than refused.
  const overlay = isRecord(known.overlay) ? { ...base.overlay, ...known.overlay } : base.overlay;
  return { ...base, ...known, overlay };
}

/**
 * The settings as the engine service's settings store: reads return the app settings, writes
 * that fail validation throw an error carrying `code` and a message naming the field (the
 * service turns it into a failed `Result`).
 */
export function asEngineSettingsStore(settings: SettingsService): {
  get(): Record<string, unknown>;
  set(patch: Record<string, unknown>): Record<string, unknown>;
} {
  return {
    get: () => settings.get(),
    set(patch) {
      const result = settings.set(patch);
      if (result.ok) return result.value;
      throw Object.assign(new Error(result.error.message), { code: result.error.code });
    },
  };
}
