/**
 * A stand-in for the sherpa-onnx binding that recognises nothing: it "hears" a word for every
 * 0.5 s of loud audio (named word1, word2, ... per stream) and reports an endpoint after 0.8 s
 * of quiet following a word. It lets the streaming loop be tested without a speech model.
 */
import type { AsrEngine, AsrResult } from '../../../main/engine/asr/recognizer';

const RATE = 16_000;
/** The binding decodes in chunks; samples wait until a chunk is complete. */
const CHUNK = 0.32 * RATE;

export interface FakeStream {
  id: number;
  pending: Float32Array[];
  pendingSamples: number;
  /** Samples decoded since the last reset. */
  decoded: number;
  loudRun: number;
  quietRun: number;
  words: string[];
  timestamps: number[];
  finished: boolean;
}

export class FakeAsrEngine implements AsrEngine<FakeStream> {
  private nextId = 0;
  private wordCount = 0;
  readonly calls: string[] = [];
  lang = undefined;

  createStream(): FakeStream {
    return {
      id: this.nextId++,
      pending: [],
      pendingSamples: 0,
      decoded: 0,
      loudRun: 0,
      quietRun: 0,
      words: [],
      timestamps: [],
      finished: false,
    };
  }
  acceptWaveform(stream: FakeStream, samples: Float32Array): void {
    stream.pending.push(samples.slice());
    stream.pendingSamples += samples.length;
  }
  inputFinished(stream: FakeStream): void {
    stream.finished = true;
  }
  isReady(stream: FakeStream): boolean {
    return stream.pendingSamples >= CHUNK || (stream.finished && stream.pendingSamples > 0);
  }
  decode(stream: FakeStream): void {
    this.calls.push(`decode:${stream.id}`);
    const all = new Float32Array(stream.pendingSamples);
    let offset = 0;
    for (const part of stream.pending) {
      all.set(part, offset);
      offset += part.length;
    }
    const take = Math.min(all.length, CHUNK);
    for (let i = 0; i < take; i += 160) {
      let energy = 0;
      for (let j = i; j < Math.min(take, i + 160); j++) energy += all[j] * all[j];
      const loud = energy / 160 > 1e-4;
      if (loud) {
        stream.loudRun += 160;
        stream.quietRun = 0;
        if (stream.loudRun >= RATE / 2) {
          stream.loudRun = 0;
          stream.words.push(`WORD${++this.wordCount}`);
          stream.timestamps.push((stream.decoded + i) / RATE - 0.5);
        }
      } else {
        stream.quietRun += 160;
      }
    }
    stream.decoded += take;
    const rest = all.subarray(take);
    stream.pending = rest.length ? [rest] : [];
    stream.pendingSamples = rest.length;
  }
  getResult(stream: FakeStream): AsrResult {
    return { text: stream.words.join(' '), timestamps: [...stream.timestamps] };
  }
  isEndpoint(stream: FakeStream): boolean {
    return stream.words.length > 0 && stream.quietRun >= 0.8 * RATE;
  }
  reset(stream: FakeStream): void {
    this.calls.push(`reset:${stream.id}`);
    stream.decoded = 0;
    stream.loudRun = 0;
    stream.quietRun = 0;
    stream.words = [];
    stream.timestamps = [];
  }
}
