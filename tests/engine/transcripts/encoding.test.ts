import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTranscript, TranscriptError } from '../../../main/engine/transcripts';
import { legacyEncoder } from '../../helpers/legacy-encoding';
import { rejection } from '../../helpers/rejection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-encodings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const utf16be = (text: string) => {
  const bytes = Buffer.from(text, 'utf16le');
  return bytes.swap16();
};
const BOM = '\ufeff';

const encodings: Array<[string, (text: string) => Buffer]> = [
  ['UTF-8', (text) => Buffer.from(text, 'utf8')],
  ['UTF-8 with BOM', (text) => Buffer.from(BOM + text, 'utf8')],
  ['UTF-8 with CRLF line ends', (text) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8')],
  ['UTF-16 LE with BOM', (text) => Buffer.from(BOM + text, 'utf16le')],
  ['UTF-16 LE without BOM', (text) => Buffer.from(text, 'utf16le')],
  ['UTF-16 BE with BOM', (text) => utf16be(BOM + text)],
  ['UTF-16 BE without BOM', (text) => utf16be(text)],
  [
    'UTF-16 LE with BOM and CRLF',
    (text) => Buffer.from(BOM + text.replace(/\n/g, '\r\n'), 'utf16le'),
  ],
  ['GB18030', legacyEncoder('gb18030')],
];

/** The same two-turn Chinese call in every transcript format. */
const calls: Array<[string, string]> = [
  [
    'vtt',
    [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:03.000',
      '<v 李明>您好，王主任，今天我们来谈谈价格。',
      '',
      '00:00:04.000 --> 00:00:06.500',
      '<v 王主任>预算已经冻结了，我们再看看吧。',
      '',
    ].join('\n'),
  ],
  [
    'srt',
    [
      '1',
      '00:00:01,000 --> 00:00:03,000',
      '李明：您好，王主任，今天我们来谈谈价格。',
      '',
      '2',
      '00:00:04,000 --> 00:00:06,500',
      '王主任：预算已经冻结了，我们再看看吧。',
      '',
    ].join('\n'),
  ],
  [
    'json',
    JSON.stringify(
      {
        turns: [
          { speaker: '李明', text: '您好，王主任，今天我们来谈谈价格。', start: 1, end: 3 },
          { speaker: '王主任', text: '预算已经冻结了，我们再看看吧。', start: 4, end: 6.5 },
        ],
      },
      null,
      2,
    ),
  ],
];

const expectedTurns = [
  ['rep', '李明', '您好，王主任，今天我们来谈谈价格。', 1, 3],
  ['customer', '王主任', '预算已经冻结了，我们再看看吧。', 4, 6.5],
];

const loadError = (file: string) => rejection(loadTranscript(file), TranscriptError);

describe('transcript text encodings', () => {
  const matrix = calls.flatMap(([format, text]) =>
    encodings.map(([encoding, encode]) => [format, encoding, encode(text)] as const),
  );

  it.each(matrix)('reads a %s transcript saved as %s', async (format, encoding, bytes) => {
    const file = path.join(dir, `${encoding.replace(/\W+/g, '-')}.${format}`);
    writeFileSync(file, bytes);
    const transcript = await loadTranscript(file, { rep: '李明' });
    expect(transcript.format).toBe(format);
    expect(transcript.lang).toBe('zh');
    expect(transcript.turns.map((t) => [t.speaker, t.name, t.text, t.start, t.end])).toEqual(
      expectedTurns,
    );
    if (encoding === 'GB18030') {
      expect(transcript.warnings).toContain(
        `${path.basename(file)}: read as GB18030 (Chinese) text because it is not UTF-8; ` +
          'if the words look wrong, save it as UTF-8',
      );
    } else {
      expect(transcript.warnings).toEqual([]);
    }
  });

  it.each(calls)(
    'reads a %s transcript without an extension in any encoding',
    async (format, text) => {
      for (const [encoding, encode] of encodings) {
        const file = path.join(dir, `no-extension-${format}-${encoding.replace(/\W+/g, '-')}`);
        writeFileSync(file, encode(text));
        const transcript = await loadTranscript(file, { rep: '李明' });
        expect(transcript.format, encoding).toBe(format);
        expect(
          transcript.turns.map((t) => t.text),
          encoding,
        ).toEqual(expectedTurns.map((t) => t[2]));
      }
    },
  );

  /** Line 4 of every sample holds the first text that is not ASCII. */
  const foreign: Array<[string, (lines: string[]) => Buffer, string[]]> = [
    [
      'Windows-1252 (Western European)',
      (lines) => Buffer.from(lines.join('\n'), 'latin1'),
      ['Dana: Caf\u00e9 au lait, merci beaucoup, Fran\u00e7oise.'],
    ],
    [
      'Shift-JIS (Japanese)',
      (lines) => legacyEncoder('shift_jis')(lines.join('\n')),
      ['田中：こんにちは、今日はお時間をいただきありがとうございます。価格について話しましょう。'],
    ],
    [
      'EUC-KR (Korean)',
      (lines) => legacyEncoder('euc-kr')(lines.join('\n')),
      ['김민수: 안녕하세요, 오늘 시간 내주셔서 감사합니다. 가격에 대해 이야기해 봅시다.'],
    ],
  ];
  const shapes: Array<[string, (text: string) => string[]]> = [
    ['vtt', (text) => ['WEBVTT', '', '00:00:01.000 --> 00:00:03.000', text, '']],
    ['srt', (text) => ['1', '00:00:01,000 --> 00:00:03,000', 'Alex: Hello.', text, '']],
    [
      'json',
      (text) => [
        '{',
        '  "turns": [',
        '    {',
        `      "text": "${text}",`,
        '      "start": 1, "end": 3 } ] }',
      ],
    ],
  ];
  const refusals = shapes.flatMap(([format, shape]) =>
    foreign.map(([encoding, encode, [text]]) => [format, encoding, encode(shape(text))] as const),
  );

  it.each(refusals)(
    'refuses a %s transcript in %s, naming the file and the first line that is not UTF-8',
    async (format, encoding, bytes) => {
      const file = path.join(dir, `foreign-${encoding.replace(/\W+/g, '-')}.${format}`);
      writeFileSync(file, bytes);
      const error = await loadError(file);
      expect(error.message).toBe(
        `${path.basename(file)} line 4: the file is not UTF-8 text (this line has bytes that ` +
          'are not UTF-8); save it as UTF-8',
      );
      expect(error.line).toBe(4);
    },
  );

  it('refuses UTF-32 and broken UTF-16 with the same advice', async () => {
    const utf32 = path.join(dir, 'utf32.vtt');
    writeFileSync(utf32, Buffer.from([0xff, 0xfe, 0, 0, 0x57, 0, 0, 0]));
    expect((await loadError(utf32)).message).toBe('utf32.vtt: is UTF-32 text; save it as UTF-8');

    const broken = path.join(dir, 'broken-utf16.vtt');
    const lines = Buffer.from(`${BOM}WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi `, 'utf16le');
    writeFileSync(broken, Buffer.concat([lines, Buffer.from([0x00, 0xd8, 0x41, 0x00])]));
    expect((await loadError(broken)).message).toBe(
      'broken-utf16.vtt line 4: is not valid UTF-16 LE text; save it as UTF-8',
    );
  });
});
