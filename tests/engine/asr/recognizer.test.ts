import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../main/engine/asr/onnx-file';
import {
  ChannelRecognizer,
  createSherpaEngine,
  type RecognizedUtterance,
  tidyRecognizedText,
} from '../../../main/engine/asr/recognizer';
import { FakeAsrEngine } from './fake-asr-engine';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-asr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 16_000;
function burst(seconds: number): Float32Array {
  return Float32Array.from(
    { length: Math.round(RATE * seconds) },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * 300 * i) / RATE),
  );
}
const quiet = (seconds: number) => new Float32Array(Math.round(RATE * seconds));

function feedInBlocks(recognizer: ChannelRecognizer, audio: Float32Array[]): void {
  for (const part of audio) {
    for (let i = 0; i < part.length; i += 1600) recognizer.accept(part.subarray(i, i + 1600));
  }
}

describe('streaming recognition loop (with a fake engine at the binding boundary)', () => {
  it('emits growing partials, then one final per endpoint with call-time start and end', () => {
    const engine = new FakeAsrEngine();
    const partials: Array<[string, number]> = [];
    const finals: RecognizedUtterance[] = [];
    const recognizer = new ChannelRecognizer(
      engine,
      'customer',
      { onPartial: (text, t) => partials.push([text, t]), onFinal: (u) => finals.push(u) },
      10,
    );
    feedInBlocks(recognizer, [quiet(1), burst(1.6), quiet(1.5), burst(0.8), quiet(0.3)]);
    recognizer.finish();

    expect(partials.map(([text]) => text)).toEqual([
      'Word1',
      'Word1 word2',
      'Word1 word2 word3',
      'Word4',
    ]);
    for (let i = 1; i < partials.length; i++)
      expect(partials[i][1]).toBeGreaterThanOrEqual(partials[i - 1][1]);
    expect(finals).toHaveLength(2);
    expect(finals[0]).toMatchObject({ speaker: 'customer', text: 'Word1 word2 word3' });
    expect(finals[0].start).toBeGreaterThan(10.8);
    expect(finals[0].start).toBeLessThan(11.4);
    expect(finals[0].end).toBeGreaterThan(12.2);
    expect(finals[0].end).toBeLessThan(13.0);
    // The second utterance is still open when the audio ends: finish() delivers it.
    expect(finals[1]).toMatchObject({ text: 'Word4' });
    expect(finals[1].start).toBeGreaterThan(finals[0].end);
    expect(engine.calls.filter((c) => c.startsWith('reset'))).toHaveLength(1);
  });

  it('emits nothing for silence', () => {
    const engine = new FakeAsrEngine();
    const events: string[] = [];
    const recognizer = new ChannelRecognizer(engine, 'rep', {
      onPartial: (text) => events.push(text),
      onFinal: (u) => events.push(u.text),
    });
    feedInBlocks(recognizer, [quiet(5)]);
    recognizer.finish();
    expect(events).toEqual([]);
  });

  it('turns the all-caps model output into readable text', () => {
    expect(tidyRecognizedText(' WE  ARE LOOKING AT HELIX  ')).toBe('We are looking at helix');
    expect(tidyRecognizedText("I THINK I'M READY 我们下周二见")).toBe(
      "I think I'm ready 我们下周二见",
    );
    expect(tidyRecognizedText('你好')).toBe('你好');
  });
});

describe('building the real sherpa-onnx recognizer', () => {
  const paths = {
    encoder: path.join(dir, 'encoder.onnx'),
    decoder: path.join(dir, 'decoder.onnx'),
    joiner: path.join(dir, 'joiner.onnx'),
    tokens: path.join(dir, 'tokens.txt'),
  };

  it('the binding itself only says "Please check your config!" for a missing model', () => {
    const { OnlineRecognizer } = require('sherpa-onnx-node') as {
      OnlineRecognizer: new (c: object) => unknown;
    };
    expect(
      () =>
        new OnlineRecognizer({
          featConfig: { sampleRate: 16000, featureDim: 80 },
          modelConfig: { transducer: paths, tokens: paths.tokens, numThreads: 1, debug: 0 },
        }),
    ).toThrow('Please check your config!');
  });

  it('names the missing file and the command that installs the model', () => {
    const attempt = () => createSherpaEngine(paths, { fix: 'Run: cuecard models pull test-model' });
    expect(attempt).toThrow(ModelFileError);
    expect(attempt).toThrow(
      `ASR tokens file ${paths.tokens} does not exist. Run: cuecard models pull test-model`,
    );
    writeFileSync(paths.tokens, '<blk> 0\n');
    expect(attempt).toThrow(`ASR encoder ${paths.encoder} does not exist`);
  });

  it('refuses a damaged model file instead of letting onnxruntime abort the process', () => {
    writeFileSync(paths.tokens, '<blk> 0\n');
    writeFileSync(paths.encoder, '<html>404 Not Found</html>');
    expect(() => createSherpaEngine(paths)).toThrow(
      `ASR encoder ${paths.encoder} is not an ONNX model`,
    );
  });
});
