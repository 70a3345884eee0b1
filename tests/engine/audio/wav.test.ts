import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AudioFormatError,
  encodeWav,
  readWavBlocks,
  readWavInfo,
} from '../../../main/engine/audio/wav';
import { describeWithShared, sharedPath } from '../../helpers/shared';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function ramp(length: number, scale: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => ((((i * 37) % 200) - 100) / 100) * scale);
}

/** A RIFF file from raw chunks, with even padding after odd-sized chunks. */
function riff(chunks: Array<[string, Buffer]>, riffSize?: number): Buffer {
  const parts: Buffer[] = [];
  for (const [id, body] of chunks) {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    parts.push(header, body);
    if (body.length % 2) parts.push(Buffer.alloc(1));
  }
  const content = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(riffSize ?? content.length + 4, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, content]);
}

function fmtChunk(code: number, channels: number, rate: number, bits: number): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(code, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(rate, 4);
  body.writeUInt32LE((rate * channels * bits) / 8, 8);
  body.writeUInt16LE((channels * bits) / 8, 12);
  body.writeUInt16LE(bits, 14);
  return body;
}

function extensibleFmt(subFormat: number, channels: number, rate: number, bits: number): Buffer {
  const body = Buffer.alloc(40);
  fmtChunk(0xfffe, channels, rate, bits).copy(body);
  body.writeUInt16LE(22, 16);
  body.writeUInt16LE(bits, 18);
  body.writeUInt32LE(channels === 2 ? 3 : 4, 20);
  body.writeUInt16LE(subFormat, 24);
  Buffer.from('000000001000800000aa00389b71', 'hex').copy(body, 26);
  return body;
}

const pcm16 = (samples: number[]) => Buffer.from(Int16Array.from(samples).buffer);

async function readAll(file: string, blockFrames = 1000): Promise<Float32Array[]> {
  const info = await readWavInfo(file);
  const out = Array.from({ length: info.channels }, () => [] as number[]);
  for await (const block of readWavBlocks(info, { blockFrames })) {
    expect(block.channels[0].length).toBeLessThanOrEqual(blockFrames);
    block.channels.forEach((samples, c) => {
      out[c].push(...samples);
    });
  }
  return out.map((values) => Float32Array.from(values));
}

describe('reading WAV recordings', () => {
  it('reads a 16-bit stereo file in blocks, channel 0 and 1 kept apart', async () => {
    const rep = ramp(4410, 0.5);
    const customer = ramp(4410, -0.25);
    const file = write('stereo.wav', encodeWav([rep, customer], 44_100));
    const info = await readWavInfo(file);
    expect(info).toMatchObject({ sampleRate: 44_100, channels: 2, frames: 4410 });
    expect(info.durationSec).toBeCloseTo(0.1, 6);
    const [left, right] = await readAll(file, 1000);
    expect(left.length).toBe(4410);
    for (let i = 0; i < 4410; i += 97) {
      expect(left[i]).toBeCloseTo(rep[i], 3);
      expect(right[i]).toBeCloseTo(customer[i], 3);
    }
  });

  it('reads 8 kHz mono telephone audio', async () => {
    const file = write('mono8k.wav', encodeWav([ramp(800, 0.9)], 8000));
    expect(await readWavInfo(file)).toMatchObject({ sampleRate: 8000, channels: 1, frames: 800 });
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE with a PCM subformat, odd-sized LIST chunks and padding', async () => {
    const file = write(
      'extensible.wav',
      riff([
        ['fmt ', extensibleFmt(1, 2, 16_000, 16)],
        ['LIST', Buffer.from('INFOISFT\x05\x00\x00\x00sox\x00\x00', 'latin1').subarray(0, 15)],
        ['data', pcm16([1000, -1000, 2000, -2000, 3000, -3000])],
      ]),
    );
    const [left, right] = await readAll(file);
    expect(Array.from(left, (v) => Math.round(v * 32768))).toEqual([1000, 2000, 3000]);
    expect(Array.from(right, (v) => Math.round(v * 32768))).toEqual([-1000, -2000, -3000]);
  });

  const rejects: Array<[string, Buffer, RegExp]> = [
    ['empty', Buffer.alloc(0), /the file is empty/],
    [
      'not RIFF',
      Buffer.from('ID3\x03 this is an mp3 file really', 'latin1'),
      /not a RIFF\/WAVE file/,
    ],
    [
      '8-bit',
      riff([
        ['fmt ', fmtChunk(1, 1, 8000, 8)],
        ['data', Buffer.alloc(100, 128)],
      ]),
      /8-bit PCM/,
    ],
    [
      '24-bit',
      riff([
        ['fmt ', fmtChunk(1, 2, 48_000, 24)],
        ['data', Buffer.alloc(60)],
      ]),
      /24-bit PCM/,
    ],
    [
      'float',
      riff([
        ['fmt ', fmtChunk(3, 1, 48_000, 32)],
        ['data', Buffer.alloc(64)],
      ]),
      /floating point/,
    ],
    [
      'float in EXTENSIBLE',
      riff([
        ['fmt ', extensibleFmt(3, 2, 48_000, 32)],
        ['data', Buffer.alloc(64)],
      ]),
      /floating point/,
    ],
    [
      '3 channels',
      riff([
        ['fmt ', fmtChunk(1, 3, 16_000, 16)],
        ['data', Buffer.alloc(60)],
      ]),
      /3 channels/,
    ],
    [
      'header only',
      riff([
        ['fmt ', fmtChunk(1, 1, 16_000, 16)],
        ['data', Buffer.alloc(1000)],
      ]).subarray(0, 44),
      /the data chunk holds no audio/,
    ],
    ['no data', riff([['fmt ', fmtChunk(1, 1, 16_000, 16)]]), /no data chunk/],
    [
      'data without audio',
      riff([
        ['fmt ', fmtChunk(1, 1, 16_000, 16)],
        ['data', Buffer.alloc(0)],
      ]),
      /no audio/,
    ],
  ];
  it.each(rejects)(
    'rejects %s audio with an error naming the file, the problem and what works',
    async (name, bytes, problem) => {
      const file = write(`${name.replace(/\s/g, '-')}.wav`, bytes);
      const attempt = readWavInfo(file);
      await expect(attempt).rejects.toBeInstanceOf(AudioFormatError);
      await expect(readWavInfo(file)).rejects.toThrow(problem);
      await expect(readWavInfo(file)).rejects.toThrow(path.basename(file));
      await expect(readWavInfo(file)).rejects.toThrow(/supported: RIFF\/WAVE, 16-bit integer PCM/);
    },
  );
});

