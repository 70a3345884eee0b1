import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../helpers/fake-electron')).fakeElectron);

const { IPC_CHANNELS } = await import('../../main/contract/api');
const { fakeContextBridge, fakeIpcRenderer } = await import('../helpers/fake-electron');
await import('../../preload/index');

describe('preload bridge', () => {
  const bridge = fakeContextBridge.exposed.get('cuecard') as {
    invoke: (command: string, args: unknown) => Promise<unknown>;
    subscribe: (listener: (message: unknown) => void) => () => void;
  };

  it('exposes only invoke and subscribe as window.cuecard', () => {
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('sends commands on the invoke channel of the contract', async () => {
    await bridge.invoke('calls.list', { query: 'battery' });
    expect(fakeIpcRenderer.invoked).toEqual([
      [IPC_CHANNELS.invoke, 'calls.list', { query: 'battery' }],
    ]);
  });

  it('delivers push messages until unsubscribed, without leaking the Electron event', () => {
    const received: unknown[] = [];
    const off = bridge.subscribe((message) => received.push(message));
    fakeIpcRenderer.emit(
      IPC_CHANNELS.push,
      { sender: 'secret' },
      { kind: 'event', event: { type: 'level' } },
    );
    off();
    fakeIpcRenderer.emit(IPC_CHANNELS.push, {}, { kind: 'event' });
    expect(received).toEqual([{ kind: 'event', event: { type: 'level' } }]);
    expect(fakeIpcRenderer.listenerCount(IPC_CHANNELS.push)).toBe(0);
  });
});
