import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import { ModelMissingError } from '../../../main/engine/asr/models';
import { type CaptureHandle, listAudioDevices } from '../../../main/engine/audio/devices';
import { LiveSource } from '../../../main/engine/audio/live-source';
import type { CallSourceSink, SourceUtterance } from '../../../main/engine/session/source';
import { describeWithShared, sharedPath } from '../../helpers/shared';
import { FakeAsrEngine } from '../asr/fake-asr-engine';

class Sink implements CallSourceSink {
  utterances: SourceUtterance[] = [];
  problems: Array<{ code: string; message: string; fatal: boolean }> = [];
  levels = 0;
  partial() {}
  utterance(utterance: SourceUtterance) {
    this.utterances.push(utterance);
  }
  level() {
    this.levels++;
  }
  problem(code: string, message: string, fatal: boolean) {
    this.problems.push({ code, message, fatal });
  }
}

/** One channel of a 16 kHz stereo WAV as Int16 PCM (the shared calls have a 44-byte header). */
function channelPcm(file: string, channel: 0 | 1): Int16Array {
  const bytes = readFileSync(file);
  const frames = (bytes.length - 44) / 4;
  const interleaved = new Int16Array(bytes.buffer, bytes.byteOffset + 44, frames * 2);
  return Int16Array.from({ length: frames }, (_, i) => interleaved[i * 2 + channel]);
}

/** A capture that plays `pcm` at `speed` times real time, or fails as told. */
function fakeCapture(
  pcm: Int16Array | null,
  options: {
    speed?: number;
    failAfterMs?: number;
    startAfterMs?: number;
    stopAfterMs?: number;
  } = {},
): { handle: CaptureHandle; stopped: () => boolean; finished: () => boolean } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stream = new Readable({ read() {} });
  const chunk = 1600;
  let offset = 0;
  const started = Date.now();
  return {
    stopped: () => stopped,
    finished: () => pcm !== null && offset >= pcm.length,
    handle: {
      stream,
      start() {
        timer = setInterval(
          () => {
            if (options.failAfterMs !== undefined && Date.now() - started > options.failAfterMs) {
              clearInterval(timer);
              stream.destroy(new Error('device unplugged'));
              return;
            }
            const elapsed = Date.now() - started;
            if (options.startAfterMs !== undefined && elapsed < options.startAfterMs) return;
            if (options.stopAfterMs !== undefined && elapsed > options.stopAfterMs) return;
            if (!pcm || offset >= pcm.length) return;
            const part = pcm.subarray(offset, offset + chunk);
            offset += chunk;
            stream.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
          },
          100 / (options.speed ?? 1),
        );
      },
      async stop() {
        stopped = true;
        clearInterval(timer);
      },
    },
  };
}

const mic = { id: 1, name: 'USB headset' };
const monitor = { id: 2, name: 'Monitor of speakers' };
const fakeAsr = { recognizerFactory: () => new FakeAsrEngine() };

describe('live capture devices', () => {
  it('lists no input devices on a machine without a sound card, without crashing', () => {
    const devices = listAudioDevices();
    expect(Array.isArray(devices)).toBe(true);
    for (const device of devices) expect(device.inputChannels).toBeGreaterThan(0);
  });

  it('refuses to start without an ASR model, before opening any device', async () => {
    let opened = 0;
    const source = new LiveSource({
      microphone: mic,
      systemAudio: monitor,
      modelStore: { modelsDir: path.join('/nonexistent', 'models') },
      openCapture: () => {
        opened++;
        throw new Error('should not open');
      },
    });
    await expect(
      source.run(new Sink(), { realtime: true, signal: new AbortController().signal }),
    ).rejects.toBeInstanceOf(ModelMissingError);
    expect(opened).toBe(0);
  });

  it('reports devices that cannot be opened as problems, the last one fatal, and ends the call', async () => {
    const sink = new Sink();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      openCapture: ({ id }) => {
        throw new Error(`PortAudio: invalid device ${id}`);
      },
    });
    await source.run(sink, { realtime: true, signal: new AbortController().signal });
    expect(sink.problems).toEqual([
      expect.objectContaining({ code: 'audio_device_open_failed', fatal: false }),
      expect.objectContaining({ code: 'audio_device_open_failed', fatal: true }),
    ]);
    expect(sink.problems[0].message).toMatch(
      /microphone device "USB headset" cannot be opened .*invalid device 1/,
    );
  });
});

