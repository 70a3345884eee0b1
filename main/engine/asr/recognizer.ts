/**
 * Streaming speech recognition for one channel with a sherpa-onnx streaming transducer
 * (zipformer). Partial text comes out while someone speaks; a final utterance at each endpoint.
 *
 * The native binding sits behind the narrow `AsrEngine` interface so the streaming loop can be
 * tested without a model. `createSherpaEngine` builds the real one and checks every model file
 * first: the binding reports a bad path only as "Please check your config!", and aborts the
 * process on a file that is not ONNX.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CallLang, Speaker } from '../../contract/events';
import { createLogger } from '../log';
import { runNodeScript } from '../node-script';
import { ASR_SAMPLE_RATE } from '../audio/resample';
import { assertOnnxFile, assertPlainFile, ModelFileError } from './onnx-file';

const log = createLogger('asr');
const require = createRequire(import.meta.url);

/** What the binding returns for a stream. Times in `timestamps` are seconds since the last reset. */
export interface AsrResult {
  text: string;
  tokens?: string[];
  timestamps?: number[];
}

/**
 * The part of sherpa-onnx's `OnlineRecognizer` Cuecard uses. `S` is the binding's stream.
 * Samples are 16 kHz mono floats in [-1, 1].
 */
export interface AsrEngine<S = unknown> {
  createStream(): S;
  acceptWaveform(stream: S, samples: Float32Array): void;
  inputFinished(stream: S): void;
  isReady(stream: S): boolean;
  decode(stream: S): void;
  getResult(stream: S): AsrResult;
  isEndpoint(stream: S): boolean;
  reset(stream: S): void;
  /** Language of every result when the model has only one (English-only model); else undefined. */
  readonly lang?: CallLang;
}

/**
 * When an utterance ends, in seconds (sherpa-onnx endpoint rules).
 * rule 1: this much trailing silence ends an utterance even if nothing was recognised;
 * rule 2: this much trailing silence ends an utterance once something was recognised;
 * rule 3: an utterance is cut at this length.
 */
export interface EndpointRules {
  rule1MinTrailingSilence: number;
  rule2MinTrailingSilence: number;
  rule3MinUtteranceLength: number;
}

/** Short enough for cues to follow a customer's sentence quickly, long enough not to split it. */
export const DEFAULT_ENDPOINT_RULES: EndpointRules = {
  rule1MinTrailingSilence: 2.4,
  rule2MinTrailingSilence: 0.8,
  rule3MinUtteranceLength: 20,
};

/** Files of a streaming transducer model. */
export interface TransducerModelPaths {
  encoder: string;
  decoder: string;
  joiner: string;
  tokens: string;
}

/** The recognizer could not be built from the given configuration. */
export class AsrConfigError extends Error {
  override readonly name = 'AsrConfigError';
}

interface NativeOnlineRecognizer {
  createStream(): NativeOnlineStream;
  isReady(stream: NativeOnlineStream): boolean;
  decode(stream: NativeOnlineStream): void;
  isEndpoint(stream: NativeOnlineStream): boolean;
  reset(stream: NativeOnlineStream): void;
  getResult(stream: NativeOnlineStream): AsrResult;
}
interface NativeOnlineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}

export interface SherpaEngineOptions {
  endpoint?: Partial<EndpointRules>;
  /** CPU threads for the neural network. Default 1 (two channels run side by side). */
  numThreads?: number;
  /** Set for single-language models so utterances carry their language. */
  lang?: CallLang;
  /** Told to the user with a missing file, e.g. "Run: cuecard models pull NAME". */
  fix?: string;
  /** How long `probeSherpaModel` waits for the model to load. Default 120 s. */
  probeTimeoutMs?: number;
}

/**
 * Checks that every file of the model is there and looks right, since the binding reports a bad
 * path only as "Please check your config!". Returns the fix to name in later errors.
 */
function assertModelFiles(paths: TransducerModelPaths, options: SherpaEngineOptions): string {
  const fix = options.fix ?? 'Download the model again.';
  assertPlainFile(paths.tokens, 'ASR tokens file', fix);
  assertOnnxFile(paths.encoder, 'ASR encoder', fix);
  assertOnnxFile(paths.decoder, 'ASR decoder', fix);
  assertOnnxFile(paths.joiner, 'ASR joiner', fix);
  return fix;
}

