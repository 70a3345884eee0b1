/**
 * Suppresses the customer's voice leaking into the rep's microphone (speakerphone or laptop
 * speakers). Without it, voice activity detection and speech recognition on the rep channel
 * hear the customer too and attribute their words to the rep.
 *
 * Method: an energy comparison between the two channels in 20 ms frames. A rep frame is echo
 * when the customer channel, at some moment over the last `maxDelaySec`, was louder than the
 * rep frame by at least `marginDb`. Such frames are muted (with short gain ramps). While both
 * people talk at once the rep's own voice keeps the rep frame loud, so it passes.
 * This is not acoustic echo cancellation: a rep who speaks much more quietly than the customer
 * plays back is muted while the customer talks.
 */
import { ASR_SAMPLE_RATE } from './resample';

export interface EchoGateOptions {
  /** Customer louder than rep by at least this much marks a rep frame as echo. Default 10 dB. */
  marginDb?: number;
  /** Longest echo path (delay plus reverberation) considered, in seconds. Default 0.25 s. */
  maxDelaySec?: number;
  /** Customer frames quieter than this (dBFS) are silence and never cause muting. Default -55. */
  customerFloorDb?: number;
  /** Sample rate of both channels, in Hz. Default 16000. */
  sampleRate?: number;
}

/** RMS level of `samples` in dBFS; -100 for digital silence or an empty block. */
export function rmsDbfs(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  const count = to - from;
  if (count <= 0 || sum === 0) return -100;
  return Math.max(-100, 10 * Math.log10(sum / count));
}

/** Stateful gate over blocks of rep and customer audio fed in lockstep. */
export class EchoGate {
  private readonly sampleRate: number;
  private readonly marginDb: number;
  private readonly customerFloorDb: number;
  private readonly frameSamples: number;
  /** Recent customer frame levels (dBFS), newest last. */
  private readonly customerHistory: number[] = [];
  private readonly historyFrames: number;
  private previousGain = 1;
  /** Seconds of rep audio muted as echo so far. */
  mutedSec = 0;

  constructor(options: EchoGateOptions = {}) {
    const sampleRate = options.sampleRate ?? ASR_SAMPLE_RATE;
    this.marginDb = options.marginDb ?? 10;
    this.customerFloorDb = options.customerFloorDb ?? -55;
    this.frameSamples = Math.round(sampleRate * 0.02);
    this.historyFrames = Math.max(1, Math.ceil((options.maxDelaySec ?? 0.25) / 0.02) + 1);
    this.sampleRate = sampleRate;
  }

  /**
   * Returns the rep block with echo frames muted, and the share of the block that was muted
   * (0..1). Both blocks must cover the same stretch of time.
   */
  process(rep: Float32Array, customer: Float32Array): { rep: Float32Array; echoShare: number } {
    if (rep.length !== customer.length) {
      throw new RangeError(
        `EchoGate.process: rep has ${rep.length} samples, customer ${customer.length}`,
      );
    }
    const out = new Float32Array(rep.length);
    let muted = 0;
    for (let from = 0; from < rep.length; from += this.frameSamples) {
      const to = Math.min(rep.length, from + this.frameSamples);
      this.customerHistory.push(rmsDbfs(customer, from, to));
      if (this.customerHistory.length > this.historyFrames) this.customerHistory.shift();
      const customerDb = Math.max(...this.customerHistory);
      const repDb = rmsDbfs(rep, from, to);
      const echo = customerDb > this.customerFloorDb && customerDb - repDb >= this.marginDb;
      const gain = echo ? 0 : 1;
      if (echo) muted += to - from;

      const span = to - from;
      for (let i = from; i < to; i++) {
        const ramp = this.previousGain + ((gain - this.previousGain) * (i - from + 1)) / span;
        out[i] = rep[i] * ramp;
      }
      this.previousGain = gain;
    }
    this.mutedSec += muted / this.sampleRate;
    return { rep: out, echoShare: rep.length ? muted / rep.length : 0 };
  }
}
