/**
 * Band-limited sample-rate conversion for one channel, streaming across blocks.
 *
 * A Kaiser-windowed sinc low-pass evaluated at the exact output instants (polyphase table when
 * the rate ratio reduces to at most `MAX_TABLE_PHASES` phases, exact evaluation otherwise).
 * The cut-off sits just below the lower of the two Nyquist frequencies, so downsampling does not
 * fold high frequencies back into the speech band and upsampling (8 kHz telephone audio to
 * 16 kHz) leaves no spectral images. sherpa-onnx's `LinearResampler` interpolates linearly
 * between neighbours without any anti-aliasing filter, which lets those aliases through.
 * The filter is symmetric around each output instant: output sample n is at input time
 * n * inputRate / outputRate, with no added delay.
 */

/** Speech models in Cuecard expect this rate, in Hz. */
export const ASR_SAMPLE_RATE = 16_000;

export interface ResamplerOptions {
  /** Sinc zero crossings on each side of the centre, at the lower rate. Default 16. */
  zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency. Default 0.92. */
  rolloff?: number;
  /** Kaiser window shape; 8.5 gives about 80 dB of stop-band attenuation. */
  kaiserBeta?: number;
}

const MAX_TABLE_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series expansion). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** Converts a stream of samples from `inputRate` to `outputRate` (Hz). One instance per channel. */
export class StreamingResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Output instants advance by `step / upFactor` input samples. */
  private readonly upFactor: number;
  private readonly step: number;
  /** Half the filter length, in input samples. */
  private readonly halfTaps: number;
  private readonly cutoff: number;
  private readonly kaiserBeta: number;
  private readonly kaiserNorm: number;
  /** `upFactor` rows of `2 * halfTaps` coefficients, or null to evaluate them on the fly. */
  private readonly table: Float32Array[] | null;

  /** Input samples kept, the first at absolute input index `historyStart`. */
  private history = new Float32Array(0);
  private historyStart: number;
  private inputCount = 0;
  private outputIndex = 0;
  private flushed = false;

  constructor(
    inputRate: number,
    outputRate: number = ASR_SAMPLE_RATE,
    options: ResamplerOptions = {},
  ) {
    if (
      !Number.isInteger(inputRate) ||
      !Number.isInteger(outputRate) ||
      inputRate <= 0 ||
      outputRate <= 0
    ) {
      throw new RangeError(
        `sample rates must be positive integers (got ${inputRate} -> ${outputRate})`,
      );
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = gcd(inputRate, outputRate);
    this.upFactor = outputRate / divisor;
    this.step = inputRate / divisor;

    const rolloff = options.rolloff ?? 0.92;
    this.cutoff = Math.min(1, outputRate / inputRate) * rolloff;
    const zeroCrossings = options.zeroCrossings ?? 16;
    this.halfTaps = Math.ceil(zeroCrossings / this.cutoff);
    this.kaiserBeta = options.kaiserBeta ?? 8.5;
    this.kaiserNorm = besselI0(this.kaiserBeta);
    // Pretend silence came before the first sample so the first outputs have full support.
    this.historyStart = -this.halfTaps;
    this.history = new Float32Array(this.halfTaps);

    if (inputRate === outputRate || this.upFactor > MAX_TABLE_PHASES) this.table = null;
    else {
      this.table = [];
      for (let phase = 0; phase < this.upFactor; phase++) {
        this.table.push(this.coefficients(phase / this.upFactor));
      }
    }
  }

  /** Filter taps for an output instant `fraction` (0..1) past input sample `i`, for i-h+1..i+h. */
  private coefficients(fraction: number): Float32Array {
    const taps = new Float32Array(2 * this.halfTaps);
    for (let k = 0; k < taps.length; k++) {
      const distance = k - this.halfTaps + 1 - fraction;
      const x = this.cutoff * distance;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = distance / this.halfTaps;
      const window =
        Math.abs(r) >= 1 ? 0 : besselI0(this.kaiserBeta * Math.sqrt(1 - r * r)) / this.kaiserNorm;
      taps[k] = this.cutoff * sinc * window;
    }
    return taps;
  }

  /** Resamples the next block. Returns the output samples that are now complete. */
  process(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('StreamingResampler.process: called after flush()');
    if (this.inputRate === this.outputRate) {
      this.inputCount += input.length;
      return input.slice();
    }
    this.append(input);
    this.inputCount += input.length;
    return this.produce(this.historyStart + this.history.length);
  }

  /** Ends the stream: returns the remaining output, computed as if silence followed. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    if (this.inputRate === this.outputRate) return new Float32Array(0);
    this.append(new Float32Array(this.halfTaps + 1));
    const totalOutputs = Math.ceil((this.inputCount * this.upFactor) / this.step);
    return this.produce(this.historyStart + this.history.length, totalOutputs);
  }

  private append(input: Float32Array): void {
    const merged = new Float32Array(this.history.length + input.length);
    merged.set(this.history);
    merged.set(input, this.history.length);
    this.history = merged;
  }

  /** Computes outputs whose filter support ends before input index `availableEnd`. */
  private produce(availableEnd: number, limit = Number.POSITIVE_INFINITY): Float32Array {
    const outputs: number[] = [];
    const taps = 2 * this.halfTaps;
    for (;;) {
      if (this.outputIndex >= limit) break;
      const numerator = this.outputIndex * this.step;
      const centre = Math.floor(numerator / this.upFactor);
      const first = centre - this.halfTaps + 1;
      if (first + taps > availableEnd) break;
      const phase = numerator - centre * this.upFactor;
      const coefficients = this.table
        ? this.table[phase]
        : this.coefficients(phase / this.upFactor);
      let sum = 0;
      const offset = first - this.historyStart;
      for (let k = 0; k < taps; k++) sum += coefficients[k] * this.history[offset + k];
      outputs.push(sum);
      this.outputIndex++;
    }

    // Keep only the history the next output still needs.
    const nextCentre = Math.floor((this.outputIndex * this.step) / this.upFactor);
    const keepFrom = nextCentre - this.halfTaps + 1;
    const drop = keepFrom - this.historyStart;
    const dropped = Math.min(drop, this.history.length);
    if (dropped > 0) {
      this.history = this.history.slice(dropped);
      this.historyStart += dropped;
    }
    return Float32Array.from(outputs);
  }
}

/** Resamples a whole buffer at once (for tests and short clips). */
export function resampleAll(
  input: Float32Array,
  inputRate: number,
  outputRate = ASR_SAMPLE_RATE,
): Float32Array {
  const resampler = new StreamingResampler(inputRate, outputRate);
  const head = resampler.process(input);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
