/**
 * A live call from two input devices: the rep's microphone and a monitor of the system audio
 * (the customer). Both go through the same pipeline as recordings. A device that fails to open,
 * errors, closes or stops delivering audio becomes a `problem` for the user; the call goes on
 * with the other device, and ends (fatal problem) only when no device is left.
 */
import type { CallLang } from '../../contract/events';
import { createLogger } from '../log';
import type { CallSource, CallSourceSink } from '../session/source';
import { type CaptureHandle, type OpenCapture, openNaudiodonCapture } from './devices';
import { CallAudioPipeline } from './pipeline';
import { createCallEngine, type RecordingSourceOptions } from './recording-source';

const log = createLogger('live');

export interface LiveDevice {
  /** PortAudio device id (see `listAudioDevices`). */
  id: number;
  /** Shown to the user in problems. */
  name: string;
}

export interface LiveSourceOptions
  extends Pick<
    RecordingSourceOptions,
    | 'asrModel'
    | 'vadModel'
    | 'lang'
    | 'endpoint'
    | 'recognizerFactory'
    | 'vad'
    | 'echoSuppression'
    | 'modelStore'
  > {
  /** The rep's microphone. */
  microphone: LiveDevice;
  /** The system-audio monitor carrying the customer. */
  systemAudio: LiveDevice;
  /** Capture rate of both devices, in Hz. Default 16000. */
  sampleRate?: number;
  /** A device delivering nothing for this long while the other does is given up. Default 2000 ms. */
  stallTimeoutMs?: number;
  /**
   * How long a device may take to deliver its first audio after it is opened, while the other
   * delivers, before it is given up. Default 6000 ms: PulseAudio and WASAPI devices commonly
   * take two seconds or more to start.
   */
  startupTimeoutMs?: number;
  /** Opens a device; default naudiodon. */
  openCapture?: OpenCapture;
}

/** How often queued audio is pushed through the pipeline, in milliseconds. */
const TICK_MS = 100;
/** Queued audio beyond this (device clock drift) is dropped, in seconds. */
const MAX_QUEUE_SEC = 2;

interface DeviceState {
  role: 'rep' | 'customer';
  device: LiveDevice;
  capture: CaptureHandle | null;
  queue: Float32Array[];
  queued: number;
  alive: boolean;
  /** When the device was opened, in ms since the epoch. */
  openedAt: number;
  /** When it last delivered audio; null until its first audio. */
  lastDataAt: number | null;
}

/** Live capture as a `CallSource`. */
export class LiveSource implements CallSource {
  readonly description: string;
  readonly lang?: CallLang;

  constructor(private readonly options: LiveSourceOptions) {
    this.description = `${options.microphone.name} + ${options.systemAudio.name}`;
    if (options.lang === 'en' || options.lang === 'zh') this.lang = options.lang;
  }

