import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTranscript, TranscriptError } from '../../../main/engine/transcripts';
import { describeWithShared, sharedPath } from '../../helpers/shared';
import { rejection } from '../../helpers/rejection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-transcripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const loadError = (file: string, rep?: string) =>
  rejection(loadTranscript(file, { rep }), TranscriptError);

describeWithShared('shared transcripts', () => {
  it('reads the English demo call with its two speakers and the rep chosen by name', async () => {
    const transcript = await loadTranscript(
      sharedPath('fixtures/transcripts/en-medtech-pump.vtt'),
      {
        rep: '  alex chen ',
      },
    );
    expect(transcript.format).toBe('vtt');
    expect(transcript.lang).toBe('en');
    expect(transcript.speakers).toEqual(['Alex Chen', 'Dana Wu']);
    expect(transcript.rep).toBe('Alex Chen');
    expect(transcript.warnings).toEqual([]);
    expect(transcript.turns).toHaveLength(17);
    expect(transcript.turns[3]).toMatchObject({
      speaker: 'customer',
      name: 'Dana Wu',
      start: 21.59,
      end: 27.535,
    });
    expect(transcript.turns[3].text).toContain('Helix Devices');
    expect(transcript.turns.every((t) => t.speaker !== 'unknown')).toBe(true);
  });

  it('reads the Chinese demo call as Chinese and guesses the first speaker as rep, with a warning', async () => {
    const transcript = await loadTranscript(sharedPath('fixtures/transcripts/zh-medtech-pump.vtt'));
    expect(transcript.lang).toBe('zh');
    expect(transcript.rep).toBe('李明');
    expect(transcript.warnings.join(' ')).toMatch(/no rep given.*李明/);
    expect(transcript.turns.filter((t) => t.speaker === 'customer').map((t) => t.name)).toContain(
      '王主任',
    );
  });

  it('reads both real transcripts, sorted by start time', async () => {
    const phone = await loadTranscript(
      sharedPath('fixtures/transcripts/real/en-phone-plan-cancellation.vtt'),
      { rep: 'Tom' },
    );
    expect(phone.turns).toHaveLength(56);
    expect(phone.speakers).toEqual(['Tom', 'Beth']);
    const starts = phone.turns.map((t) => t.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));

    const shop = await loadTranscript(
      sharedPath('fixtures/transcripts/real/zh-ecommerce-presales-pc.vtt'),
      { rep: '客服' },
    );
    expect(shop.lang).toBe('zh');
    expect(shop.turns.find((t) => t.text.includes('我再看看'))?.speaker).toBe('customer');
  });

  it('names the speakers found when the rep is not one of them', async () => {
    const error = await loadError(sharedPath('fixtures/transcripts/en-medtech-pump.vtt'), 'Bob');
    expect(error.message).toContain("'Bob'");
    expect(error.message).toContain("'Alex Chen', 'Dana Wu'");
  });
});

