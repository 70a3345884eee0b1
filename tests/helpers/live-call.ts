/**
 * Stand-ins for the hardware and downloads a live call needs: capture devices that play PCM
 * (or fail on cue), an installed speech model's folder, and a check that nothing a call opened
 * is still open once it stopped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadManifest } from '../../main/engine/asr/models';
import type { CaptureHandle, OpenCapture } from '../../main/engine/audio/devices';
import { readWavBlocks, readWavInfo } from '../../main/engine/audio/wav';

/** A fake input device; `stopped` once its owner released it. */
export interface FakeDevice {
  readonly handle: CaptureHandle;
  readonly started: boolean;
  readonly stopped: boolean;
}

export interface FakeDeviceOptions {
  /** Times real time the PCM is delivered at; default 1. */
  speed?: number;
  /** The device fails ("unplugged") this many wall-clock ms after it started. */
  failAfterMs?: number;
}

/** A device delivering `pcm` (16 kHz mono Int16) in 100 ms chunks, then silence. */
export function fakeDevice(pcm: Int16Array, options: FakeDeviceOptions = {}): FakeDevice {
  const stream = new Readable({ read() {} });
  const chunk = 1600;
  let timer: NodeJS.Timeout | undefined;
  let offset = 0;
  let started = false;
  let stopped = false;
  let startedAt = 0;
  const silence = new Int16Array(chunk);
  const handle: CaptureHandle = {
    stream,
    start() {
      started = true;
      startedAt = Date.now();
      timer = setInterval(
        () => {
          if (options.failAfterMs !== undefined && Date.now() - startedAt > options.failAfterMs) {
            clearInterval(timer);
            stream.destroy(new Error('device unplugged'));
            return;
          }
          const part = offset < pcm.length ? pcm.subarray(offset, offset + chunk) : silence;
          offset += chunk;
          stream.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
        },
        100 / (options.speed ?? 1),
      );
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      stream.destroy();
    },
  };
  return {
    handle,
    get started() {
      return started;
    },
    get stopped() {
      return stopped;
    },
  };
}

/** Opens the fake device of each PortAudio id, recording every id opened. */
export function fakeOpenCapture(devices: Record<number, FakeDevice>): OpenCapture & {
  opened: number[];
} {
  const opened: number[] = [];
  const open: OpenCapture = ({ id }) => {
    opened.push(id);
    const device = devices[id];
    if (!device) throw new Error(`PortAudio: invalid device ${id}`);
    return device.handle;
  };
  return Object.assign(open, { opened });
}

/** The first `seconds` of each channel of a 16 kHz stereo WAV, as Int16 PCM. */
export async function callChannels(file: string, seconds: number): Promise<Int16Array[]> {
  const parts: Float32Array[][] = [[], []];
  for await (const block of readWavBlocks(await readWavInfo(file), { blockFrames: 16_000 })) {
    if (block.startFrame >= seconds * 16_000) break;
    block.channels.forEach((samples, c) => {
      parts[c].push(samples);
    });
  }
  return parts.map((channel) => {
    const samples = channel.flatMap((part) => Array.from(part));
    return Int16Array.from(samples, (v) =>
      Math.max(-32768, Math.min(32767, Math.round(v * 32768))),
    );
  });
}

/**
 * Lays out `name` from the shipped manifest in `modelsDir` as an installed model: the install
 * record and its four files. The files hold no model; only a fake recognizer can use them.
 */
export function installFakeModel(modelsDir: string, name: string): void {
  const entry = loadManifest().models.find((model) => model.name === name);
  if (!entry) throw new Error(`installFakeModel: no model ${name} in the manifest`);
  const dir = path.join(modelsDir, name);
  mkdirSync(dir, { recursive: true });
  for (const file of Object.values(entry.files)) writeFileSync(path.join(dir, file), 'fake');
  writeFileSync(
    path.join(dir, '.cuecard-model.json'),
    JSON.stringify({ name, archiveSha256: '0'.repeat(64), installedAt: '', files: {} }),
  );
}

/** How many timers, sockets, child processes … this process has open, by kind. */
export function openResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** What is open now beyond what was open `before` (an `openResources()`), by kind. */
export function openedSince(before: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [kind, count] of Object.entries(openResources())) {
    if (count > (before[kind] ?? 0)) extra[kind] = count - (before[kind] ?? 0);
  }
  return extra;
}

/** Waits until `condition` holds, polling every 50 ms; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`waitFor: ${what} did not happen in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
