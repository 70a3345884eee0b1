import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startUiServer } from '../../main/server/ui-server';
import { httpTransport, pickTransport } from '../../renderer/src/transport';
import { createFakeEngine } from '../helpers/fake-engine';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('renderer transport', () => {
  it('uses the preload bridge when Electron provides one', () => {
    const bridge = createFakeEngine();
    const transport = pickTransport({
      cuecard: bridge,
      location: new URL('file:///app/index.html') as never,
    });
    expect(transport?.kind).toBe('bridge');
  });

  it('uses HTTP with the token from the address otherwise, and nothing without a token', () => {
    // Node 20 has no global WebSocket; a browser does.
    const hadWebSocket = 'WebSocket' in globalThis;
    if (!hadWebSocket) Object.assign(globalThis, { WebSocket });
    cleanups.push(() => {
      if (!hadWebSocket) Reflect.deleteProperty(globalThis, 'WebSocket');
    });
    const withToken = pickTransport({
      location: new URL('http://127.0.0.1:5000/?token=abc') as never,
    });
    expect(withToken?.kind).toBe('http');
    withToken?.dispose();
    expect(pickTransport({ location: new URL('http://127.0.0.1:5000/') as never })).toBeNull();
  });

  it('runs commands and receives pushes through the local server', async () => {
    const staticDir = mkdtempSync(path.join(tmpdir(), 'cuecard-transport-'));
    writeFileSync(path.join(staticDir, 'index.html'), '');
    const engine = createFakeEngine();
    const server = await startUiServer({ engine, staticDir });
    cleanups.push(
      () => rmSync(staticDir, { recursive: true, force: true }),
      () => server.close(),
    );
    const transport = httpTransport({
      origin: server.origin,
      token: server.token,
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    cleanups.push(() => transport.dispose());
    const states: string[] = [];
    transport.onConnection((s) => states.push(s));
    await expect.poll(() => states.at(-1)).toBe('open');

    const pushed: string[] = [];
    transport.subscribe((m) => m.kind === 'event' && pushed.push(m.event.type));
    const started = await transport.invoke('call.startReplay', { file: 'x.vtt' });
    expect(started).toEqual({ ok: true, value: { callId: 'call-1' } });
    await expect.poll(() => pushed.includes('call_ended')).toBe(true);
    expect(pushed).toContain('cue');

    const refused = await transport.invoke('calls.get', { callId: 'nope' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('reports a lost server as a failed Result instead of throwing', async () => {
    const transport = httpTransport({
      origin: 'http://127.0.0.1:9',
      token: 't',
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    cleanups.push(() => transport.dispose());
    expect(await transport.invoke('calls.list', {})).toMatchObject({
      ok: false,
      error: { code: 'network' },
    });
  });
});
