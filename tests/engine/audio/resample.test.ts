import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { resampleAll, StreamingResampler } from '../../../main/engine/audio/resample';

const require = createRequire(import.meta.url);
const { LinearResampler } = require('sherpa-onnx-node') as {
  LinearResampler: new (from: number, to: number) => { flush(samples: Float32Array): Float32Array };
};

function tone(hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
}

/** Level (dB re full-scale sine amplitude) of the `hz` component over the middle of `x`. */
function componentDb(x: Float32Array, hz: number, rate: number): number {
  const from = Math.floor(x.length * 0.2);
  const to = Math.floor(x.length * 0.8);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return 20 * Math.log10((2 * Math.hypot(re, im)) / (to - from) + 1e-12);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('resampling to 16 kHz', () => {
  it.each([8000, 11_025, 22_050, 32_000, 44_100, 48_000])(
    'keeps a 1 kHz tone at full level from %d Hz',
    (rate) => {
      const out = resampleAll(tone(1000, rate, 1), rate);
      expect(out.length).toBe(16_000);
      expect(componentDb(out, 1000, 16_000)).toBeCloseTo(20 * Math.log10(0.5), 1);
    },
  );

  it('gives the same samples whether the input comes in one piece or in odd-sized blocks', () => {
    const input = tone(440, 44_100, 1.3);
    const whole = resampleAll(input, 44_100);
    const resampler = new StreamingResampler(44_100);
    const parts: Float32Array[] = [];
    for (let i = 0; i < input.length; i += 777)
      parts.push(resampler.process(input.subarray(i, i + 777)));
    parts.push(resampler.flush());
    const streamed = concat(parts);
    expect(streamed.length).toBe(whole.length);
    let maxDiff = 0;
    for (let i = 0; i < whole.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(whole[i] - streamed[i]));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('does not fold a 9 kHz tone from 48 kHz audio into the speech band (unlike LinearResampler)', () => {
    const input = tone(9000, 48_000, 2);
    const ours = componentDb(resampleAll(input, 48_000), 7000, 16_000);
    const linear = componentDb(new LinearResampler(48_000, 16_000).flush(input), 7000, 16_000);
    expect(ours).toBeLessThan(-80);
    expect(linear).toBeGreaterThan(-40);
  });

  it('upsamples 8 kHz telephone audio without a mirror image above 4 kHz', () => {
    const out = resampleAll(tone(3000, 8000, 2), 8000);
    expect(componentDb(out, 3000, 16_000)).toBeGreaterThan(-6.5);
    expect(componentDb(out, 5000, 16_000)).toBeLessThan(-80);
  });

  it('adds no delay: a click stays at the same instant', () => {
    const input = new Float32Array(8000);
    input[4000] = 1;
    const out = resampleAll(input, 8000);
    let peakAt = 0;
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) > Math.abs(out[peakAt])) peakAt = i;
    expect(peakAt).toBe(8000);
  });

  it('passes 16 kHz audio through unchanged', () => {
    const input = tone(500, 16_000, 0.25);
    expect(resampleAll(input, 16_000)).toEqual(input);
  });
});
