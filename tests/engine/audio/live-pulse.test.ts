/**
 * Live capture through real PortAudio devices: a PulseAudio rig (scripts/audio/setup-pulse.sh)
 * with two null sinks whose monitors stand in for the microphone and the system audio. The call
 * recording is played into them with paplay and captured with naudiodon.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import { listAudioDevices } from '../../../main/engine/audio/devices';
import { LiveSource } from '../../../main/engine/audio/live-source';
import type { CallSourceSink, SourceUtterance } from '../../../main/engine/session/source';
import { playInto, preparePulseRig, withPulseRig, writeCallSides } from '../../helpers/pulse-rig';
import { sharedPath } from '../../helpers/shared';
import { FakeAsrEngine } from '../asr/fake-asr-engine';

const rigReady = preparePulseRig('live PulseAudio capture');

const players: ChildProcess[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-pulse-test-'));
afterAll(() => {
  for (const player of players) if (player.exitCode === null) player.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!rigReady)('live capture from PulseAudio devices', () => {
  it(
    'captures the rep and the customer from two devices and hears both',
    () =>
      withPulseRig(async () => {
        const devices = listAudioDevices();
        const microphone = devices.find((d) => d.name === 'cuecard_rep');
        const systemAudio = devices.find((d) => d.name === 'cuecard_customer');
        expect(microphone, JSON.stringify(devices)).toBeDefined();
        expect(systemAudio).toBeDefined();

        // 12 s of the call, one mono file per side.
        const seconds = 12;
        const files = await writeCallSides(
          sharedPath('fixtures/calls/en-medtech-pump.wav'),
          seconds,
          dir,
        );

        const utterances: SourceUtterance[] = [];
        const problems: string[] = [];
        const speechLevels = { rep: 0, customer: 0 };
        const sink: CallSourceSink = {
          partial() {},
          utterance: (u) => utterances.push(u),
          level: (channel, _db, speech) => {
            if (speech) speechLevels[channel]++;
          },
          problem: (code, message) => problems.push(`${code}: ${message}`),
        };
        const controller = new AbortController();
        const source = new LiveSource({
          recognizerFactory: () => new FakeAsrEngine(),
          microphone: { id: microphone?.id ?? -1, name: 'cuecard_rep' },
          systemAudio: { id: systemAudio?.id ?? -1, name: 'cuecard_customer' },
        });
        const running = source.run(sink, { realtime: true, signal: controller.signal });
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const [index, sinkName] of ['cuecard_rep', 'cuecard_customer'].entries()) {
          players.push(playInto(sinkName, files[index]));
        }
        await new Promise((resolve) => setTimeout(resolve, (seconds + 1.5) * 1000));
        controller.abort();
        await running;

        expect(problems).toEqual([]);
        expect(speechLevels.rep).toBeGreaterThan(30);
        expect(speechLevels.customer).toBeGreaterThan(20);
        const speakers = new Set<Speaker>(utterances.map((u) => u.speaker));
        expect([...speakers].sort()).toEqual(['customer', 'rep']);
        // The rep opens the call; the customer answers about 6.5 s later (times shift by the start-up).
        const firstRep = utterances.find((u) => u.speaker === 'rep');
        const firstCustomer = utterances.find((u) => u.speaker === 'customer');
        expect((firstCustomer?.start ?? 0) - (firstRep?.start ?? 0)).toBeGreaterThan(4);
      }),
    60_000,
  );
});
