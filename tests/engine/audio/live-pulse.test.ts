/**
 * Live capture through real PortAudio devices: a PulseAudio rig (scripts/audio/setup-pulse.sh)
 * with two null sinks whose monitors stand in for the microphone and the system audio. The call
 * recording is played into them with paplay and captured with naudiodon.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import { listAudioDevices } from '../../../main/engine/audio/devices';
import { LiveSource } from '../../../main/engine/audio/live-source';
import { encodeWav, readWavBlocks, readWavInfo } from '../../../main/engine/audio/wav';
import type { CallSourceSink, SourceUtterance } from '../../../main/engine/session/source';
import { hasShared, REPO_ROOT, sharedPath } from '../../helpers/shared';
import { FakeAsrEngine } from '../asr/fake-asr-engine';

const pulseDir = process.env.CUECARD_PULSE_DIR ?? '/tmp/cuecard-pulse';
const hasPulse = spawnSync('sh', ['-c', 'command -v pulseaudio && command -v paplay']).status === 0;
let rigReady = false;
if (hasPulse && hasShared) {
  const setup = spawnSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/audio/setup-pulse.sh'), '--no-install'],
    {
      encoding: 'utf8',
    },
  );
  rigReady = setup.status === 0;
  if (!rigReady)
    console.warn(`SKIPPED live PulseAudio capture: setup-pulse.sh failed: ${setup.stderr}`);
  // Must be set before PortAudio first loads in this process.
  process.env.XDG_RUNTIME_DIR = path.join(pulseDir, 'run');
  process.env.XDG_CONFIG_HOME = path.join(pulseDir, 'xdg');
} else if (!hasPulse) {
  console.warn(
    'SKIPPED live PulseAudio capture: pulseaudio/paplay not installed (run scripts/audio/setup-pulse.sh)',
  );
} else {
  console.warn(
    'SKIPPED live PulseAudio capture: shared call fixtures not found (CUECARD_SHARED_DIR)',
  );
}

const players: ChildProcess[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-pulse-test-'));
afterAll(() => {
  for (const player of players) if (player.exitCode === null) player.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!rigReady)('live capture from PulseAudio devices', () => {
  it('captures the rep and the customer from two devices and hears both', async () => {
    const devices = listAudioDevices();
    const microphone = devices.find((d) => d.name === 'cuecard_rep');
    const systemAudio = devices.find((d) => d.name === 'cuecard_customer');
    expect(microphone, JSON.stringify(devices)).toBeDefined();
    expect(systemAudio).toBeDefined();

    // 12 s of the call, one mono file per side.
    const call = sharedPath('fixtures/calls/en-medtech-pump.wav');
    const seconds = 12;
    const sides: Float32Array[][] = [[], []];
    for await (const block of readWavBlocks(await readWavInfo(call), { blockFrames: 16_000 })) {
      if (block.startFrame >= seconds * 16_000) break;
      block.channels.forEach((samples, c) => {
        sides[c].push(samples);
      });
    }
    const files = sides.map((parts, c) => {
      const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        all.set(part, offset);
        offset += part.length;
      }
      const file = path.join(dir, `side-${c}.wav`);
      writeFileSync(file, encodeWav([all], 16_000));
      return file;
    });

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
      players.push(spawn('paplay', [`--device=${sinkName}`, files[index]], { stdio: 'ignore' }));
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
  }, 30_000);
});
