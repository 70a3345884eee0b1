import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../helpers/fake-electron')).fakeElectron);

const { IPC_CHANNELS } = await import('../../main/contract/api');
const { registerEngineIpc } = await import('../../main/electron/ipc');
const { createSenderCheck } = await import('../../main/electron/security');
const { FakeWebContents, fakeIpcMain, resetFakeElectron } = await import(
  '../helpers/fake-electron'
);
const { createFakeEngine } = await import('../helpers/fake-engine');

const PAGE = 'file:///opt/cuecard/out/renderer/index.html';

function setup() {
  const engine = createFakeEngine();
  const window = new FakeWebContents();
  const dispose = registerEngineIpc({
    engine,
    isTrustedSender: createSenderCheck([PAGE]),
    pushTargets: () => [window as never],
  });
  const handler = fakeIpcMain.handlers.get(IPC_CHANNELS.invoke)!;
  const invoke = (frameUrl: string | undefined, command: unknown, args: unknown) =>
    handler({ senderFrame: frameUrl ? { url: frameUrl } : null }, command, args) as Promise<{
      ok: boolean;
      error?: { code: string; message: string };
      value?: unknown;
    }>;
  return { engine, window, dispose, invoke };
}

describe('engine IPC', () => {
  beforeEach(() => resetFakeElectron());

  it('forwards a valid command from the app page to the engine', async () => {
    const { engine, invoke } = setup();
    const result = await invoke(`${PAGE}#/overlay`, 'cue.feedback', {
      cueId: 'c1',
      action: 'helpful',
    });
    expect(result).toEqual({ ok: true, value: { stored: true } });
    expect(engine.invocations).toEqual([
      { command: 'cue.feedback', args: { cueId: 'c1', action: 'helpful' } },
    ]);
  });

  it('refuses a message from a foreign frame without reaching the engine', async () => {
    const { engine, invoke } = setup();
    const result = await invoke('https://evil.example/', 'calls.list', {});
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('forbidden');
    expect((await invoke(undefined, 'calls.list', {})).ok).toBe(false);
    expect(engine.invocations).toEqual([]);
  });

  it('refuses a bad payload and names the field', async () => {
    const { engine, invoke } = setup();
    const result = await invoke(PAGE, 'cue.feedback', { cueId: 'c1', action: 'love-it' });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_args' } });
    expect(result.error?.message).toContain('action');
    expect(await invoke(PAGE, 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'unknown_command' },
    });
    expect(engine.invocations).toEqual([]);
  });

  it('pushes engine events to the windows and stops after dispose', async () => {
    const { engine, window, dispose } = setup();
    engine.emit({ type: 'level', channel: 'rep', rmsDb: -20, speech: true, t: 1 });
    expect(window.sent).toEqual([
      {
        channel: IPC_CHANNELS.push,
        payload: { kind: 'event', event: expect.objectContaining({ type: 'level' }) },
      },
    ]);
    dispose();
    engine.emit({ type: 'level', channel: 'rep', rmsDb: -20, speech: true, t: 2 });
    expect(window.sent).toHaveLength(1);
    expect(engine.subscriberCount()).toBe(0);
    expect(fakeIpcMain.handlers.size).toBe(0);
  });
});