  /**
   * Captures until `signal` aborts or both devices are gone. Rejects only when no ASR model is
   * installed (`ModelMissingError`), before any device is opened. `realtime` is implied.
   */
  async run(
    sink: CallSourceSink,
    runOptions: { realtime: boolean; signal: AbortSignal },
  ): Promise<void> {
    const engine = await createCallEngine({ ...this.options, lang: this.options.lang ?? 'auto' });
    const sampleRate = this.options.sampleRate ?? 16_000;
    const stallTimeoutMs = this.options.stallTimeoutMs ?? 2000;
    const startupTimeoutMs = this.options.startupTimeoutMs ?? Math.max(6000, stallTimeoutMs);
    const openCapture = this.options.openCapture ?? openNaudiodonCapture;
    using pipeline = new CallAudioPipeline({
      channels: 2,
      inputRate: sampleRate,
      sink,
      engine,
      vad: { ...this.options.vad, model: this.options.vadModel },
      echo: this.options.echoSuppression === false ? false : {},
    });

    const devices: DeviceState[] = [
      { role: 'rep', device: this.options.microphone },
      { role: 'customer', device: this.options.systemAudio },
    ].map(({ role, device }) => ({
      role: role as 'rep' | 'customer',
      device,
      capture: null,
      queue: [],
      queued: 0,
      alive: true,
      openedAt: Date.now(),
      lastDataAt: null,
    }));

    let wake: (() => void) | null = null;
    const lose = (state: DeviceState, code: string, why: string) => {
      if (!state.alive) return;
      state.alive = false;
      const side = state.role === 'rep' ? 'microphone' : 'system audio';
      const remaining = devices.some((d) => d.alive);
      sink.problem(
        code,
        `The ${side} device "${state.device.name}" ${why}.` +
          (remaining ? ' The call goes on with the other device.' : ' No audio device is left.'),
        !remaining,
        pipeline.time,
        state.role,
      );
      log.warn({ device: state.device.name, code }, 'run: device lost');
      state.capture?.stop().catch(() => {});
      wake?.();
    };

    for (const state of devices) {
      try {
        const capture = openCapture({ id: state.device.id, sampleRate });
        state.capture = capture;
        capture.stream.on('data', (chunk: Buffer) => {
          const pcm = new Int16Array(chunk.buffer, chunk.byteOffset, Math.floor(chunk.length / 2));
          state.queue.push(Float32Array.from(pcm, (v) => v / 32768));
          state.queued += pcm.length;
          state.lastDataAt = Date.now();
        });
        capture.stream.on('error', (error: Error) =>
          lose(state, 'audio_device_error', `failed (${error.message})`),
        );
        capture.stream.on('close', () => lose(state, 'audio_device_closed', 'stopped'));
        capture.stream.on('end', () => lose(state, 'audio_device_closed', 'stopped'));
        capture.start();
      } catch (error) {
        lose(state, 'audio_device_open_failed', `cannot be opened (${(error as Error).message})`);
      }
    }

    const take = (state: DeviceState, count: number): Float32Array => {
      const out = new Float32Array(count);
      let filled = 0;
      while (filled < count && state.queue.length) {
        const head = state.queue[0];
        const used = Math.min(head.length, count - filled);
        out.set(head.subarray(0, used), filled);
        filled += used;
        if (used === head.length) state.queue.shift();
        else state.queue[0] = head.subarray(used);
      }
      state.queued -= filled;
      return out;
    };

    const abort = () => wake?.();
    runOptions.signal.addEventListener('abort', abort);
    try {
      while (!runOptions.signal.aborted && devices.some((d) => d.alive)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, TICK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;

        const now = Date.now();
        const alive = devices.filter((d) => d.alive);
        for (const state of alive) {
          const othersDeliver = alive.some(
            (d) => d !== state && d.lastDataAt !== null && now - d.lastDataAt < stallTimeoutMs,
          );
          const silentFor = now - (state.lastDataAt ?? state.openedAt);
          const limit = state.lastDataAt === null ? startupTimeoutMs : stallTimeoutMs;
          if (state.queued === 0 && silentFor > limit && othersDeliver) {
            const why =
              state.lastDataAt === null
                ? `delivered no audio in the ${limit / 1000} s since it was opened`
                : `delivered no audio for ${limit / 1000} s`;
            lose(state, 'audio_device_stalled', why);
          }
          if (state.queued > MAX_QUEUE_SEC * sampleRate)
            take(state, state.queued - sampleRate * TICK_MS * 1e-3);
        }
        const live = devices.filter((d) => d.alive);
        if (live.length === 0) break;
        const count = Math.min(...live.map((d) => d.queued));
        if (count > 0)
          pipeline.push(devices.map((d) => (d.alive ? take(d, count) : new Float32Array(count))));
      }
      pipeline.finish();
    } finally {
      runOptions.signal.removeEventListener('abort', abort);
      for (const state of devices) {
        state.alive = false;
        await state.capture?.stop().catch(() => {});
      }
    }
  }
}
