/**
 * The per-call audio chain shared by recordings and live devices: for each channel, resampling
 * to 16 kHz, the customer-echo gate on the rep channel, voice activity detection, level meters
 * (~10 per second per channel) and, when an ASR engine is given, streaming recognition.
 * Input blocks for all channels are fed in lockstep, at the input sample rate.
 */
import type { Speaker } from '../../contract/events';
import { type AsrEngine, ChannelRecognizer } from '../asr/recognizer';
import type { CallSourceSink } from '../session/source';
import { EchoGate, type EchoGateOptions, rmsDbfs } from './echo';
import { ASR_SAMPLE_RATE, StreamingResampler } from './resample';
import { ChannelVad, type SpeechSegment, type VadOptions } from './vad';

/** Speech found per channel of a stereo call, or in the one channel of a mono recording. */
export type DetectedSpeech =
  | { rep: SpeechSegment[]; customer: SpeechSegment[] }
  | { mixed: SpeechSegment[] };

export interface CallAudioOptions {
  /** 2 = rep + customer, 1 = one mixed channel (speaker unknown). */
  channels: 1 | 2;
  /** Sample rate of the blocks given to `push`, in Hz. */
  inputRate: number;
  /** Receives levels, partials and finals; null to only detect speech. */
  sink: CallSourceSink | null;
  engine: AsrEngine | null;
  vad: VadOptions;
  /** Options of the echo gate on the rep channel, or false to hear the rep channel as is. */
  echo: false | EchoGateOptions;
}

/** 100 ms at 16 kHz. */
const LEVEL_BLOCK_SAMPLES = ASR_SAMPLE_RATE / 10;

interface Channel {
  speaker: Speaker;
  meter: 'rep' | 'customer' | null;
  resampler: StreamingResampler;
  vad: ChannelVad;
  segments: SpeechSegment[];
  recognizer: ChannelRecognizer | null;
}

/** Runs the chain over blocks of call audio. Dispose it (or call `finish`) when done. */
export class CallAudioPipeline implements Disposable {
  private readonly channels: Channel[];
  private readonly echoGate: EchoGate | null;
  private readonly sink: CallSourceSink | null;
  private samplesOut = 0;
  /** Resampled audio per channel waiting for a whole 100 ms block. */
  private pending: Float32Array[];
  private finished = false;

  constructor(options: CallAudioOptions) {
    const stereo = options.channels === 2;
    const layout: Array<{ speaker: Speaker; meter: 'rep' | 'customer' | null }> = stereo
      ? [
          { speaker: 'rep', meter: 'rep' },
          { speaker: 'customer', meter: 'customer' },
        ]
      : [{ speaker: 'unknown', meter: null }];
    const { sink, engine } = options;
    this.sink = sink;
    this.channels = layout.map(({ speaker, meter }) => ({
      speaker,
      meter,
      resampler: new StreamingResampler(options.inputRate, ASR_SAMPLE_RATE),
      vad: new ChannelVad(options.vad),
      segments: [],
      recognizer:
        engine && sink
          ? new ChannelRecognizer(engine, speaker, {
              onPartial: (text, t) => sink.partial(speaker, text, t),
              onFinal: (utterance) => sink.utterance(utterance),
            })
          : null,
    }));
    this.pending = this.channels.map(() => new Float32Array(0));
    this.echoGate = stereo && options.echo !== false ? new EchoGate(options.echo) : null;
  }

  /** Seconds of call audio processed so far. */
  get time(): number {
    return this.samplesOut / ASR_SAMPLE_RATE;
  }

  /** Feeds one block per channel, all of the same length, at the input rate. */
  push(blocks: Float32Array[]): void {
    if (this.finished) throw new Error('CallAudioPipeline.push: called after finish()');
    this.feed(blocks.map((block, index) => this.channels[index].resampler.process(block)));
  }

  /** Ends the audio: flushes every stage and emits the last utterances. */
  finish(): DetectedSpeech {
    if (!this.finished) {
      this.finished = true;
      this.feed(
        this.channels.map((channel) => channel.resampler.flush()),
        true,
      );
      for (const channel of this.channels) {
        channel.segments.push(...channel.vad.flush());
        channel.recognizer?.finish();
      }
      this.dispose();
    }
    return this.detected();
  }

  /** Speech segments found so far. */
  detected(): DetectedSpeech {
    const [first, second] = this.channels;
    return second ? { rep: first.segments, customer: second.segments } : { mixed: first.segments };
  }

  /** Queues 16 kHz audio and processes it in whole 100 ms blocks (`final`: the rest too). */
  private feed(blocks16k: Float32Array[], final = false): void {
    this.pending = this.pending.map((queued, index) => {
      const block = blocks16k[index];
      const merged = new Float32Array(queued.length + block.length);
      merged.set(queued);
      merged.set(block, queued.length);
      return merged;
    });
    const available = Math.min(...this.pending.map((queued) => queued.length));
    let from = 0;
    // Meters and decisions come every 100 ms of audio, however the input is cut.
    while (available - from >= LEVEL_BLOCK_SAMPLES || (final && from < available)) {
      const to = Math.min(available, from + LEVEL_BLOCK_SAMPLES);
      this.feedBlock(this.pending.map((queued) => queued.subarray(from, to)));
      from = to;
    }
    this.pending = this.pending.map((queued) => queued.slice(from));
  }

  private feedBlock(raw: Float32Array[]): void {
    const heard = this.echoGate ? [this.echoGate.process(raw[0], raw[1]).rep, raw[1]] : raw;
    this.samplesOut += raw[0].length;
    const t = this.time;
    this.channels.forEach((channel, index) => {
      channel.segments.push(...channel.vad.accept(heard[index]));
      if (this.sink && channel.meter) {
        this.sink.level(channel.meter, rmsDbfs(raw[index]), channel.vad.speaking, t);
      }
      channel.recognizer?.accept(heard[index]);
    });
  }

  /** Seconds of rep audio muted as customer echo. */
  get echoMutedSec(): number {
    return this.echoGate?.mutedSec ?? 0;
  }

  dispose(): void {
    this.finished = true;
    for (const channel of this.channels) channel.vad.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
