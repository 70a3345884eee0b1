import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import { ModelMissingError } from '../../../main/engine/asr/models';
import {
  type DetectedSpeech,
  detectSpeech,
  RecordingSource,
} from '../../../main/engine/audio/recording-source';
import { resampleAll } from '../../../main/engine/audio/resample';
import { scoreSegments } from '../../../main/engine/audio/segment-score';
import type { SpeechSegment } from '../../../main/engine/audio/vad';
import {
  AudioFormatError,
  encodeWav,
  readWavBlocks,
  readWavInfo,
} from '../../../main/engine/audio/wav';
import type { CallSourceSink, SourceUtterance } from '../../../main/engine/session/source';
import { describeWithShared, sharedPath } from '../../helpers/shared';
import { FakeAsrEngine } from '../asr/fake-asr-engine';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-recording-'));
const emptyModels = { modelsDir: path.join(dir, 'no-models') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Turn {
  speaker: Speaker;
  start_s: number;
  end_s: number;
}
const turnsOf = (name: string): Turn[] =>
  JSON.parse(readFileSync(sharedPath('fixtures/calls', `${name}.truth.json`), 'utf8')).turns;
const spans = (turns: Turn[], speaker: Speaker): SpeechSegment[] =>
  turns.filter((t) => t.speaker === speaker).map((t) => ({ start: t.start_s, end: t.end_s }));

/** Boundary tolerance against the script's turn times, in seconds. */
const TOLERANCE_SEC = 0.5;

function expectChannelMatches(
  found: SpeechSegment[],
  reference: SpeechSegment[],
  label: string,
): void {
  const score = scoreSegments(found, reference);
  for (const span of score.spans) {
    const where = `${label} turn ${span.reference.start}-${span.reference.end}`;
    expect(span.found, `${where}: no speech found`).not.toBeNull();
    expect(Math.abs(span.startError as number), `${where}: start`).toBeLessThan(TOLERANCE_SEC);
    expect(Math.abs(span.endError as number), `${where}: end`).toBeLessThan(TOLERANCE_SEC);
    expect(span.coverage, `${where}: coverage`).toBeGreaterThan(0.6);
  }
  expect(score.falseAlarms, `${label}: speech where the script has none`).toEqual([]);
}

function stereo(found: DetectedSpeech): { rep: SpeechSegment[]; customer: SpeechSegment[] } {
  if (!('rep' in found)) throw new Error('expected a stereo result');
  return found;
}

class RecordingSink implements CallSourceSink {
  partials: Array<{ speaker: Speaker; text: string; t: number }> = [];
  utterances: SourceUtterance[] = [];
  levels: Array<{ channel: 'rep' | 'customer'; rmsDb: number; speech: boolean; t: number }> = [];
  problems: string[] = [];
  fatalProblems = 0;
  partial(speaker: Speaker, text: string, t: number) {
    this.partials.push({ speaker, text, t });
  }
  utterance(utterance: SourceUtterance) {
    this.utterances.push(utterance);
  }
  level(channel: 'rep' | 'customer', rmsDb: number, speech: boolean, t: number) {
    this.levels.push({ channel, rmsDb, speech, t });
  }
  problem(code: string, message: string, fatal: boolean) {
    this.problems.push(`${code}: ${message}`);
    if (fatal) this.fatalProblems++;
  }
  get eventCount() {
    return (
      this.partials.length + this.utterances.length + this.levels.length + this.problems.length
    );
  }
}

const run = (
  source: RecordingSource,
  sink: CallSourceSink,
  realtime = false,
  signal = new AbortController().signal,
) => source.run(sink, { realtime, signal });

describeWithShared('speech found in the shared call recordings', () => {
  it.each(['en-medtech-pump', 'zh-medtech-pump', 'en-medtech-pump-echo'])(
    '%s: rep turns on channel 0 and customer turns on channel 1, at the script times',
    async (name) => {
      const found = stereo(await detectSpeech(sharedPath('fixtures/calls', `${name}.wav`)));
      const turns = turnsOf(name);
      expectChannelMatches(found.rep, spans(turns, 'rep'), 'rep');
      expectChannelMatches(found.customer, spans(turns, 'customer'), 'customer');
    },
  );

  it('hears the customer echo on the rep microphone when echo suppression is off', async () => {
    const found = stereo(
      await detectSpeech(sharedPath('fixtures/calls/en-medtech-pump-echo.wav'), {
        echoSuppression: false,
      }),
    );
    const score = scoreSegments(found.rep, spans(turnsOf('en-medtech-pump-echo'), 'rep'));
    // Without the gate, most customer turns show up as rep speech: this is what the gate fixes.
    expect(score.falseAlarms.length).toBeGreaterThanOrEqual(7);
  });

  it('finds the same turns in an 8 kHz copy of the call (telephone rate)', async () => {
    const source = sharedPath('fixtures/calls/en-medtech-pump.wav');
    const info = await readWavInfo(source);
    const channels: Float32Array[][] = [[], []];
    for await (const block of readWavBlocks(info))
      block.channels.forEach((s, c) => {
        channels[c].push(s);
      });
    const joined = channels.map((parts) => {
      const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        all.set(p, offset);
        offset += p.length;
      }
      return resampleAll(all, 16_000, 8000);
    });
    const narrow = path.join(dir, 'call-8k.wav');
    writeFileSync(narrow, encodeWav(joined, 8000));

    const found = stereo(await detectSpeech(narrow));
    const turns = turnsOf('en-medtech-pump');
    expectChannelMatches(found.rep, spans(turns, 'rep'), 'rep');
    expectChannelMatches(found.customer, spans(turns, 'customer'), 'customer');
  });
});

