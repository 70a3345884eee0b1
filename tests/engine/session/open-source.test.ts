import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingSource } from '../../../main/engine/audio/recording-source';
import { encodeWav } from '../../../main/engine/audio/wav';
import { openSource, SourceError } from '../../../main/engine/session/open-source';
import { TranscriptError, TranscriptSource } from '../../../main/engine/transcripts';
import { rejection } from '../../helpers/rejection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-open-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const inputs: Record<string, Buffer | string> = {
  wav: encodeWav([new Float32Array(1600), new Float32Array(1600)], 16_000),
  vtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alex>Hi.\n',
  srt: '1\n00:00:01,000 --> 00:00:02,000\nAlex: Hi.\n',
  json: '[{ "speaker": "Alex", "text": "Hi.", "start": 1, "end": 2 }]',
};

/** Every kind under its own extension, none, an unrelated one, and another input's. */
const names: Array<[string, string]> = [
  ['wav', 'call.wav'],
  ['wav', 'call'],
  ['wav', 'call.txt'],
  ['wav', 'call.vtt'],
  ['vtt', 'call.vtt'],
  ['vtt', 'call'],
  ['vtt', 'call.txt'],
  ['vtt', 'call.wav'],
  ['srt', 'call.srt'],
  ['srt', 'call'],
  ['srt', 'call.json'],
  ['srt', 'call.wav'],
  ['json', 'call.json'],
  ['json', 'call'],
  ['json', 'call.srt'],
  ['json', 'call.wav'],
];

const openError = (file: string) => rejection(openSource(file), Error);

describe('choosing the reader for a file', () => {
  it.each(names)('reads %s content named %s by what it holds', async (kind, name) => {
    const file = write(`${kind}-as-${name}`, inputs[kind]);
    const source = await openSource(file, { rep: 'Alex' });
    if (kind === 'wav') {
      expect(source).toBeInstanceOf(RecordingSource);
    } else {
      expect(source).toBeInstanceOf(TranscriptSource);
      expect((source as TranscriptSource).transcript.format).toBe(kind);
      expect((source as TranscriptSource).transcript.turns[0]).toMatchObject({ text: 'Hi.' });
    }
  });

  const others: Array<[string, Buffer, RegExp]> = [
    ['song.mp3', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), /this is MP3 audio/],
    ['song', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]), /this is MP3 audio/],
    ['call.flac', Buffer.from('fLaC\x00\x00\x00\x22', 'latin1'), /this is FLAC audio/],
    ['call.m4a', Buffer.from('\x00\x00\x00\x20ftypM4A ', 'latin1'), /this is MP4\/M4A media/],
    ['notes.pdf', Buffer.from('%PDF-1.7\n', 'latin1'), /this is a PDF document/],
    ['notes.docx', Buffer.from('PK\x03\x04\x14\x00', 'latin1'), /this is a ZIP archive/],
    ['notes', Buffer.from('Dear diary, today I sold a pump.'), /not a recording or transcript/],
    ['noise.bin', Buffer.from([1, 2, 3, 250, 251, 7, 8, 9]), /not a recording or transcript/],
  ];
  it.each(others)(
    'names what %s is and lists every supported format',
    async (name, bytes, what) => {
      const error = await openError(write(name, bytes));
      expect(error).toBeInstanceOf(SourceError);
      expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: `));
      expect(error.message).toMatch(what);
      expect(error.message).toMatch(/recordings: WAV \(16-bit PCM, mono or stereo/);
      expect(error.message).toMatch(/transcripts: WebVTT \(\.vtt\), SubRip \(\.srt\), JSON/);
    },
  );

  it('lets the reader the extension names explain a broken file from its first line', async () => {
    const error = await openError(write('broken.vtt', 'Hello\n00:00:01.000 --> 00:00:02.000\n'));
    expect(error).toBeInstanceOf(TranscriptError);
    expect(error.message).toBe("broken.vtt line 1: missing the 'WEBVTT' header on the first line");
  });

  it('says when the file is missing, a folder or empty', async () => {
    expect((await openError(path.join(dir, 'missing.wav'))).message).toMatch(
      /missing\.wav: no such file$/,
    );
    expect((await openError(dir)).message).toMatch(/: is not a file$/);
    expect((await openError(write('empty.vtt', ''))).message).toMatch(
      /^empty\.vtt: the file is empty/,
    );
  });
});
