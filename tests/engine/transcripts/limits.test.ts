import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTranscript, TranscriptError } from '../../../main/engine/transcripts';
import { MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_CUES } from '../../../main/engine/transcripts/limits';
import { REPO_ROOT } from '../../helpers/shared';
import { rejection } from '../../helpers/rejection';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A file of `size` bytes that starts with `start` and is sparse after it: the disk and the test
 * never hold the rest, yet the file is as large as a user's export.
 */
function sparseFile(name: string, start: string, size: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, start);
  truncateSync(file, size);
  return file;
}

const loadError = (file: string) => rejection(loadTranscript(file), TranscriptError);

/** Resident memory the process gained while `work` ran, in MB. */
async function memoryGrowthMb(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  await work();
  return (process.memoryUsage.rss() - before) / 1e6;
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  const s = (seconds % 60).toFixed(3).padStart(6, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
}

/** A WebVTT call of `cues` short cues, two speakers taking turns, `words` extra words each. */
function vttCall(cues: number, words = 0): string {
  const parts = ['WEBVTT', ''];
  const more = ' and then some more'.repeat(words);
  for (let i = 0; i < cues; i++) {
    parts.push(
      `${clock(i * 2)} --> ${clock(i * 2 + 1.5)}`,
      `<v ${i % 2 ? 'Dana' : 'Alex'}>Point number ${i}${more}.`,
      '',
    );
  }
  return parts.join('\n');
}

const starts: Array<[string, string]> = [
  ['vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alex>Hi.\n\n'],
  ['srt', '1\n00:00:01,000 --> 00:00:02,000\nAlex: Hi.\n\n'],
  ['json', '{ "turns": [ { "speaker": "Alex", "text": "Hi.", "start": 1, "end": 2 },'],
];

describe('transcript size limits', () => {
  it('documents a limit of tens of MB and more cues than a long call has', () => {
    expect(MAX_TRANSCRIPT_BYTES).toBe(20_000_000);
    expect(MAX_TRANSCRIPT_CUES).toBe(100_000);
  });

  it.each(starts)(
    'refuses a 200 MB %s transcript before reading it, naming the file and the limit',
    async (format, start) => {
      const file = sparseFile(`big200m.${format}`, start, 200_000_000);
      let error: TranscriptError | null = null;
      const growth = await memoryGrowthMb(async () => {
        error = await loadError(file);
      });
      expect(error!.message).toBe(
        `big200m.${format}: the file is 200.0 MB; Cuecard reads transcripts up to 20.0 MB ` +
          '(a 10-hour call is typically 1-2 MB). Check that this is a call transcript, or split it',
      );
      expect(growth).toBeLessThan(50);
    },
  );

  const garbage: Array<[string, RegExp]> = [
    ['garbage.vtt', /^garbage\.vtt line 1: missing the 'WEBVTT' header on the first line$/],
    ['garbage.srt', /^garbage\.srt line 1: expected a cue number or timing, found 'Lorem ipsum/],
    ['garbage.json', /^garbage\.json: invalid JSON: Unexpected token 'L'/],
    ['garbage.txt', /^garbage\.txt: not a transcript format Cuecard reads; supported: WebVTT/],
  ];
  it.each(garbage)(
    'rejects 200 MB of garbage named %s from its first bytes',
    async (name, expected) => {
      const file = sparseFile(name, `Lorem ipsum dolor sit amet\n${'x'.repeat(100_000)}\n`, 2e8);
      let error: TranscriptError | null = null;
      const growth = await memoryGrowthMb(async () => {
        error = await loadError(file);
      });
      expect(error!.message).toMatch(expected);
      expect(growth).toBeLessThan(50);
    },
  );

  it('refuses more cues than a call can have, naming the line of the first one over', async () => {
    const vtt = path.join(dir, 'many.vtt');
    writeFileSync(vtt, vttCall(MAX_TRANSCRIPT_CUES + 1));
    const vttError = await loadError(vtt);
    expect(vttError.message).toBe(
      'many.vtt line 300003: more than 100,000 cues; Cuecard reads transcripts of up to that ' +
        'many (a 10-hour call has about 20,000). Check that this is a call transcript, or split it',
    );

    const srt = path.join(dir, 'many.srt');
    const blocks: string[] = [];
    for (let i = 0; i <= MAX_TRANSCRIPT_CUES; i++) {
      blocks.push(
        `${i + 1}\n${clock(i).replace('.', ',')} --> ${clock(i + 1).replace('.', ',')}\nA: x\n`,
      );
    }
    writeFileSync(srt, blocks.join('\n'));
    expect((await loadError(srt)).message).toMatch(
      /^many\.srt line 400002: more than 100,000 cues/,
    );

    const json = path.join(dir, 'many.json');
    const turn = { speaker: 'A', text: 'x', start: 0, end: 1 };
    writeFileSync(
      json,
      JSON.stringify(Array.from({ length: MAX_TRANSCRIPT_CUES + 1 }, () => turn)),
    );
    expect((await loadError(json)).message).toMatch(/^many\.json: more than 100,000 cues/);
  });

  it('names the line of a bad field at the end of a 10 MB JSON transcript, quickly', async () => {
    const turns = Array.from({ length: 90_000 }, (_, i) => ({
      speaker: i % 2 ? 'Dana' : 'Alex',
      text: `Point number ${i} and then some more`,
      start: i,
      end: i + 1,
    }));
    const json = JSON.stringify({ turns }, null, 2).replace(/"end": 90000\n/, '"end": "late"\n');
    const file = path.join(dir, 'long.json');
    writeFileSync(file, json);
    const started = performance.now();
    const error = await loadError(file);
    expect(error.message).toMatch(/^long\.json line \d+: turns\[89999\]\.end: /);
    expect(json.split('\n')[(error.line as number) - 1]).toContain('"end": "late"');
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('reads a transcript of as many cues as the limit allows, at the edge of it', async () => {
    const file = path.join(dir, 'longest.vtt');
    writeFileSync(file, vttCall(MAX_TRANSCRIPT_CUES));
    const started = performance.now();
    const transcript = await loadTranscript(file, { rep: 'Alex' });
    expect(transcript.turns).toHaveLength(MAX_TRANSCRIPT_CUES);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('loads a 7 MB transcript within a 64 MB heap: memory follows the file, not the parser', async () => {
    const file = path.join(dir, 'seven-mb.vtt');
    writeFileSync(file, vttCall(40_000, 6));
    const script = [
      `import { loadTranscript } from ${JSON.stringify(path.join(REPO_ROOT, 'main/engine/transcripts/index.ts'))};`,
      `const t = await loadTranscript(${JSON.stringify(file)}, { rep: 'Alex' });`,
      'console.log(t.turns.length);',
    ].join('\n');
    const { stdout } = await run(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: REPO_ROOT, env: { ...process.env, CUECARD_LOG_LEVEL: 'silent' } },
    );
    expect(stdout.trim()).toBe('40000');
  });
});
