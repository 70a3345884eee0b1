import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../helpers/fake-electron')).fakeElectron);

const { createOverlayWindow, rememberOverlayBounds, initialOverlayBounds } = await import(
  '../../main/electron/overlay-window'
);
const { FakeBrowserWindow, fakeScreen, memoryStore, resetFakeElectron, TWO_DISPLAYS } =
  await import('../helpers/fake-electron');

async function openOverlay(store = memoryStore(), clickThrough = false) {
  const overlay = await createOverlayWindow({
    preloadPath: '/app/preload.cjs',
    store,
    opacity: 0.9,
    clickThrough,
    load: async (window) => {
      await window.loadFile('/app/index.html', { hash: '/overlay' });
    },
  });
  return { overlay, window: FakeBrowserWindow.instances.at(-1)!, store };
}

describe('overlay window', () => {
  beforeEach(() => resetFakeElectron());

  it('stays above full-screen apps on every workspace and hides from screen capture', async () => {
    const { window } = await openOverlay();
    expect(window.callsTo('setAlwaysOnTop')).toEqual([[true, 'screen-saver']]);
    expect(window.callsTo('setVisibleOnAllWorkspaces')).toEqual([
      [true, { visibleOnFullScreen: true }],
    ]);
    expect(window.callsTo('setContentProtection')).toEqual([[true]]);
    expect(window.options).toMatchObject({ focusable: false, frame: false, transparent: true });
  });

  it('appears without taking focus, and the shortcut toggles it the same way', async () => {
    const { overlay, window } = await openOverlay();
    expect(window.callsTo('showInactive')).toHaveLength(1);
    expect(window.callsTo('show')).toHaveLength(0);
    expect(window.callsTo('focus')).toHaveLength(0);
    overlay.toggle();
    expect(window.isVisible()).toBe(false);
    overlay.toggle();
    expect(window.callsTo('showInactive')).toHaveLength(2);
    expect(window.callsTo('focus')).toHaveLength(0);
  });

  it('lets clicks pass through to the app below when asked, and back', async () => {
    const { overlay, window } = await openOverlay(memoryStore(), true);
    expect(window.callsTo('setIgnoreMouseEvents')).toEqual([[true, { forward: true }]]);
    overlay.setClickThrough(false);
    expect(window.callsTo('setIgnoreMouseEvents').at(-1)).toEqual([false]);
  });

  it('comes back into view when the monitor it was on goes away', async () => {
    const { window } = await openOverlay();
    window.bounds = { x: 3200, y: 100, width: 420, height: 640 };
    fakeScreen.displays = [TWO_DISPLAYS[0]];
    fakeScreen.emit('display-removed', {}, TWO_DISPLAYS[1]);
    const moved = window.getBounds();
    expect(moved.x + moved.width).toBeLessThanOrEqual(1920);
    expect(moved.y + moved.height).toBeLessThanOrEqual(1040);
  });

  it('reopens where the user left it on the same monitor arrangement', async () => {
    const store = memoryStore();
    const spot = { x: 2000, y: 50, width: 400, height: 500 };
    rememberOverlayBounds(store, spot, TWO_DISPLAYS);
    const { window } = await openOverlay(store);
    expect(window.getBounds()).toEqual(spot);
    expect(initialOverlayBounds(store, [TWO_DISPLAYS[0]], TWO_DISPLAYS[0])).not.toEqual(spot);
  });

  it('saves its place after the user moves it, and releases its listeners on dispose', async () => {
    vi.useFakeTimers();
    try {
      const { overlay, window, store } = await openOverlay();
      window.bounds = { x: 100, y: 100, width: 400, height: 500 };
      window.emit('moved');
      vi.advanceTimersByTime(500);
      expect(Object.values(store.get('overlayBounds') as object)).toContainEqual(window.bounds);
      overlay.dispose();
      expect(fakeScreen.listenerCount('display-removed')).toBe(0);
      expect(window.isDestroyed()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
