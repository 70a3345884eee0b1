/**
 * A call from a WAV recording: stereo (channel 0 = rep microphone, channel 1 = customer system
 * audio) or mono (one mixed channel, speaker unknown). The audio is streamed from disk in
 * ~100 ms blocks, resampled to 16 kHz per channel, run through voice activity detection (with the
 * customer's echo muted on the rep channel) and streaming speech recognition per channel.
 *
 * Without an installed ASR model the recording is still scanned for speech, the segments go to
 * `onVadSegments`, and `run` then rejects with `ModelMissingError` ("cuecard models pull NAME").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLang } from '../../contract/events';
import {
  ModelMissingError,
  type ModelStoreOptions,
  modelForLang,
  resolveModel,
} from '../asr/models';
import {
  AsrConfigError,
  type AsrEngine,
  createSherpaEngine,
  probeSherpaModel,
  type EndpointRules,
} from '../asr/recognizer';
import { ModelFileError } from '../asr/onnx-file';
import { createLogger } from '../log';
import type { CallSource, CallSourceSink } from '../session/source';
import type { EchoGateOptions } from './echo';
import { CallAudioPipeline, type DetectedSpeech } from './pipeline';
import type { VadOptions } from './vad';
import { readWavBlocks, readWavInfo, type WavInfo } from './wav';

export type { DetectedSpeech } from './pipeline';

const log = createLogger('recording');

/** Builds the ASR engine for a model name; lets tests and other backends replace sherpa-onnx. */
export type RecognizerFactory = (request: {
  model: string;
  lang: 'en' | 'zh' | 'auto';
  endpoint?: Partial<EndpointRules>;
}) => AsrEngine | Promise<AsrEngine>;

export interface RecordingSourceOptions {
  /** ASR model name from the manifest; default chosen by `lang`. */
  asrModel?: string;
  /** Silero VAD model file; default CUECARD_VAD_MODEL or the packaged one. */
  vadModel?: string;
  lang?: 'en' | 'zh' | 'auto';
  /** Endpoint rules of the recognizer, in seconds. */
  endpoint?: Partial<EndpointRules>;
  recognizerFactory?: RecognizerFactory;
  /** Called once the whole recording was scanned, with the speech found per channel. */
  onVadSegments?: (found: DetectedSpeech) => void;
  /** Detector tuning (model path comes from `vadModel`). */
  vad?: Omit<VadOptions, 'model'>;
  /** Mute customer echo on the rep channel (stereo only). Default on. */
  echoSuppression?: boolean | EchoGateOptions;
  /** Where installed models live (tests); default the user data folder. */
  modelStore?: ModelStoreOptions;
}

/** Seconds of audio per block: the pace of levels, partials and VAD decisions. */
const BLOCK_SEC = 0.1;

interface ProcessOptions {
  sink: CallSourceSink | null;
  engine: AsrEngine | null;
  realtime: boolean;
  signal?: AbortSignal;
  vad: VadOptions;
  echo: false | EchoGateOptions;
}

/** Streams one recording through the call audio pipeline, at call pace or at full speed. */
async function processRecording(info: WavInfo, options: ProcessOptions): Promise<DetectedSpeech> {
  using pipeline = new CallAudioPipeline({
    channels: info.channels,
    inputRate: info.sampleRate,
    sink: options.sink,
    engine: options.engine,
    vad: options.vad,
    echo: options.echo,
  });
  const wallStart = Date.now();
  const blockFrames = Math.max(1, Math.round(info.sampleRate * BLOCK_SEC));
  for await (const block of readWavBlocks(info, { blockFrames, signal: options.signal })) {
    pipeline.push(block.channels);
    if (options.realtime) {
      const aheadMs = pipeline.time * 1000 - (Date.now() - wallStart);
      if (aheadMs > 0) {
        try {
          await sleep(aheadMs, undefined, { signal: options.signal });
        } catch {
          break;
        }
      }
    }
  }
  if (options.signal?.aborted) return pipeline.detected();
  const found = pipeline.finish();
  log.debug({ file: info.file, echoMutedSec: pipeline.echoMutedSec }, 'processRecording: done');
  return found;
}

