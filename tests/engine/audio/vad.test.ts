import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EchoGate, rmsDbfs } from '../../../main/engine/audio/echo';
import { detectSpeech } from '../../../main/engine/audio/recording-source';
import { scoreSegments } from '../../../main/engine/audio/segment-score';
import {
  ChannelVad,
  packagedVadModelPath,
  resolveVadModel,
  VadModelError,
} from '../../../main/engine/audio/vad';
import { describeWithShared, sharedPath } from '../../helpers/shared';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-vad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finding the Silero VAD model', () => {
  afterEach(() => {
    delete process.env.CUECARD_VAD_MODEL;
  });

  it('uses the model shipped by the npm package by default', () => {
    const packaged = packagedVadModelPath();
    expect(packaged).not.toBeNull();
    expect(existsSync(packaged as string)).toBe(true);
    expect(resolveVadModel()).toBe(packaged);
  });

  it('names the missing path and the fix instead of running a detector that hears nothing', () => {
    const missing = path.join(dir, 'nowhere', 'silero.onnx');
    expect(() => new ChannelVad({ model: missing })).toThrow(VadModelError);
    expect(() => resolveVadModel(missing)).toThrow(`Silero VAD model ${missing} does not exist`);
    expect(() => resolveVadModel(missing)).toThrow(/Set CUECARD_VAD_MODEL .* @jjhbw\/silero-vad/);
  });

  it('refuses a file that is not an ONNX model before the native code can abort the process', () => {
    const bogus = path.join(dir, 'bogus.onnx');
    writeFileSync(bogus, 'this is not a model\n');
    expect(() => new ChannelVad({ model: bogus })).toThrow(/is not an ONNX model/);
  });

  it('takes the model path from CUECARD_VAD_MODEL', () => {
    process.env.CUECARD_VAD_MODEL = path.join(dir, 'from-env.onnx');
    expect(() => resolveVadModel()).toThrow(/from-env.onnx does not exist/);
  });
});

describe('echo gate', () => {
  const rate = 16_000;
  const voice = (amplitude: number, seconds: number, hz = 220) =>
    Float32Array.from(
      { length: rate * seconds },
      (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
    );

  it('mutes the rep channel while it only carries the customer 16 dB down, and keeps real rep speech', () => {
    const customer = voice(0.3, 1);
    const leak = customer.map((v) => v * 10 ** (-16 / 20));
    const gate = new EchoGate();
    const echoOnly = gate.process(leak, customer);
    expect(rmsDbfs(echoOnly.rep.subarray(800))).toBe(-100);
    expect(echoOnly.echoShare).toBeGreaterThan(0.9);

    const repSpeech = voice(0.3, 1, 170);
    const doubleTalk = gate.process(
      repSpeech.map((v, i) => v + leak[i]),
      customer,
    );
    expect(doubleTalk.echoShare).toBe(0);
    const alone = gate.process(repSpeech, new Float32Array(rate));
    expect(alone.echoShare).toBe(0);
    expect(rmsDbfs(alone.rep.subarray(rate * 0.3))).toBeCloseTo(rmsDbfs(repSpeech), 1);
  });
});

/** Speech spans of the librivox concatenation, from the shared README. */
const LIBRIVOX_SPANS = [
  { start: 0, end: 7.1 },
  { start: 8.1, end: 11.09 },
  { start: 12.09, end: 17.39 },
  { start: 18.39, end: 24.44 },
  { start: 25.44, end: 28.73 },
];
const TOLERANCE_SEC = 0.5;

describeWithShared('voice activity detection on real speech', () => {
  it('finds the five read passages of the librivox file and the gaps between them', async () => {
    const found = await detectSpeech(
      sharedPath('fixtures/speech/derived-librivox5-concat-1s-gaps.wav'),
    );
    if (!('mixed' in found)) throw new Error('expected a mono result');
    expect(found.mixed).toHaveLength(5);
    const score = scoreSegments(found.mixed, LIBRIVOX_SPANS);
    for (const span of score.spans) {
      expect(Math.abs(span.startError as number)).toBeLessThan(TOLERANCE_SEC);
      expect(Math.abs(span.endError as number)).toBeLessThan(TOLERANCE_SEC);
    }
    expect(score.falseAlarms).toEqual([]);
  });

  it('runs the packaged model, which is the official Silero v5 export kept in shared/', () => {
    const packaged = readFileSync(packagedVadModelPath() as string);
    const shared = readFileSync(sharedPath('models/silero-vad/silero_vad_v5.onnx'));
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(digest(packaged)).toBe(digest(shared));
  });
});