describe('WebVTT', () => {
  it('understands voice spans with classes, missing </v>, Name: lines, notes, styles and entities', async () => {
    const file = write(
      'features.vtt',
      [
        'WEBVTT - exported',
        '',
        'STYLE',
        '::cue(v[voice="Ann"]) { color: red }',
        '',
        'NOTE this comment is ignored',
        'and so is this line',
        '',
        'REGION',
        'id:left width:40%',
        '',
        '1',
        '00:00:01.000 --> 00:00:02.500 align:start',
        '<v.loud Bob Smith>Prices &amp; <b>terms</b> &lt;today&gt;</v>',
        '',
        '00:00:03.000 --> 00:00:05.000',
        '<v Ann>First line',
        'second line',
        '',
        '00:06.000 --> 00:07.000',
        'Ann: plain speaker line',
        '',
        '00:00:08.000 --> 00:00:09.000',
        '<v Bob Smith>a</v><v Ann>b</v>',
        '',
        '00:00:10.000 --> 00:00:11.000',
        'No speaker here &nbsp;at all',
      ].join('\n'),
    );
    const transcript = await loadTranscript(file, { rep: 'bob smith' });
    expect(transcript.speakers).toEqual(['Bob Smith', 'Ann']);
    expect(transcript.turns.map((t) => [t.speaker, t.name, t.text, t.start])).toEqual([
      ['rep', 'Bob Smith', 'Prices & terms <today>', 1],
      ['customer', 'Ann', 'First line second line', 3],
      ['customer', 'Ann', 'plain speaker line', 6],
      ['rep', 'Bob Smith', 'a', 8],
      ['customer', 'Ann', 'b', 8.5],
      ['unknown', null, 'No speaker here at all', 10],
    ]);
  });

  const twoVoices: Array<[string, string, string]> = [
    [
      'voice spans on separate lines, without </v>',
      'vtt',
      '<v Dana>Let me think about it.\n<v Alex Chen>Sure.',
    ],
    ['closed voice spans', 'vtt', '<v Dana>Let me think about it.</v>\n<v Alex Chen>Sure.</v>'],
    ['voice spans on one line', 'vtt', '<v Dana>Let me think about it.</v> <v Alex Chen>Sure.</v>'],
    [
      'unclosed spans on one line, with a class',
      'vtt',
      '<v.loud Dana>Let me think about it.<v Alex Chen>Sure.',
    ],
    ['Name: lines', 'vtt', 'Dana: Let me think about it.\nAlex Chen: Sure.'],
    ['dialogue dashes', 'vtt', '- Dana: Let me think about it.\n- Alex Chen: Sure.'],
    ['SubRip dialogue dashes', 'srt', '- Dana: Let me think about it.\n- Alex Chen: Sure.'],
    ['SubRip Name: lines', 'srt', 'Dana: Let me think about it.\nAlex Chen: Sure.'],
  ];
  it.each(twoVoices)(
    'gives each speaker of a two-speaker cue a turn and a share of its time: %s',
    async (name, format, cueText) => {
      const timing =
        format === 'vtt' ? '00:00:10.000 --> 00:00:12.300' : '00:00:10,000 --> 00:00:12,300';
      const head = format === 'vtt' ? 'WEBVTT\n\n' : '1\n';
      const file = write(
        `two-voices-${name.replace(/\W+/g, '-')}.${format}`,
        `${head}${timing}\n${cueText}\n`,
      );
      const transcript = await loadTranscript(file, { rep: 'Alex Chen' });
      // 18 and 5 characters: the cue's 2.3 s split 1.8 s / 0.5 s.
      expect(transcript.turns.map((t) => [t.speaker, t.name, t.text, t.start, t.end])).toEqual([
        ['customer', 'Dana', 'Let me think about it.', 10, 11.8],
        ['rep', 'Alex Chen', 'Sure.', 11.8, 12.3],
      ]);
    },
  );

  it('returns to the outer speaker after a nested voice span closes', async () => {
    const file = write(
      'nested-voices.vtt',
      'WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n<v Ann>one <v Bob>two</v> six</v>\n',
    );
    const transcript = await loadTranscript(file, { rep: 'Ann' });
    expect(transcript.turns.map((t) => [t.name, t.text, t.start, t.end])).toEqual([
      ['Ann', 'one', 0, 1],
      ['Bob', 'two', 1, 2],
      ['Ann', 'six', 2, 3],
    ]);
  });

  it('starts a new cue at a timing line that follows cue text without a blank line', async () => {
    const file = write(
      'no-blank.vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi\n00:00:03.000 --> 00:00:04.000\n<v B>yo\n',
    );
    const transcript = await loadTranscript(file, { rep: 'A' });
    expect(transcript.turns.map((t) => [t.name, t.text, t.start])).toEqual([
      ['A', 'hi', 1],
      ['B', 'yo', 3],
    ]);
  });

  it('reports a broken cue timing with file and line', async () => {
    const file = write(
      'broken-timing.vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi\n\n00:00:05.000 --> \n<v B>there\n',
    );
    const error = await loadError(file);
    expect(error.message).toBe(
      "broken-timing.vtt line 6: cue timing '00:00:05.000 -->' is invalid " +
        '(expected "HH:MM:SS.mmm --> HH:MM:SS.mmm")',
    );
    expect(error.line).toBe(6);
  });

  it('reports a cue that ends before it starts, a missing header and text without timing', async () => {
    const reversed = await loadError(
      write('reversed.vtt', 'WEBVTT\n\n00:00:05.000 --> 00:00:04.000\n<v A>hi\n'),
    );
    expect(reversed.message).toMatch(
      /^reversed\.vtt line 3: cue ends at 4 s, before it starts at 5 s$/,
    );

    const headless = await loadError(write('headless.vtt', '00:00:01.000 --> 00:00:02.000\nhi\n'));
    expect(headless.message).toMatch(/^headless\.vtt line 1: missing the 'WEBVTT' header/);

    const stray = await loadError(
      write('stray.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi\n\nstray words\n'),
    );
    expect(stray.message).toMatch(/^stray\.vtt line 6: text 'stray words' has no cue timing/);
  });
});

