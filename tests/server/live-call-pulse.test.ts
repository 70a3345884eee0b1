/**
 * A live call end to end through the browser transport: the UI server's HTTP API picks the
 * PulseAudio rig's devices in Settings, starts the call, and stops it; its WebSocket carries the
 * events. The devices are real (PortAudio through naudiodon); only the recognizer is the fake
 * one, since no speech model can be installed here.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AudioDevice, PushMessage, Result } from '../../main/contract/api';
import type { CallEvent } from '../../main/contract/events';
import { loadManifest } from '../../main/engine/asr/models';
import { createEngineService } from '../../main/engine/service';
import { startUiServer } from '../../main/server/ui-server';
import { FakeAsrEngine } from '../engine/asr/fake-asr-engine';
import { installFakeModel, openedSince, openResources, waitFor } from '../helpers/live-call';
import {
  CUSTOMER_SINK,
  playInto,
  preparePulseRig,
  REP_SINK,
  withPulseRig,
  writeCallSides,
} from '../helpers/pulse-rig';
import { sharedPath } from '../helpers/shared';

const rigReady = preparePulseRig('the live call through the UI server from PulseAudio devices');

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-live-server-'));
const players: ChildProcess[] = [];
afterAll(() => {
  for (const player of players) if (player.exitCode === null) player.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!rigReady)('a live call through the UI server from PulseAudio devices', () => {
  it(
    'starts from the devices chosen in Settings, hears both sides with levels, and stops',
    () =>
      withPulseRig(async () => {
        const seconds = 12;
        const sides = await writeCallSides(
          sharedPath('fixtures/calls/en-medtech-pump.wav'),
          seconds,
          dir,
        );
        const modelsDir = path.join(dir, 'models');
        installFakeModel(modelsDir, loadManifest().default);
        const engine = await createEngineService({
          dataDir: path.join(dir, 'data'),
          modelStore: { modelsDir },
          live: { recognizerFactory: () => new FakeAsrEngine() },
        });
        const server = await startUiServer({ engine, staticDir: dir });
        const api = async <T>(command: string, body: unknown = {}): Promise<Result<T>> => {
          const response = await fetch(`${server.origin}/api/${command}`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${server.token}`,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify(body),
          });
          return (await response.json()) as Result<T>;
        };
        const events: CallEvent[] = [];
        const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as PushMessage;
          if (message.kind === 'event') events.push(message.event);
        });
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

        try {
          const listed = await api<AudioDevice[]>('audio.devices');
          const devices = listed.ok ? listed.value : [];
          const rep = devices.find((d) => d.name === REP_SINK);
          const customer = devices.find((d) => d.name === CUSTOMER_SINK);
          expect(rep && customer, JSON.stringify(devices)).toBeTruthy();
          if (!rep || !customer) return;
          const choice = (d: AudioDevice) => ({ name: d.name, hostApi: d.hostApi, id: d.id });
          const saved = await api('settings.set', {
            patch: { micDevice: choice(rep), systemDevice: choice(customer) },
          });
          expect(saved.ok).toBe(true);
          const before = openResources();

          const started = await api<{ callId: string }>('call.startLive');
          expect(started.ok, JSON.stringify(started)).toBe(true);
          if (!started.ok) return;
          const { callId } = started.value;
          await new Promise((resolve) => setTimeout(resolve, 500));
          players.push(playInto(REP_SINK, sides[0]), playInto(CUSTOMER_SINK, sides[1]));
          await Promise.all(
            players.map((player) => new Promise((resolve) => player.once('exit', resolve))),
          );
          const said = (speaker: string) =>
            events.some((e) => e.type === 'utterance' && e.speaker === speaker);
          await waitFor(() => said('rep') && said('customer'), 'utterances from both sides', 5000);

          const stopped = await api('call.stop');
          expect(stopped).toEqual({ ok: true, value: { callId } });
          await waitFor(() => events.some((e) => e.type === 'call_ended'), 'call_ended pushed');

          expect(events[0]).toMatchObject({
            type: 'call_started',
            callId,
            source: `${REP_SINK} + ${CUSTOMER_SINK}`,
          });
          expect(events.filter((e) => e.type === 'problem')).toEqual([]);
          for (const channel of ['rep', 'customer']) {
            const heard = events.filter((e) => e.type === 'level' && e.channel === channel);
            expect(heard.length, channel).toBeGreaterThan(seconds * 5);
            expect(
              heard.filter((e) => e.type === 'level' && e.speech).length,
              channel,
            ).toBeGreaterThan(20);
          }
          // The rep opens the call; the customer answers about 6.5 s later.
          const first = (speaker: string) =>
            events.find((e) => e.type === 'utterance' && e.speaker === speaker);
          const firstRep = first('rep');
          const firstCustomer = first('customer');
          if (firstRep?.type === 'utterance' && firstCustomer?.type === 'utterance')
            expect(firstCustomer.start - firstRep.start).toBeGreaterThan(4);
          expect(events.at(-1)).toMatchObject({
            type: 'call_ended',
            reason: 'stopped',
            stored: true,
          });

          const stored = await api<{ status: string; summary: unknown }>('calls.get', { callId });
          expect(stored.ok && stored.value.status).toBe('stopped');
          expect(stored.ok && stored.value.summary).toBeTruthy();
          // The devices are closed and the capture loop's timers gone.
          expect(openedSince(before)).toEqual({});
        } finally {
          socket.close();
          await server.close();
          await engine.dispose();
        }
      }),
    60_000,
  );
});