describeWithShared('a recording as a call source', () => {
  it('without an ASR model: reports the speech per channel, then names the pull command', async () => {
    let reported: DetectedSpeech | null = null;
    const sink = new RecordingSink();
    const source = new RecordingSource(sharedPath('fixtures/calls/en-medtech-pump.wav'), {
      modelStore: emptyModels,
      onVadSegments: (found) => {
        reported = found;
      },
    });
    const attempt = run(source, sink);
    await expect(attempt).rejects.toBeInstanceOf(ModelMissingError);
    await expect(attempt).rejects.toThrow(
      'Run: cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
    );
    const found = stereo(reported as unknown as DetectedSpeech);
    expect(found.rep.length).toBeGreaterThanOrEqual(8);
    expect(found.customer.length).toBeGreaterThanOrEqual(9);
    expect(sink.utterances).toEqual([]);
  });

  it('asks for the English model when the call is English and an English-only model is named', async () => {
    const source = new RecordingSource(
      sharedPath('fixtures/speech/derived-librivox5-concat-1s-gaps.wav'),
      {
        modelStore: emptyModels,
        asrModel: 'sherpa-onnx-streaming-zipformer-en-2023-06-26',
        lang: 'en',
      },
    );
    await expect(run(source, new RecordingSink())).rejects.toThrow(
      'cuecard models pull sherpa-onnx-streaming-zipformer-en-2023-06-26',
    );
  });

  it('streams both channels through the recognizer: finals per speaker, partials and levels', async () => {
    const requested: string[] = [];
    const sink = new RecordingSink();
    const source = new RecordingSource(sharedPath('fixtures/calls/en-medtech-pump-echo.wav'), {
      lang: 'en',
      modelStore: emptyModels,
      recognizerFactory: ({ model }) => {
        requested.push(model);
        return new FakeAsrEngine();
      },
    });
    const started = performance.now();
    await run(source, sink);
    const seconds = (performance.now() - started) / 1000;
    expect(requested).toEqual(['sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20']);
    expect(seconds).toBeLessThan(30);

    const turns = turnsOf('en-medtech-pump-echo');
    for (const turn of turns) {
      const heard = sink.utterances.some(
        (u) => u.speaker === turn.speaker && u.start < turn.end_s && u.end > turn.start_s,
      );
      expect(heard, `${turn.speaker} turn at ${turn.start_s} s`).toBe(true);
    }
    for (const utterance of sink.utterances) {
      const middle = (utterance.start + utterance.end) / 2;
      const turn = turns.find((t) => t.start_s - 0.5 <= middle && middle <= t.end_s + 0.5);
      // Echo of the customer on the rep microphone must not become rep utterances.
      expect(
        turn?.speaker,
        `${utterance.speaker} "${utterance.text}" at ${middle.toFixed(2)} s`,
      ).toBe(utterance.speaker);
    }
    for (const speaker of ['rep', 'customer'] as const) {
      expect(sink.utterances.some((u) => u.speaker === speaker)).toBe(true);
      expect(sink.partials.some((p) => p.speaker === speaker)).toBe(true);
    }

    const duration = (await readWavInfo(sharedPath('fixtures/calls/en-medtech-pump-echo.wav')))
      .durationSec;
    for (const channel of ['rep', 'customer'] as const) {
      const levels = sink.levels.filter((l) => l.channel === channel);
      expect(levels.length).toBeGreaterThan(duration * 9.5);
      expect(levels.length).toBeLessThan(duration * 10.5);
      const speaking = levels.filter((l) => l.speech);
      const silent = levels.filter((l) => !l.speech);
      expect(speaking.length).toBeGreaterThan(levels.length * 0.2);
      expect(Math.min(...speaking.map((l) => l.rmsDb))).toBeGreaterThan(-70);
      expect(silent.length).toBeGreaterThan(levels.length * 0.2);
    }
    // The first customer turn (7.1-11.53 s) shows as speech on the customer meter, not the rep's.
    const at9 = sink.levels.filter((l) => Math.abs(l.t - 9) < 0.05);
    expect(at9.find((l) => l.channel === 'customer')?.speech).toBe(true);
    expect(at9.find((l) => l.channel === 'rep')?.speech).toBe(false);
  });

  it('rejects an unreadable file before emitting anything or loading a model', async () => {
    const bad = path.join(dir, 'float.wav');
    const wav = encodeWav([new Float32Array(1600)], 16_000);
    wav.writeUInt16LE(3, 20);
    wav.writeUInt16LE(32, 34);
    writeFileSync(bad, wav);
    let factoryCalls = 0;
    const sink = new RecordingSink();
    const source = new RecordingSource(bad, {
      recognizerFactory: () => {
        factoryCalls++;
        return new FakeAsrEngine();
      },
    });
    await expect(run(source, sink)).rejects.toBeInstanceOf(AudioFormatError);
    await expect(run(source, sink)).rejects.toThrow(
      /float.wav: audio is 32\/64-bit floating point/,
    );
    expect(sink.eventCount).toBe(0);
    expect(factoryCalls).toBe(0);
  });
});

