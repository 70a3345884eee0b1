/**
 * The only module that touches `ipcRenderer`. Exposes `window.cuecard` (a `CuecardBridge`) to the
 * isolated page: one invoke function and one subscription, nothing else of Electron.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CuecardBridge, PushMessage } from '../main/contract/api';

// Inlined rather than imported so the sandboxed preload bundle stays free of zod.
const INVOKE_CHANNEL = 'cuecard:invoke';
const PUSH_CHANNEL = 'cuecard:push';

const bridge: CuecardBridge = {
  invoke: (command, args) => ipcRenderer.invoke(INVOKE_CHANNEL, command, args),
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, message: PushMessage) => listener(message);
    ipcRenderer.on(PUSH_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(PUSH_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('cuecard', bridge);