/** The binding's configuration for a streaming transducer with Cuecard's endpoint rules. */
function sherpaConfig(paths: TransducerModelPaths, options: SherpaEngineOptions): object {
  const rules = { ...DEFAULT_ENDPOINT_RULES, ...options.endpoint };
  return {
    featConfig: { sampleRate: ASR_SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      transducer: { encoder: paths.encoder, decoder: paths.decoder, joiner: paths.joiner },
      tokens: paths.tokens,
      numThreads: options.numThreads ?? 1,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
    enableEndpoint: 1,
    ...rules,
  };
}

/**
 * Loads the model in a short-lived child process. sherpa-onnx ends the whole process, with no
 * exception, on an ONNX file of the wrong kind (a VAD model in place of the encoder, a
 * non-streaming model); the child takes that fall instead of the app. Throws `ModelFileError`
 * or `AsrConfigError` naming the files; a model that loaded once is not probed again.
 */
export async function probeSherpaModel(
  paths: TransducerModelPaths,
  options: SherpaEngineOptions = {},
): Promise<void> {
  const fix = assertModelFiles(paths, options);
  const key = [paths.encoder, paths.decoder, paths.joiner, paths.tokens]
    .map((file) => {
      const { size, mtimeMs } = statSync(file);
      return `${file}:${size}:${mtimeMs}`;
    })
    .join('|');
  if (probedModels.has(key)) return;
  const binding = require.resolve('sherpa-onnx-node');
  const config = JSON.stringify(sherpaConfig(paths, options));
  const outcome = await runNodeScript(
    PROBE_SCRIPT,
    [binding, config],
    options.probeTimeoutMs ?? 120_000,
  );
  if (outcome.error) {
    const said = outcome.stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('at ') && !line.startsWith('terminate called'))
      .map((line) => line.replace(/^what\(\):\s*/, ''))
      .slice(-2)
      .join(' ');
    const killed = outcome.error.killed;
    if (/protobuf parsing failed|invalid_protobuf|load model from .* failed/i.test(said)) {
      throw new ModelFileError(
        paths.encoder,
        `the ASR model in ${path.dirname(paths.encoder)} is damaged or incomplete ` +
          `(onnxruntime: ${said.slice(0, 300)}). ${fix}`,
      );
    }
    throw new AsrConfigError(
      `sherpa-onnx could not load the ASR model in ${path.dirname(paths.encoder)}` +
        (killed ? ' within the time allowed' : '') +
        (said ? ` (${said})` : '') +
        `. The files may not belong to a streaming transducer. ${fix}`,
    );
  }
  probedModels.add(key);
}

const probedModels = new Set<string>();

/** Creates a recognizer from the config in argv[2] with the binding at argv[1], then exits. */
const PROBE_SCRIPT = `
const sherpa = require(process.argv[1]);
new sherpa.OnlineRecognizer(JSON.parse(process.argv[2]));
`;

/**
 * Builds the real engine on sherpa-onnx-node. Throws `ModelFileError` for a missing or broken
 * file and `AsrConfigError` when the binding rejects the configuration.
 */
export function createSherpaEngine(
  paths: TransducerModelPaths,
  options: SherpaEngineOptions = {},
): AsrEngine<NativeOnlineStream> {
  const fix = assertModelFiles(paths, options);

  const config = sherpaConfig(paths, options);
  const sherpa = require('sherpa-onnx-node') as {
    OnlineRecognizer: new (config: object) => NativeOnlineRecognizer;
  };
  let native: NativeOnlineRecognizer;
  try {
    native = new sherpa.OnlineRecognizer(config);
  } catch (error) {
    throw new AsrConfigError(
      `sherpa-onnx rejected the ASR model in ${paths.encoder} and its siblings ` +
        `(${(error as Error).message}). The files may not belong to a streaming transducer. ${fix}`,
    );
  }
  log.info({ encoder: paths.encoder }, 'createSherpaEngine: recognizer ready');
  return {
    lang: options.lang,
    createStream: () => native.createStream(),
    acceptWaveform: (stream, samples) =>
      stream.acceptWaveform({ samples, sampleRate: ASR_SAMPLE_RATE }),
    inputFinished: (stream) => stream.inputFinished(),
    isReady: (stream) => native.isReady(stream),
    decode: (stream) => native.decode(stream),
    getResult: (stream) => native.getResult(stream),
    isEndpoint: (stream) => native.isEndpoint(stream),
    reset: (stream) => native.reset(stream),
  };
}

