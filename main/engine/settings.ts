/**
 * The app's settings: one schema (`appSettingsSchema` in the contract) for the desktop app and
 * the browser UI, kept in `cuecard.json` in the data folder. The desktop app passes its
 * electron-store; everything else uses `conf` (electron-store's engine, plain Node) on the same
 * file. Every write is validated and refused by field; every read is checked field by field, so
 * one bad value falls back to its default instead of taking the others with it. A file that is
 * not JSON is moved aside and the defaults are used, with a warning.
 */
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  type AppSettings,
  appSettingsSchema,
  DEFAULT_APP_SETTINGS,
  overlaySettingsSchema,
  type Result,
} from '../contract/api';
import { loadManifest } from './asr/models';
import { createLogger } from './log';

const log = createLogger('settings');

/** The part of electron-store / conf the settings need. */
export interface StoreLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Name of the settings file in the data folder (electron-store's `name: 'cuecard'`). */
export const SETTINGS_FILE_NAME = 'cuecard.json';
const SETTINGS_KEY = 'settings';

export interface SettingsService {
  get(): AppSettings;
  /** Merges `patch` (overlay fields merged one level deep); refuses invalid values by field. */
  set(patch: Record<string, unknown>): Result<AppSettings>;
  /** Calls `listener` after each successful change until the returned function is called. */
  onChange(listener: (settings: AppSettings, previous: AppSettings) => void): () => void;
}

export interface SettingsOptions {
  /** The settings file, for messages. */
  file?: string;
  /** Told once about each problem found in the stored settings (the app shows these). */
  onWarning?: (message: string) => void;
}

export function createSettings(store: StoreLike, options: SettingsOptions = {}): SettingsService {
  const listeners = new Set<(settings: AppSettings, previous: AppSettings) => void>();
  const where = options.file ?? 'settings';
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    log.warn({ file: options.file }, message);
    options.onWarning?.(message);
  };

  const get = (): AppSettings => {
    let stored: unknown;
    try {
      stored = store.get(SETTINGS_KEY);
    } catch (error) {
      // The file was damaged while the app runs; keep going on the defaults.
      warn(`${where}: cannot read the settings (${(error as Error).message}); using the defaults`);
      return structuredClone(DEFAULT_APP_SETTINGS);
    }
    if (stored !== undefined && !isRecord(stored)) {
      warn(`${where}: the stored settings are not an object; using the defaults`);
      return structuredClone(DEFAULT_APP_SETTINGS);
    }
    return readSettings(stored ?? {}, (field, value) =>
      warn(
        `${where}: settings.${field} = ${JSON.stringify(value)} is not valid; ` +
          'using the default',
      ),
    );
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
      const refused = checkReferences(parsed.data, patch);
      if (refused) return { ok: false, error: { code: 'bad_settings', message: refused } };
      try {
        store.set(SETTINGS_KEY, parsed.data);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return {
          ok: false,
          error: {
            code: 'settings_not_saved',
            message: `${where}: cannot save the settings (${reason}); nothing was changed`,
          },
        };
      }
      for (const listener of [...listeners]) listener(parsed.data, previous);
      return { ok: true, value: parsed.data };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The stored settings over the defaults; each invalid field gets its default and a report. */
/**
 * What the schema cannot know: that a speech model is one Cuecard knows and that a playbook
 * folder exists. Checked for the fields a change sets, so a folder removed since it was chosen
 * does not stop other changes.
 */
function checkReferences(settings: AppSettings, patch: Record<string, unknown>): string | null {
  if (Object.hasOwn(patch, 'asrModel') && settings.asrModel !== null) {
    const names = loadManifest().models.map((m) => m.name);
    if (!names.includes(settings.asrModel)) {
      return `settings.asrModel: no speech model is called "${settings.asrModel}" (known: ${names.join(', ')})`;
    }
  }
  if (Object.hasOwn(patch, 'playbookDir') && settings.playbookDir !== null) {
    const dir = settings.playbookDir;
    if (!path.isAbsolute(dir)) {
      return `settings.playbookDir: give the full path of the folder, not "${dir}"`;
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      return `settings.playbookDir: ${dir} is not a folder`;
    }
  }
  return null;
}

function readSettings(
  stored: Record<string, unknown>,
  invalid: (field: string, value: unknown) => void,
): AppSettings {
  const settings = structuredClone(DEFAULT_APP_SETTINGS) as Record<string, unknown>;
  const shape = appSettingsSchema.shape as Record<string, { safeParse(v: unknown): ParseResult }>;
  const overlayShape = overlaySettingsSchema.shape as Record<
    string,
    { safeParse(v: unknown): ParseResult }
  >;
  // Stored data may hold keys of older versions; they are dropped rather than refused.
  for (const [key, value] of Object.entries(stored)) {
    if (!Object.hasOwn(shape, key)) continue;
    if (key === 'overlay') {
      if (!isRecord(value)) {
        invalid('overlay', value);
        continue;
      }
      const overlay = settings.overlay as Record<string, unknown>;
      for (const [field, fieldValue] of Object.entries(value)) {
        if (!Object.hasOwn(overlayShape, field)) continue;
        const parsed = overlayShape[field].safeParse(fieldValue);
        if (parsed.success) overlay[field] = parsed.data;
        else invalid(`overlay.${field}`, fieldValue);
      }
      continue;
    }
    const parsed = shape[key].safeParse(value);
    if (parsed.success) settings[key] = parsed.data;
    else invalid(key, value);
  }
  return settings as AppSettings;
}

type ParseResult = { success: true; data: unknown } | { success: false };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeSettings(base: AppSettings, patch: Record<string, unknown>): Record<string, unknown> {
  // A patch's overlay is merged into the current one; anything else is left for the schema.
  const overlay = isRecord(patch.overlay)
    ? { ...base.overlay, ...patch.overlay }
    : (patch.overlay ?? base.overlay);
  return { ...base, ...patch, overlay };
}

/**
 * Moves `file` aside when it is not a JSON object (damaged, half-written, edited by hand), so
 * that the settings store can start from the defaults instead of failing on every read.
 * Returns the warning to show, or null when the file is fine or absent.
 */
export function setAsideUnreadableSettings(file: string): string | null {
  if (!existsSync(file)) return null;
  let problem: string;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(parsed)) return null;
    problem = 'it does not hold a JSON object';
  } catch (error) {
    problem = `it is not valid JSON: ${(error as Error).message}`;
  }
  const aside = `${file}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    return `${file}: settings file unreadable (${problem}) and cannot be moved aside (${
      (error as Error).message
    }); using the defaults`;
  }
  return (
    `${file}: settings file unreadable (${problem}); moved it to ${aside} and started from ` +
    'the defaults'
  );
}

/**
 * Settings kept in `<dataDir>/cuecard.json` through conf, and what was wrong with the file.
 * conf is loaded only here: through its `atomically` dependency it hooks SIGINT, SIGTERM and
 * SIGXFSZ (running its clean-up, then re-sending the signal), which commands that never touch
 * the settings (`cuecard replay`) are better off without.
 */
export async function openSettingsFile(
  dataDir: string,
  options: Pick<SettingsOptions, 'onWarning'> = {},
): Promise<{ settings: SettingsService; file: string; warnings: string[] }> {
  const file = path.join(dataDir, SETTINGS_FILE_NAME);
  const warnings: string[] = [];
  const onWarning = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const setAside = setAsideUnreadableSettings(file);
  if (setAside) {
    log.warn({ file }, setAside);
    onWarning(setAside);
  }
  let store: StoreLike;
  try {
    const { default: Conf } = await import('conf');
    store = new Conf({
      cwd: dataDir,
      configName: path.basename(SETTINGS_FILE_NAME, '.json'),
      clearInvalidConfig: false,
    });
  } catch (error) {
    // The folder cannot be created or read: keep the settings for this session only.
    const message = `${file}: cannot open the settings file (${
      (error as Error).message
    }); changes last until Cuecard quits`;
    log.warn({ file }, message);
    onWarning(message);
    store = memoryStore();
  }
  return { settings: createSettings(store, { file, onWarning }), file, warnings };
}

function memoryStore(): StoreLike {
  const values = new Map<string, unknown>();
  return { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
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
