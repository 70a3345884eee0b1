/**
 * The overlay window: above everything (including full-screen meeting apps), hidden from screen
 * capture, never focused by a new cue, optionally click-through, and placed where the user left
 * it on the same monitor arrangement, always inside a visible work area.
 */
import { BrowserWindow, screen } from 'electron';
import { createLogger } from '../engine/log';
import {
  clampToWorkArea,
  type DisplayLike,
  defaultOverlayBounds,
  displayKey,
  nearestDisplay,
  type Rect,
} from './bounds';
import type { StoreLike } from './settings';
import { OVERLAY_TOP_LEVEL, overlayWindowOptions } from './window-options';

const log = createLogger('overlay-window');
const BOUNDS_KEY = 'overlayBounds';

export interface OverlayWindowOptions {
  preloadPath: string;
  /** Loads the overlay page into the window (URL or file, chosen by the caller). */
  load: (window: BrowserWindow) => Promise<void>;
  /** Where bounds are remembered (electron-store). */
  store: StoreLike;
  opacity: number;
  clickThrough: boolean;
}

export interface OverlayWindow {
  readonly window: BrowserWindow;
  /** Shows without taking focus, or hides. */
  toggle(): void;
  show(): void;
  setClickThrough(enabled: boolean): void;
  setOpacity(opacity: number): void;
  dispose(): void;
}

/** Remembered bounds for the display arrangement, or a default spot on the primary display. */
export function initialOverlayBounds(
  store: StoreLike,
  displays: DisplayLike[],
  primary: DisplayLike,
): Rect {
  const remembered = readRemembered(store);
  for (const display of displays) {
    const bounds = remembered[displayKey(display)];
    if (bounds) return clampToWorkArea(bounds, displays);
  }
  return defaultOverlayBounds(primary);
}

/** Stores `bounds` under the key of the display it sits on. */
export function rememberOverlayBounds(
  store: StoreLike,
  bounds: Rect,
  displays: DisplayLike[],
): void {
  const display = nearestDisplay(bounds, displays);
  store.set(BOUNDS_KEY, { ...readRemembered(store), [displayKey(display)]: bounds });
}

function readRemembered(store: StoreLike): Record<string, Rect> {
  const value = store.get(BOUNDS_KEY);
  if (typeof value !== 'object' || value === null) return {};
  const result: Record<string, Rect> = {};
  for (const [key, rect] of Object.entries(value as Record<string, unknown>)) {
    const r = rect as Partial<Rect>;
    if ([r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n))) {
      result[key] = r as Rect;
    }
  }
  return result;
}

export async function createOverlayWindow(options: OverlayWindowOptions): Promise<OverlayWindow> {
  const displays = () => screen.getAllDisplays() as DisplayLike[];
  const bounds = initialOverlayBounds(options.store, displays(), screen.getPrimaryDisplay());
  const window = new BrowserWindow(overlayWindowOptions(options.preloadPath, bounds));

  window.setAlwaysOnTop(true, OVERLAY_TOP_LEVEL);
  window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  window.setContentProtection(true);
  window.setOpacity(options.opacity);
  const setClickThrough = (enabled: boolean) => {
    if (enabled) window.setIgnoreMouseEvents(true, { forward: true });
    else window.setIgnoreMouseEvents(false);
  };
  setClickThrough(options.clickThrough);

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveSoon = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      if (!window.isDestroyed())
        rememberOverlayBounds(options.store, window.getBounds(), displays());
    }, 400);
  };
  window.on('moved', saveSoon);
  window.on('resized', saveSoon);

  const bringBack = () => {
    if (window.isDestroyed()) return;
    const current = window.getBounds();
    const clamped = clampToWorkArea(current, displays());
    if (
      clamped.x !== current.x ||
      clamped.y !== current.y ||
      clamped.width !== current.width ||
      clamped.height !== current.height
    ) {
      log.info({ from: current, to: clamped }, 'display change: overlay moved into view');
      window.setBounds(clamped);
    }
  };
  screen.on('display-removed', bringBack);
  screen.on('display-metrics-changed', bringBack);

  await options.load(window);
  window.showInactive();

  const show = () => {
    bringBack();
    window.showInactive();
  };
  return {
    window,
    show,
    toggle: () => (window.isVisible() ? window.hide() : show()),
    setClickThrough,
    setOpacity: (opacity) => window.setOpacity(opacity),
    dispose() {
      if (saveTimer) clearTimeout(saveTimer);
      screen.off('display-removed', bringBack);
      screen.off('display-metrics-changed', bringBack);
      if (!window.isDestroyed()) window.destroy();
    },
  };
}
