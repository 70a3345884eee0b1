import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallEvent } from '../../main/contract/events';
import { encodeWav } from '../../main/engine/audio/wav';
import { createEngineService, type EngineService } from '../../main/engine/service';
import { startUiServer, type UiServer } from '../../main/server/ui-server';

// The real engine behind the real server: a bad file must cost one replay, never the server.
const dir = mkdtempSync(path.join(tmpdir(), 'cuecard-server-inputs-'));
const savedEnv = { data: process.env.CUECARD_DATA_DIR, mirror: process.env.CUECARD_MODEL_MIRROR };
let engine: EngineService;
let server: UiServer;
let socket: WebSocket;
const pushed: CallEvent[] = [];

beforeAll(async () => {
  // No ASR model is installed here: recordings end with the pull hint.
  process.env.CUECARD_DATA_DIR = dir;
  process.env.CUECARD_MODEL_MIRROR = '';
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Cuecard</title>');
  engine = await createEngineService({ dataDir: dir });
  server = await startUiServer({ engine, staticDir });
  socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.kind === 'event' && message.event.type !== 'level') pushed.push(message.event);
  });
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await engine?.dispose();
  process.env.CUECARD_DATA_DIR = savedEnv.data;
  process.env.CUECARD_MODEL_MIRROR = savedEnv.mirror;
  if (savedEnv.data === undefined) delete process.env.CUECARD_DATA_DIR;
  if (savedEnv.mirror === undefined) delete process.env.CUECARD_MODEL_MIRROR;
  rmSync(dir, { recursive: true, force: true });
});

async function post(command: string, body: unknown) {
  const response = await fetch(`${server.origin}/api/${command}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** The pushed events of call `callId`, once its call_ended has arrived. */
async function callEvents(callId: string): Promise<CallEvent[]> {
  const ended = () => pushed.some((e) => e.type === 'call_ended' && e.callId === callId);
  await expect.poll(ended, { timeout: 20_000 }).toBe(true);
  const start = pushed.findIndex((e) => e.type === 'call_started' && e.callId === callId);
  const end = pushed.findIndex((e) => e.type === 'call_ended' && e.callId === callId);
  return pushed.slice(start, end + 1);
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('replays started from the local UI server', () => {
  it('refuses a 200 MB transcript with a Result naming the file and the limit', async () => {
    const file = write('big200m.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alex>Hi.\n\n');
    truncateSync(file, 200_000_000);
    expect(await post('call.startReplay', { file, rep: 'Alex', realtime: false })).toEqual({
      ok: false,
      error: {
        code: 'transcript_format',
        message: expect.stringMatching(
          /^big200m\.vtt: the file is 200\.0 MB; Cuecard reads transcripts up to 20\.0 MB/,
        ),
      },
    });
  });

  it('refuses garbage, a folder and an MP3 with a Result, and keeps serving', async () => {
    const garbage = write('garbage.vtt', `${'Lorem ipsum '.repeat(10_000)}\n`);
    expect(await post('call.startReplay', { file: garbage })).toMatchObject({
      ok: false,
      error: { code: 'transcript_format', message: expect.stringMatching(/line 1: missing/) },
    });
    expect(await post('call.startReplay', { file: dir })).toMatchObject({
      ok: false,
      error: { code: 'bad_source' },
    });
    const mp3 = write('song.mp3', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'));
    expect(await post('call.startReplay', { file: mp3 })).toMatchObject({
      ok: false,
      error: { code: 'bad_source', message: expect.stringMatching(/MP3 audio/) },
    });
    expect(await post('calls.list', {})).toMatchObject({ ok: true });
  });

  it('ends a failing recording replay with problems in snake_case, then runs the next replay', async () => {
    const tone = Float32Array.from({ length: 16_000 }, (_, i) => 0.3 * Math.sin(i / 5));
    const whole = encodeWav([tone, new Float32Array(tone.length)], 16_000);
    const cut = write('cut.wav', whole.subarray(0, 44 + 32_000));
    const started = await post('call.startReplay', { file: cut, realtime: false });
    expect(started).toMatchObject({ ok: true });
    const failed = await callEvents(started.value.callId);
    expect(
      failed.filter((e) => e.type === 'problem').map((e) => e.type === 'problem' && e.code),
    ).toEqual(['recording_incomplete', 'model_missing']);
    expect(failed.at(-1)).toMatchObject({ reason: 'error', stored: false });

    const good = write(
      'good.vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Alex>Hi Dana.\n\n' +
        '00:00:04.000 --> 00:00:06.000\n<v Dana>We are also looking at Helix Devices.\n',
    );
    const next = await post('call.startReplay', { file: good, rep: 'Alex', realtime: false });
    expect(next).toMatchObject({ ok: true });
    const replayed = await callEvents(next.value.callId);
    expect(replayed.filter((e) => e.type === 'utterance')).toHaveLength(2);
    expect(replayed.at(-1)).toMatchObject({ reason: 'completed', stored: true });
    expect(await post('calls.get', { callId: next.value.callId })).toMatchObject({ ok: true });
  });
});