describeWithShared('a live call through two devices', () => {
  const call = sharedPath('fixtures/calls/en-medtech-pump-echo.wav');
  const turns: Array<{ speaker: Speaker; start_s: number; end_s: number }> = JSON.parse(
    readFileSync(sharedPath('fixtures/calls/en-medtech-pump-echo.truth.json'), 'utf8'),
  ).turns;

  it('hears the rep on the microphone and the customer on the system audio', async () => {
    const seconds = 30;
    const rep = fakeCapture(channelPcm(call, 0).subarray(0, 16_000 * seconds), { speed: 10 });
    const customer = fakeCapture(channelPcm(call, 1).subarray(0, 16_000 * seconds), { speed: 10 });
    const sink = new Sink();
    const controller = new AbortController();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      openCapture: ({ id }) => (id === mic.id ? rep.handle : customer.handle),
    });
    const running = source.run(sink, { realtime: true, signal: controller.signal });
    // The call ends when both devices have delivered everything and it has been processed
    // (a level per 100 ms per channel), however slow the machine is; at most 20 s.
    const expectedLevels = seconds * 2 * 9;
    const giveUpAt = Date.now() + 20_000;
    while (
      Date.now() < giveUpAt &&
      !(rep.finished() && customer.finished() && sink.levels >= expectedLevels)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await running;

    expect(sink.problems).toEqual([]);
    expect(rep.stopped() && customer.stopped()).toBe(true);
    for (const turn of turns.filter((t) => t.end_s < seconds - 1)) {
      const heard = sink.utterances.some(
        (u) => u.speaker === turn.speaker && u.start < turn.end_s && u.end > turn.start_s,
      );
      expect(heard, `${turn.speaker} turn at ${turn.start_s} s`).toBe(true);
    }
    for (const utterance of sink.utterances) {
      const middle = (utterance.start + utterance.end) / 2;
      const turn = turns.find((t) => t.start_s - 0.5 <= middle && middle <= t.end_s + 0.5);
      expect(turn?.speaker).toBe(utterance.speaker);
    }
    expect(sink.levels).toBeGreaterThanOrEqual(expectedLevels);
  });

  it('goes on with the microphone when the system-audio device fails mid-call', async () => {
    const rep = fakeCapture(channelPcm(call, 0).subarray(0, 16_000 * 30), { speed: 10 });
    const customer = fakeCapture(channelPcm(call, 1), { speed: 10, failAfterMs: 800 });
    const sink = new Sink();
    const controller = new AbortController();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      openCapture: ({ id }) => (id === mic.id ? rep.handle : customer.handle),
    });
    const running = source.run(sink, { realtime: true, signal: controller.signal });
    const giveUpAt = Date.now() + 20_000;
    while (
      Date.now() < giveUpAt &&
      !sink.utterances.some((u) => u.speaker === 'rep' && u.start > 12)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    controller.abort();
    await running;

    expect(sink.problems).toHaveLength(1);
    expect(sink.problems[0]).toMatchObject({ code: 'audio_device_error', fatal: false });
    expect(sink.problems[0].message).toMatch(
      /system audio device "Monitor of speakers" failed \(device unplugged\)\. The call goes on/,
    );
    const lateRep = sink.utterances.filter((u) => u.speaker === 'rep' && u.start > 12);
    expect(lateRep.length).toBeGreaterThan(0);
  });

  it('gives up on a device that never delivers audio, naming the start-up wait', async () => {
    const rep = fakeCapture(channelPcm(call, 0).subarray(0, 16_000 * 20), { speed: 10 });
    const silent = fakeCapture(null);
    const sink = new Sink();
    const controller = new AbortController();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      stallTimeoutMs: 300,
      startupTimeoutMs: 600,
      openCapture: ({ id }) => (id === mic.id ? rep.handle : silent.handle),
    });
    setTimeout(() => controller.abort(), 1500);
    await source.run(sink, { realtime: true, signal: controller.signal });
    expect(sink.problems.map((p) => p.code)).toEqual(['audio_device_stalled']);
    expect(sink.problems[0].message).toMatch(/no audio in the 0.6 s since it was opened/);
    expect(sink.utterances.some((u) => u.speaker === 'rep')).toBe(true);
  });

  it('waits for a device that is slow to start instead of giving it up', async () => {
    // PulseAudio monitors often deliver their first audio 2-3 s after the other device.
    const rep = fakeCapture(channelPcm(call, 0).subarray(0, 16_000 * 20), { speed: 10 });
    const late = fakeCapture(channelPcm(call, 1).subarray(0, 16_000 * 20), {
      speed: 10,
      startAfterMs: 700,
    });
    const sink = new Sink();
    const controller = new AbortController();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      stallTimeoutMs: 300,
      startupTimeoutMs: 1500,
      openCapture: ({ id }) => (id === mic.id ? rep.handle : late.handle),
    });
    setTimeout(() => controller.abort(), 2000);
    await source.run(sink, { realtime: true, signal: controller.signal });
    expect(sink.problems).toEqual([]);
  });

  it('gives up on a device that stops delivering audio mid-call', async () => {
    const rep = fakeCapture(channelPcm(call, 0).subarray(0, 16_000 * 20), { speed: 10 });
    const stops = fakeCapture(channelPcm(call, 1), { speed: 10, stopAfterMs: 300 });
    const sink = new Sink();
    const controller = new AbortController();
    const source = new LiveSource({
      ...fakeAsr,
      microphone: mic,
      systemAudio: monitor,
      stallTimeoutMs: 400,
      openCapture: ({ id }) => (id === mic.id ? rep.handle : stops.handle),
    });
    setTimeout(() => controller.abort(), 1800);
    await source.run(sink, { realtime: true, signal: controller.signal });
    expect(sink.problems.map((p) => p.code)).toEqual(['audio_device_stalled']);
    expect(sink.problems[0].message).toMatch(/system audio device .* delivered no audio for 0.4 s/);
  });
});