/** A mono 16 kHz file whose data chunk size field says `declared`, followed by `present`. */
function withDataSize(declared: number, present: Buffer, channels = 1): Buffer {
  const bytes = riff([
    ['fmt ', fmtChunk(1, channels, 16_000, 16)],
    ['data', present],
  ]);
  bytes.writeUInt32LE(declared, 40);
  // riff() pads an odd chunk; a recorder that stopped mid-sample leaves no pad.
  return present.length % 2 ? bytes.subarray(0, bytes.length - 1) : bytes;
}

describe('recordings whose data size does not fit the file', () => {
  const samples = [5, 6, 7, 8, 9];
  const audio = pcm16(samples);
  const halfSecond = Array.from({ length: 8000 }, (_, i) => (i % 200) - 100);
  const cases: Array<[string, Buffer, number[], RegExp[]]> = [
    [
      'cut short by a crashed recorder',
      withDataSize(32_000, pcm16(halfSecond)),
      halfSecond,
      [
        new RegExp(
          'the recording is cut short: the data chunk declares 32000 bytes \\(1\\.00 s\\) but ' +
            'only 16000 are present; playing the 0\\.50 s that are there \\(0\\.50 s missing\\)',
        ),
      ],
    ],
    [
      'one byte short',
      withDataSize(10, audio.subarray(0, 9)),
      [5, 6, 7, 8],
      [/declares 10 bytes .* only 9 are present/, /ignoring the last 1 byte\(s\)/],
    ],
    ['left at size 0', withDataSize(0, audio), samples, [/did not finish .*still 0\)/]],
    [
      'left at size 0xFFFFFFFF',
      withDataSize(0xffffffff, audio),
      samples,
      [/did not finish .*still 0xFFFFFFFF\)/],
    ],
    [
      'smaller than the audio that follows',
      withDataSize(4, audio),
      samples,
      [/declares 4 bytes .* but 6 more bytes of audio follow it/],
    ],
    [
      'not a whole number of frames',
      withDataSize(10, audio, 2),
      [5, 7],
      [/ignoring the last 2 byte\(s\) of audio data, less than one frame of 4 bytes/],
    ],
  ];
  it.each(cases)(
    'plays what is there when the data size is %s, with a warning naming the file',
    async (name, bytes, expected, warnings) => {
      const file = write(`size-${name.replace(/\W+/g, '-')}.wav`, bytes);
      const info = await readWavInfo(file);
      expect(info.warnings).toHaveLength(warnings.length);
      warnings.forEach((pattern, i) => {
        expect(info.warnings[i]).toMatch(pattern);
        expect(info.warnings[i]).toMatch(new RegExp(`^${path.basename(file)}: `));
      });
      const [channel] = await readAll(file);
      expect(Array.from(channel, (v) => Math.round(v * 32768))).toEqual(expected);
    },
  );

  it('keeps the declared size, without a warning, when more chunks follow the audio', async () => {
    const file = write(
      'list-after-data.wav',
      riff([
        ['fmt ', fmtChunk(1, 1, 16_000, 16)],
        ['data', pcm16([1, 2, 3])],
        ['LIST', Buffer.from('INFOISFT\x04\x00\x00\x00sox\x00', 'latin1')],
      ]),
    );
    const info = await readWavInfo(file);
    expect(info.warnings).toEqual([]);
    const [channel] = await readAll(file);
    expect(Array.from(channel, (v) => Math.round(v * 32768))).toEqual([1, 2, 3]);
  });

  it('gives a well-formed recording no warning', async () => {
    const file = write('clean.wav', encodeWav([ramp(1600, 0.5)], 16_000));
    expect((await readWavInfo(file)).warnings).toEqual([]);
  });
});

describeWithShared('reading the shared call recordings', () => {
  it('streams a 97 s stereo call in blocks with both channels carrying speech', async () => {
    const info = await readWavInfo(sharedPath('fixtures/calls/en-medtech-pump.wav'));
    expect(info).toMatchObject({ sampleRate: 16_000, channels: 2 });
    expect(info.durationSec).toBeGreaterThan(90);
    let blocks = 0;
    const peak = [0, 0];
    for await (const block of readWavBlocks(info, { blockFrames: 1600 })) {
      blocks++;
      block.channels.forEach((samples, c) => {
        for (const v of samples) peak[c] = Math.max(peak[c], Math.abs(v));
      });
    }
    expect(blocks).toBe(Math.ceil(info.frames / 1600));
    expect(peak[0]).toBeGreaterThan(0.05);
    expect(peak[1]).toBeGreaterThan(0.05);
  });
});