describe('pacing of a recording', () => {
  const file = path.join(dir, 'short.wav');
  const tone = Float32Array.from(
    { length: 24_000 },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 200 * i) / 16_000),
  );
  writeFileSync(file, encodeWav([tone, new Float32Array(tone.length)], 16_000));
  const fake = { recognizerFactory: () => new FakeAsrEngine() };

  it('plays at the pace of the call in real time, and as fast as possible otherwise', async () => {
    let started = performance.now();
    await run(new RecordingSource(file, fake), new RecordingSink(), true);
    expect(performance.now() - started).toBeGreaterThan(1300);
    started = performance.now();
    await run(new RecordingSource(file, fake), new RecordingSink(), false);
    expect(performance.now() - started).toBeLessThan(1300);
  });

  it('stops promptly when the call is stopped', async () => {
    const controller = new AbortController();
    const sink = new RecordingSink();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    await run(new RecordingSource(file, fake), sink, true, controller.signal);
    expect(performance.now() - started).toBeLessThan(800);
    expect(Math.max(...sink.levels.map((l) => l.t))).toBeLessThan(0.8);
  });

  it('plays a recording cut short by a crashed recorder as far as it goes, after a warning', async () => {
    const whole = encodeWav([tone, new Float32Array(tone.length)], 16_000);
    const cut = path.join(dir, 'crashed.wav');
    writeFileSync(cut, whole.subarray(0, 44 + 24_000)); // 0.375 s of 1.5 s survive
    const sink = new RecordingSink();
    await run(new RecordingSource(cut, fake), sink);
    expect(sink.problems).toEqual([
      expect.stringMatching(
        /^recording_incomplete: crashed\.wav: the recording is cut short: .* playing the 0\.38 s that are there \(1\.13 s missing\)$/,
      ),
    ]);
    expect(sink.fatalProblems).toBe(0);
    const lastLevel = Math.max(...sink.levels.map((l) => l.t));
    expect(lastLevel).toBeGreaterThan(0.3);
    expect(lastLevel).toBeLessThan(0.5);
  });
});
