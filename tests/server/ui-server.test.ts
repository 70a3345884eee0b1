import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startUiServer, type UiServer } from '../../main/server/ui-server';
import { createFakeEngine, type FakeEngine } from '../helpers/fake-engine';

let staticDir: string;
let engine: FakeEngine;
let server: UiServer;

beforeEach(async () => {
  staticDir = mkdtempSync(path.join(tmpdir(), 'cuecard-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Cuecard</title>');
  engine = createFakeEngine();
  server = await startUiServer({ engine, staticDir });
});

afterEach(async () => {
  await server.close();
  await engine.dispose();
  rmSync(staticDir, { recursive: true, force: true });
});

const post = (command: string, body: unknown, token: string | null = server.token) =>
  fetch(`${server.origin}/api/${command}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('local UI server', () => {
  it('listens on 127.0.0.1 only and prints an address with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('answers 401 to any request without the token', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await fetch(`${server.origin}/?token=wrong`)).status).toBe(401);
    expect((await post('calls.list', {}, null)).status).toBe(401);
    expect((await post('calls.list', {}, 'x'.repeat(64))).status).toBe(401);
    expect(engine.invocations).toEqual([]);
  });

  it('serves the page with the strict CSP and sets a cookie for its assets', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Cuecard</title>');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const cookie = response.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${server.origin}/index.html`, { headers: { cookie } })).status).toBe(200);
  });

  it('runs a command and returns its Result', async () => {
    const response = await post('cue.feedback', { cueId: 'c1', action: 'helpful' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, value: { stored: true } });
    expect(engine.invocations).toEqual([
      { command: 'cue.feedback', args: { cueId: 'c1', action: 'helpful' } },
    ]);
  });

  it('refuses bad payloads, unknown commands and broken JSON with a Result naming the problem', async () => {
    const bad = await post('cue.feedback', { cueId: 'c1', action: 'love' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      ok: false,
      error: { code: 'bad_args', message: expect.stringContaining('action') },
    });
    expect((await post('shell.exec', {})).status).toBe(404);
    const broken = await fetch(`${server.origin}/api/calls.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}` },
      body: '{nope',
    });
    expect(broken.status).toBe(400);
    expect(engine.invocations).toEqual([]);
  });

  it('refuses a request from another web origin and a rebinding Host', async () => {
    const foreign = await fetch(`${server.origin}/api/calls.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, Origin: 'https://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    const status = await new Promise<number>((resolve) => {
      const req = httpRequest(
        `${server.url}`,
        { headers: { Host: `evil.example:${server.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.end();
    });
    expect(status).toBe(421);
  });

  it('pushes engine events over the WebSocket, and only with the token', async () => {
    await expect(openSocket(`ws://127.0.0.1:${server.port}/ws`)).rejects.toThrow(/401/);
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const received = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    engine.emit({ type: 'level', channel: 'customer', rmsDb: -30, speech: true, t: 3 });
    expect(await received).toEqual({
      kind: 'event',
      event: { type: 'level', channel: 'customer', rmsDb: -30, speech: true, t: 3 },
    });
    ws.close();
  });

  it('releases sockets, subscriptions and the port on close', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    expect(engine.subscriberCount()).toBe(1);
    await server.close();
    await closed;
    expect(engine.subscriberCount()).toBe(0);
    await expect(fetch(server.url)).rejects.toThrow();
    await server.close();
  });
});