describe('SubRip', () => {
  it('reads numbered cues with Name: speakers, tags and multi-line text', async () => {
    const file = write(
      'call.srt',
      [
        '1',
        '00:00:00,600 --> 00:00:06,600',
        'Alex: Hi Dana, <i>thanks</i> for',
        'making time today.',
        '',
        '2',
        '00:00:07,100 --> 00:00:11,530',
        '{\\an8}Dana: Sure &amp; quickly.',
        '',
        '3',
        '00:00:12.000 --> 00:00:13.000',
        'Music playing',
      ].join('\r\n'),
    );
    const transcript = await loadTranscript(file, { rep: 'alex' });
    expect(transcript.format).toBe('srt');
    expect(transcript.turns.map((t) => [t.speaker, t.name, t.text, t.start, t.end])).toEqual([
      ['rep', 'Alex', 'Hi Dana, thanks for making time today.', 0.6, 6.6],
      ['customer', 'Dana', 'Sure & quickly.', 7.1, 11.53],
      ['unknown', null, 'Music playing', 12, 13],
    ]);
  });

  it('reports a bad timing line and a block that is not a cue with file and line', async () => {
    const timing = await loadError(
      write(
        'bad.srt',
        '1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\n00:00:03 --> 00:00:04,000\nB: yo\n',
      ),
    );
    expect(timing.message).toMatch(
      /^bad\.srt line 6: cue timing '00:00:03 --> 00:00:04,000' is invalid/,
    );

    const notCue = await loadError(write('prose.srt', 'Hello there\nthis is not a subtitle\n'));
    expect(notCue.message).toMatch(/^prose\.srt line 1: expected a cue number or timing/);
  });
});

describe('JSON transcripts', () => {
  it('reads the documented object form with its own rep', async () => {
    const file = write(
      'call.json',
      JSON.stringify({
        rep: 'Alex',
        turns: [
          { speaker: 'Dana', text: 'Budget is frozen.', start: 7.1, end: 9 },
          { speaker: 'Alex', text: 'Hi Dana.', start: 0.6, end: 6.6 },
          { speaker: null, text: '(crosstalk)', start: 9, end: 9.5 },
        ],
      }),
    );
    const transcript = await loadTranscript(file);
    expect(transcript.format).toBe('json');
    expect(transcript.rep).toBe('Alex');
    expect(transcript.warnings).toEqual([]);
    expect(transcript.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['rep', 'Hi Dana.'],
      ['customer', 'Budget is frozen.'],
      ['unknown', '(crosstalk)'],
    ]);
  });

  it('accepts a bare array of turns, and --rep overrides the file', async () => {
    const file = write(
      'bare.json',
      JSON.stringify([
        { speaker: '李明', text: '您好', start: 0, end: 1 },
        { speaker: '王主任', text: '预算冻结了', start: 1, end: 2 },
      ]),
    );
    const transcript = await loadTranscript(file, { rep: '王主任' });
    expect(transcript.lang).toBe('zh');
    expect(transcript.turns.map((t) => t.speaker)).toEqual(['customer', 'rep']);
  });

  it('names the JSON path and line of an invalid field', async () => {
    const file = write(
      'bad-field.json',
      '{\n  "turns": [\n    { "speaker": "A", "text": "hi", "start": 0, "end": 1 },\n' +
        '    { "speaker": "B", "text": "yo", "start": 2, "end": "3" }\n  ]\n}\n',
    );
    const error = await loadError(file);
    expect(error.message).toMatch(/^bad-field\.json line 4: turns\[1\]\.end: /);

    const backwards = await loadError(
      write('backwards.json', '[\n {"speaker":"A","text":"x","start":5,"end":1}\n]'),
    );
    expect(backwards.message).toMatch(/^backwards\.json line 2: \[0\]\.end: end is before start$/);
  });

  it('names the line of a JSON syntax error', async () => {
    const error = await loadError(
      write('syntax.json', '{\n  "turns": [\n    { "speaker": "A" "text": "x" }\n  ]\n}'),
    );
    expect(error.message).toMatch(/^syntax\.json line 3: invalid JSON/);
  });
});

describe('unknown extensions', () => {
  it('sniffs WebVTT, SubRip and JSON content', async () => {
    const vtt = await loadTranscript(
      write('a.txt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n'),
    );
    expect(vtt.format).toBe('vtt');
    const srt = await loadTranscript(write('b.sub', '1\n00:00:01,000 --> 00:00:02,000\nA: hi\n'));
    expect(srt.format).toBe('srt');
    const json = await loadTranscript(
      write('c.data', '[{"speaker":"A","text":"hi","start":0,"end":1}]'),
    );
    expect(json.format).toBe('json');
  });

  it('lists the supported formats when the content is not a transcript', async () => {
    const error = await loadError(write('notes.txt', 'Dear diary, today I sold a pump.'));
    expect(error.message).toMatch(/^notes\.txt: not a transcript format.*WebVTT.*SubRip.*JSON/);
  });

  it('says when the file cannot be read', async () => {
    const error = await loadError(path.join(dir, 'missing.vtt'));
    expect(error.message).toMatch(/^missing\.vtt: cannot read the file/);
  });
});
