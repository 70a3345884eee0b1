/**
 * Audio input devices through naudiodon (PortAudio). The native module is loaded only when a
 * device is listed or opened, and a machine without sound support gets an empty list, not a crash.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { AudioDevice } from '../../contract/api';
import { createLogger } from '../log';

const log = createLogger('devices');
const require = createRequire(import.meta.url);

interface NaudiodonDevice {
  id: number;
  name: string;
  maxInputChannels: number;
  defaultSampleRate: number;
  hostAPIName: string;
}
interface NaudiodonStream extends Readable {
  start(): void;
  quit(callback?: () => void): Promise<void>;
}
interface Naudiodon {
  getDevices(): NaudiodonDevice[];
  AudioIO(options: { inOptions: Record<string, unknown> }): NaudiodonStream;
  SampleFormat16Bit: number;
}

function loadNaudiodon(): Naudiodon {
  return require('naudiodon') as Naudiodon;
}

/** Input devices (at least one input channel). Empty when audio support cannot be loaded. */
export function listAudioDevices(): AudioDevice[] {
  try {
    return loadNaudiodon()
      .getDevices()
      .filter((device) => device.maxInputChannels > 0)
      .map((device) => ({
        id: device.id,
        name: device.name,
        inputChannels: device.maxInputChannels,
        hostApi: device.hostAPIName,
      }));
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'listAudioDevices: audio support unavailable');
    return [];
  }
}

/** A running capture of 16-bit mono PCM from one device. */
export interface CaptureHandle {
  /** Emits Buffers of little-endian Int16 samples; 'error' or 'close' when the device goes away. */
  readonly stream: Readable;
  start(): void;
  stop(): Promise<void>;
}

/** Opens a device for capture. Throws when the device cannot be opened. */
export type OpenCapture = (device: { id: number; sampleRate: number }) => CaptureHandle;

/** Opens a device with naudiodon: mono, 16-bit, at `sampleRate` Hz. */
export const openNaudiodonCapture: OpenCapture = ({ id, sampleRate }) => {
  const naudiodon = loadNaudiodon();
  const stream = naudiodon.AudioIO({
    inOptions: {
      channelCount: 1,
      sampleFormat: naudiodon.SampleFormat16Bit,
      sampleRate,
      deviceId: id,
      closeOnError: true,
    },
  });
  // naudiodon also logs stream errors itself; ours go to the call as problems.
  stream.removeAllListeners('error');
  return {
    stream,
    start: () => stream.start(),
    // naudiodon 2.3.6's abort() throws ("Quit expects 1 argument"); quit() works. It can hang
    // on a device that vanished, so it gets a deadline.
    stop: () =>
      Promise.race([
        stream.quit().catch(() => {}),
        new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
      ]),
  };
};
