/**
 * Audio input devices through naudiodon (PortAudio). The native module is loaded only when a
 * device is listed or opened, and a machine without sound support gets an empty list, not a crash.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { AudioDevice } from '../../contract/api';
import { createLogger } from '../log';
import { runNodeScript } from '../node-script';

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

/** The devices that can record, as the contract describes them. */
function inputDevices(devices: NaudiodonDevice[]): AudioDevice[] {
  return devices
    .filter((device) => device.maxInputChannels > 0)
    .map((device) => ({
      id: device.id,
      name: device.name,
      inputChannels: device.maxInputChannels,
      hostApi: device.hostAPIName,
    }));
}

/**
 * Input devices (at least one input channel), listed in this process. Empty when audio support
 * cannot be loaded. PortAudio's probing makes ALSA and JACK print many lines on this process's
 * stderr; UIs use `listAudioDevicesQuietly` instead.
 */
export function listAudioDevices(): AudioDevice[] {
  try {
    return inputDevices(loadNaudiodon().getDevices());
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
    // on a device that vanished, so it gets a deadline, cleared once the device is closed.
    stop: async () => {
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        stream.quit().catch(() => {}),
        new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, 1000).unref();
        }),
      ]);
      clearTimeout(deadline);
    },
  };
};

/**
 * Lists devices in a child process: given the path of naudiodon, prints the devices as JSON.
 * Plain CommonJS, so it runs in Node or in Electron's binary acting as Node.
 */
const LIST_DEVICES_SCRIPT = `
const devices = require(process.argv[1]).getDevices();
process.stdout.write(JSON.stringify(devices));
`;

/**
 * Input devices, listed by a short-lived child process. The native audio libraries report
 * every card and server they probe on stderr (about 100 "ALSA lib …" and "jack server is not
 * running" lines on a machine without them); the child's stderr is captured and logged at
 * debug level instead of reaching the user's terminal, and a crash in PortAudio cannot take
 * the app down. Resolves to an empty list when audio support is missing or the child fails
 * within `timeoutMs`.
 */
export async function listAudioDevicesQuietly(timeoutMs = 10_000): Promise<AudioDevice[]> {
  let modulePath: string;
  try {
    modulePath = require.resolve('naudiodon');
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'listAudioDevicesQuietly: naudiodon missing');
    return [];
  }
  const output = await runNodeScript(LIST_DEVICES_SCRIPT, [modulePath], timeoutMs);
  if (output.stderr.trim()) {
    const lines = output.stderr.trim().split('\n');
    log.debug(
      { lines: lines.length, stderr: lines.slice(0, 200).join('\n') },
      'listAudioDevicesQuietly: what the audio libraries printed',
    );
  }
  if (output.error) {
    const lastLine = output.stderr.trim().split('\n').at(-1) ?? '';
    log.warn(
      { err: output.error.message, stderr: lastLine },
      'listAudioDevicesQuietly: listing devices failed',
    );
    return [];
  }
  try {
    return inputDevices(JSON.parse(output.stdout) as NaudiodonDevice[]);
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'listAudioDevicesQuietly: unreadable device list');
    return [];
  }
}