/** Lower-cases the all-caps English of the zipformer models and tidies spacing. */
export function tidyRecognizedText(text: string): string {
  let tidy = text.replace(/\s+/g, ' ').trim();
  if (!/[a-z]/.test(tidy)) tidy = tidy.toLowerCase();
  tidy = tidy.replace(/\bi\b/g, 'I').replace(/\bi'(m|ll|ve|d)\b/g, "I'$1");
  return tidy.charAt(0).toUpperCase() + tidy.slice(1);
}

/** A recognised utterance, times in seconds of call time. */
export interface RecognizedUtterance {
  speaker: Speaker;
  text: string;
  start: number;
  end: number;
  lang?: CallLang;
}

export interface ChannelRecognizerEvents {
  /** Text so far of the utterance in progress; `t` is the call time of the newest audio. */
  onPartial(text: string, t: number): void;
  onFinal(utterance: RecognizedUtterance): void;
}

/**
 * Runs one channel through an `AsrEngine`: feed 16 kHz blocks in call order with `accept`,
 * then `finish` at the end of the audio.
 */
export class ChannelRecognizer<S = unknown> {
  private readonly stream: S;
  private samplesFed = 0;
  /** Samples fed when the current utterance's stream was (re)started. */
  private segmentStartSample = 0;
  private lastPartial = '';
  private finished = false;

  constructor(
    private readonly engine: AsrEngine<S>,
    private readonly speaker: Speaker,
    private readonly events: ChannelRecognizerEvents,
    /** Call time of the first sample, in seconds. */
    private readonly startTime = 0,
  ) {
    this.stream = engine.createStream();
  }

  private timeOf(sample: number): number {
    return this.startTime + sample / ASR_SAMPLE_RATE;
  }

  /** Feeds 16 kHz samples and emits partials and finals they produce. */
  accept(samples: Float32Array): void {
    if (this.finished) throw new Error('ChannelRecognizer.accept: called after finish()');
    if (samples.length === 0) return;
    this.engine.acceptWaveform(this.stream, samples);
    this.samplesFed += samples.length;
    this.decodeAvailable();
  }

  /** Ends the audio: decodes what is buffered and emits the last utterance, if any. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    // Trailing silence lets the model flush its right context.
    this.engine.acceptWaveform(this.stream, new Float32Array(Math.round(ASR_SAMPLE_RATE * 0.5)));
    this.engine.inputFinished(this.stream);
    while (this.engine.isReady(this.stream)) this.engine.decode(this.stream);
    this.emitFinal();
  }

  private decodeAvailable(): void {
    const now = this.timeOf(this.samplesFed);
    while (this.engine.isReady(this.stream)) this.engine.decode(this.stream);
    if (this.engine.isEndpoint(this.stream)) {
      this.emitFinal();
      this.engine.reset(this.stream);
      this.segmentStartSample = this.samplesFed;
      this.lastPartial = '';
      return;
    }
    const text = this.engine.getResult(this.stream).text.trim();
    if (text && text !== this.lastPartial) {
      this.lastPartial = text;
      this.events.onPartial(tidyRecognizedText(text), now);
    }
  }

  private emitFinal(): void {
    const result = this.engine.getResult(this.stream);
    const text = result.text.trim();
    if (!text) return;
    const segmentStart = this.timeOf(this.segmentStartSample);
    const now = this.timeOf(this.samplesFed);
    const clampToSegment = (offset: number) =>
      Math.min(now, Math.max(segmentStart, segmentStart + offset));
    const stamps = result.timestamps ?? [];
    const start = stamps.length ? clampToSegment(stamps[0]) : segmentStart;
    // The last token's timestamp is where it starts; allow for its length.
    const end = stamps.length ? clampToSegment(stamps[stamps.length - 1] + 0.3) : now;
    this.events.onFinal({
      speaker: this.speaker,
      text: tidyRecognizedText(text),
      start,
      end: Math.max(start, end),
      lang: this.engine.lang,
    });
  }
}