function echoOption(value: RecordingSourceOptions['echoSuppression']): false | EchoGateOptions {
  if (value === false) return false;
  return value === true || value === undefined ? {} : value;
}

/**
 * Finds the speech in a recording without recognising it, as fast as the machine allows.
 * Throws `AudioFormatError` for unreadable files and `VadModelError` without a VAD model.
 */
export async function detectSpeech(
  file: string,
  options: Pick<RecordingSourceOptions, 'vadModel' | 'vad' | 'echoSuppression'> & {
    signal?: AbortSignal;
  } = {},
): Promise<DetectedSpeech> {
  const info = await readWavInfo(file);
  return processRecording(info, {
    sink: null,
    engine: null,
    realtime: false,
    signal: options.signal,
    vad: { ...options.vad, model: options.vadModel },
    echo: echoOption(options.echoSuppression),
  });
}

/** A recorded call as a `CallSource`. */
export class RecordingSource implements CallSource {
  readonly description: string;
  readonly lang?: CallLang;

  constructor(
    readonly file: string,
    private readonly options: RecordingSourceOptions = {},
  ) {
    this.description = file.split(/[\\/]/).pop() ?? file;
    if (options.lang === 'en' || options.lang === 'zh') this.lang = options.lang;
  }

  /**
   * Plays the recording into `sink`. Rejects with `AudioFormatError` before anything is emitted
   * when the file cannot be read, and with `ModelMissingError` (after scanning for speech) when
   * no ASR model is installed. A recording cut short or left unfinished by its recorder is
   * played as far as it goes, after a non-fatal `recording_incomplete` problem saying so.
   */
  async run(
    sink: CallSourceSink,
    runOptions: { realtime: boolean; signal: AbortSignal },
  ): Promise<void> {
    const info = await readWavInfo(this.file);
    for (const warning of info.warnings) sink.problem('recording_incomplete', warning, false, 0);
    const lang = this.options.lang ?? 'auto';
    const vad = { ...this.options.vad, model: this.options.vadModel };

    let engine: AsrEngine | null = null;
    let modelError: Error | null = null;
    try {
      engine = await createCallEngine({ ...this.options, lang });
    } catch (error) {
      if (!isModelUnusable(error)) throw error;
      modelError = error as Error;
    }
    log.info(
      {
        file: this.file,
        sampleRate: info.sampleRate,
        channels: info.channels,
        asr: Boolean(engine),
      },
      'run: starting',
    );

    const found = await processRecording(info, {
      sink: engine ? sink : null,
      engine,
      // Without recognition there is nothing to pace: scan the file at full speed.
      realtime: engine ? runOptions.realtime : false,
      signal: runOptions.signal,
      vad,
      echo: echoOption(this.options.echoSuppression),
    });
    this.options.onVadSegments?.(found);
    if (modelError) throw modelError;
  }
}

/** True for errors that mean "no usable ASR model" rather than a bug. */
export function isModelUnusable(error: unknown): boolean {
  return [ModelMissingError, ModelFileError, AsrConfigError].some((kind) => error instanceof kind);
}

/**
 * The ASR engine for a call: from `recognizerFactory` when given, else the installed sherpa-onnx
 * model (`asrModel`, or the one for `lang`). Throws `ModelMissingError` when it is not installed.
 */
export async function createCallEngine(
  options: Pick<
    RecordingSourceOptions,
    'asrModel' | 'endpoint' | 'recognizerFactory' | 'modelStore'
  > & {
    lang: 'en' | 'zh' | 'auto';
  },
): Promise<AsrEngine> {
  const store = options.modelStore ?? {};
  const model = options.asrModel ?? (await modelForLang(options.lang, store));
  if (options.recognizerFactory) {
    return options.recognizerFactory({ model, lang: options.lang, endpoint: options.endpoint });
  }
  const resolved = await resolveModel(model, store);
  const single = resolved.languages.length === 1 ? resolved.languages[0] : undefined;
  const engineOptions = {
    endpoint: options.endpoint,
    lang: single,
    fix: `Run: cuecard models pull ${resolved.name}`,
  };
  await probeSherpaModel(resolved, engineOptions);
  return createSherpaEngine(resolved, engineOptions);
}
