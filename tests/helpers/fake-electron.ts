/**
 * A stand-in for the `electron` module, for unit tests of `main/electron/*` and the preload
 * script without an Electron binary. Use it with
 * `vi.mock('electron', async () => (await import('../helpers/fake-electron')).fakeElectron)`
 * and call `resetFakeElectron()` before each test. Every fake records what it was asked to do.
 */
import { EventEmitter } from 'node:events';
import type { DisplayLike } from '../../main/electron/bounds';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  url = 'file:///app/out/renderer/index.html';
  sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Emits an event the way Electron does and tells whether a listener prevented it. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows() {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  calls: Array<{ method: string; args: unknown[] }> = [];
  bounds: { x: number; y: number; width: number; height: number };
  visible = false;
  destroyed = false;
  loaded: string | null = null;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    const o = options as { x?: number; y?: number; width?: number; height?: number };
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 };
    FakeBrowserWindow.instances.push(this);
  }
  private record(method: string, args: unknown[]) {
    this.calls.push({ method, args });
  }
  callsTo(method: string) {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
  setAlwaysOnTop(...args: unknown[]) {
    this.record('setAlwaysOnTop', args);
  }
  setVisibleOnAllWorkspaces(...args: unknown[]) {
    this.record('setVisibleOnAllWorkspaces', args);
  }
  setContentProtection(...args: unknown[]) {
    this.record('setContentProtection', args);
  }
  setIgnoreMouseEvents(...args: unknown[]) {
    this.record('setIgnoreMouseEvents', args);
  }
  setOpacity(...args: unknown[]) {
    this.record('setOpacity', args);
  }
  showInactive() {
    this.record('showInactive', []);
    this.visible = true;
  }
  show() {
    this.record('show', []);
    this.visible = true;
  }
  focus() {
    this.record('focus', []);
  }
  hide() {
    this.record('hide', []);
    this.visible = false;
  }
  isVisible() {
    return this.visible;
  }
  getBounds() {
    return { ...this.bounds };
  }
  setBounds(bounds: typeof this.bounds) {
    this.record('setBounds', [bounds]);
    this.bounds = { ...bounds };
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.webContents.destroyed = true;
  }
  async loadURL(url: string) {
    this.loaded = url;
  }
  async loadFile(file: string, options?: { hash?: string }) {
    this.loaded = `${file}#${options?.hash ?? ''}`;
  }
}

class FakeScreen extends EventEmitter {
  displays: DisplayLike[] = [];
  getAllDisplays() {
    return this.displays;
  }
  getPrimaryDisplay() {
    return this.displays[0];
  }
}

export const fakeScreen = new FakeScreen();

export const fakeIpcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, handler: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (result: { responseHeaders: Record<string, string[]> }) => void,
) => void;

interface FakeSession {
  headersListener: HeadersListener | null;
  permissionRequestHandler: Listener | null;
  permissionCheckHandler: Listener | null;
  webRequest: { onHeadersReceived(listener: HeadersListener): void };
  setPermissionRequestHandler(handler: Listener): void;
  setPermissionCheckHandler(handler: Listener): void;
}

export const fakeSession: FakeSession = {
  headersListener: null,
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  webRequest: {
    onHeadersReceived(listener) {
      fakeSession.headersListener = listener;
    },
  },
  setPermissionRequestHandler(handler) {
    this.permissionRequestHandler = handler;
  },
  setPermissionCheckHandler(handler) {
    this.permissionCheckHandler = handler;
  },
};

export const fakeGlobalShortcut = {
  registered: new Map<string, Listener>(),
  refuse: new Set<string>(),
  register(accelerator: string, callback: Listener) {
    if (this.refuse.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  },
  unregister(accelerator: string) {
    this.registered.delete(accelerator);
  },
};

export class FakeTray {
  static instances: FakeTray[] = [];
  menu: unknown = null;
  destroyed = false;
  constructor(readonly icon: unknown) {
    FakeTray.instances.push(this);
  }
  setToolTip() {}
  setContextMenu(menu: unknown) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const fakeApp = Object.assign(new EventEmitter(), {
  quitCalls: 0,
  quit() {
    fakeApp.quitCalls++;
  },
});

export const fakeContextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown) {
    this.exposed.set(name, api);
  },
};

export const fakeIpcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as unknown[][],
  async invoke(...args: unknown[]) {
    fakeIpcRenderer.invoked.push(args);
    return { ok: true, value: null };
  },
});

/** The module object handed to `vi.mock('electron', ...)`. */
export const fakeElectron = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  screen: fakeScreen,
  ipcMain: fakeIpcMain,
  session: { defaultSession: fakeSession },
  globalShortcut: fakeGlobalShortcut,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: unknown[]) => ({ items: template }) },
  nativeImage: { createFromDataURL: (url: string) => ({ url }) },
  contextBridge: fakeContextBridge,
  ipcRenderer: fakeIpcRenderer,
};

/** Two side-by-side 1920x1080 monitors; the primary has a 40 px taskbar at the bottom. */
export const TWO_DISPLAYS: DisplayLike[] = [
  {
    id: 1,
    bounds: { x: 0, y: 0, width: 1920, height: 1080 },
    workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  },
  {
    id: 2,
    bounds: { x: 1920, y: 0, width: 1920, height: 1080 },
    workArea: { x: 1920, y: 0, width: 1920, height: 1080 },
  },
];

export function resetFakeElectron(displays: DisplayLike[] = TWO_DISPLAYS): void {
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  fakeScreen.removeAllListeners();
  fakeScreen.displays = displays.map((d) => structuredClone(d));
  fakeIpcMain.handlers.clear();
  fakeSession.headersListener = null;
  fakeSession.permissionRequestHandler = null;
  fakeSession.permissionCheckHandler = null;
  fakeGlobalShortcut.registered.clear();
  fakeGlobalShortcut.refuse.clear();
  fakeApp.removeAllListeners();
  fakeApp.quitCalls = 0;
  fakeContextBridge.exposed.clear();
  fakeIpcRenderer.removeAllListeners();
  fakeIpcRenderer.invoked = [];
}

/** A `StoreLike` in memory (electron-store's get/set). */
export function memoryStore(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(structuredClone(initial)));
  return {
    data,
    get: (key: string) => structuredClone(data.get(key)),
    set: (key: string, value: unknown) => void data.set(key, structuredClone(value)),
  };
}
