/**
 * The global shortcut that shows or hides the overlay.
 */
import { globalShortcut } from 'electron';
import { createLogger } from '../engine/log';

const log = createLogger('shortcut');

/**
 * Registers `accelerator` to call `toggle`. Returns a function that unregisters it, or null when
 * the OS refused the shortcut (taken by another app, or malformed); the app goes on without it.
 */
export function registerToggleShortcut(
  accelerator: string,
  toggle: () => void,
): (() => void) | null {
  let registered = false;
  try {
    registered = globalShortcut.register(accelerator, toggle);
  } catch (error) {
    log.warn({ accelerator, err: (error as Error).message }, 'register: malformed shortcut');
  }
  if (!registered) {
    log.warn({ accelerator }, 'register: shortcut not available');
    return null;
  }
  return () => globalShortcut.unregister(accelerator);
}
