import { afterEach, describe, expect, it } from 'vitest';
import { decodePlaybookText } from '../../../main/engine/playbook/decode';
import { loadPlaybook } from '../../../main/engine/playbook/load';
import { errorOf, playbookDir, removePlaybookDirs } from '../../helpers/playbook-dir';

afterEach(removePlaybookDirs);

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const yaml = 'playbook:\n  name: Café 北风\n';

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) be.writeUInt16BE(le.readUInt16LE(i), i);
  return be;
}

describe('playbook file encodings', () => {
  it.each([
    ['UTF-8', utf8(yaml)],
    ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(yaml)])],
    ['UTF-16 LE with a byte-order mark', Buffer.from(`\ufeff${yaml}`, 'utf16le')],
    ['UTF-16 BE with a byte-order mark', utf16be(`\ufeff${yaml}`)],
  ])('reads a playbook saved as %s', (_, bytes) => {
    expect(loadPlaybook(playbookDir({ 'playbook.yaml': bytes }, false)).meta.name).toBe(
      'Café 北风',
    );
  });

  it.each([
    ['a Latin-1 byte', [0x78, 0xe9], 0xe9],
    ['a lone continuation byte', [0x78, 0x80], 0x80],
    ['an overlong slash', [0x78, 0xc0, 0xaf], 0xc0],
    ['an encoded surrogate', [0x78, 0xed, 0xa0, 0x80], 0xed],
    ['a code point past U+10FFFF', [0x78, 0xf4, 0x90, 0x80, 0x80], 0xf4],
    ['a sequence cut short by a newline', [0x78, 0xe4, 0xb8, 0x0a], 0xe4],
  ])('refuses %s with the file, line and column of the bad byte', (_, bad, byte) => {
    // Line 3 reads "  name: 北x" before the bad byte: ten characters, so it is at column 11.
    const bytes = Buffer.concat([
      utf8('playbook:\n  x: 1\n  name: 北'),
      Buffer.from(bad),
      utf8('\n'),
    ]);
    expect(decodePlaybookText(bytes)).toMatchObject({ ok: false, line: 3, column: 11 });
    const error = errorOf(playbookDir({ 'playbook.yaml': bytes }, false));
    const hex = byte.toString(16).toUpperCase();
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(
      new RegExp(
        `playbook\\.yaml:3:11: is not valid UTF-8 \\(byte 0x${hex}\\); save the file as UTF-8$`,
      ),
    );
  });

  it('refuses UTF-16 without a byte-order mark, asking for UTF-8', () => {
    const error = errorOf(playbookDir({ 'rules.yaml': Buffer.from(yaml, 'utf16le') }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 1,
        column: 2,
        message: expect.stringMatching(/NUL.*save the file as UTF-8/),
      }),
    ]);
  });

  it('refuses a file with a UTF-16 byte-order mark that is not UTF-16', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('playbook', 'utf16le'),
      Buffer.from([0x00, 0xd8]),
    ]);
    expect(decodePlaybookText(bytes)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid UTF-16/),
    });
  });
});
