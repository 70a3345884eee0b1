/**
 * Turns the bytes of a transcript file into text. UTF-8 (with or without a byte order mark) and
 * UTF-16 (little or big endian, announced by a BOM or recognised by its NUL bytes) are read as
 * they are. GB18030 / GBK, which Chinese Windows tools still write, is read only when the bytes
 * are clearly Chinese text in that encoding. Anything else is refused, naming the first line that
 * is not UTF-8, so the user knows what to re-save.
 */
import { transcriptError } from './types';

export type TranscriptEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** How many leading bytes are enough to tell the encoding and the format of a file. */
export const HEAD_BYTES = 64 * 1024;

const SAVE_AS_UTF8 = 'save it as UTF-8';

/** What the first bytes of a file say about its encoding; `unsupported` names what it is. */
export type EncodingGuess =
  | { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; unsupported?: undefined }
  | { encoding?: undefined; unsupported: string };

/**
 * The encoding the first bytes announce (a BOM) or betray (NUL bytes in every other position,
 * which plain-ASCII characters such as timestamps produce in UTF-16). UTF-8 otherwise.
 */
export function guessEncoding(head: Uint8Array): EncodingGuess {
  const [b0, b1, b2, b3] = head;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { unsupported: 'UTF-32' };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { unsupported: 'UTF-32' };
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8' };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be' };

  const pairs = Math.floor(Math.min(head.length, 4096) / 2);
  if (pairs < 2) return { encoding: 'utf-8' };
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  // A few NULs on the other side are CJK characters such as 一 (U+4E00) whose low byte is 0.
  if (oddNul >= pairs * 0.2 && evenNul <= pairs * 0.05) return { encoding: 'utf-16le' };
  if (evenNul >= pairs * 0.2 && oddNul <= pairs * 0.05) return { encoding: 'utf-16be' };
  return { encoding: 'utf-8' };
}

/** The encoding guessed from the first bytes; throws TranscriptError for one Cuecard cannot read. */
export function readableEncoding(
  head: Uint8Array,
  displayName: string,
  file: string,
): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' } {
  const guess = guessEncoding(head);
  if (guess.encoding) return { encoding: guess.encoding };
  throw transcriptError(displayName, file, null, `is ${guess.unsupported} text; ${SAVE_AS_UTF8}`);
}

/**
 * Text of the first bytes of a file, for recognising its format. Never throws: bytes that do not
 * decode become U+FFFD, and a character cut at the end of `head` is left out.
 */
export function decodeHead(head: Uint8Array): string {
  const guess = guessEncoding(head);
  if (!guess.encoding) return '';
  return new TextDecoder(guess.encoding).decode(head, { stream: true });
}

/**
 * Decodes a whole transcript. Throws TranscriptError naming the file and the first line that
 * cannot be read when the bytes are neither UTF-8, UTF-16 nor clearly GB18030.
 */
export function decodeTranscript(
  bytes: Uint8Array,
  displayName: string,
  file: string,
): { text: string; encoding: TranscriptEncoding } {
  const guess = readableEncoding(bytes, displayName, file);
  if (guess.encoding !== 'utf-8') {
    try {
      const text = new TextDecoder(guess.encoding, { fatal: true }).decode(bytes);
      return { text, encoding: guess.encoding };
    } catch {
      const lenient = new TextDecoder(guess.encoding).decode(bytes);
      const line = lineAtOffset(lenient, lenient.indexOf('\ufffd'));
      const name = guess.encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
      throw transcriptError(displayName, file, line, `is not valid ${name} text; ${SAVE_AS_UTF8}`);
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const chinese = decodeClearGb18030(bytes);
    if (chinese !== null) return { text: chinese, encoding: 'gb18030' };
    throw transcriptError(
      displayName,
      file,
      firstLineNotUtf8(bytes),
      `the file is not UTF-8 text (this line has bytes that are not UTF-8); ${SAVE_AS_UTF8}`,
    );
  }
}

/** 1-based line of `offset` in `text`, counting CRLF, CR and LF as one line break each. */
function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x0a || (char === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}

/** 1-based number of the first line holding bytes that are not UTF-8. */
function firstLineNotUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    // Line breaks never occur inside a UTF-8 sequence, so each line can be checked alone.
    const isBreak = i === bytes.length || byte === 0x0a || byte === 0x0d;
    if (!isBreak) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    start = i + 1;
  }
  return line;
}

/**
 * The most frequent characters of written and spoken Chinese. Real Chinese text is mostly made
 * of them; Japanese Shift-JIS or Korean EUC-KR bytes, which also decode as GB18030, give
 * ideographs that are almost never among them.
 */
const COMMON_HANZI = new Set(
  [
    '的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着',
    '去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主',
    '行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二',
    '理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走',
    '电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市',
    '眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提',
    '感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它',
    '许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青',
    '管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步',
    '完革深区即求品士转量空甚技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音',
    '吗啊呀吧嗯价预谢您',
  ].join(''),
);

/** Least share of common characters among the ideographs of text read as GB18030. */
const MIN_COMMON_HANZI_SHARE = 0.4;
/** Fewest ideographs that make GB18030 text clearly Chinese. */
const MIN_HANZI = 10;

/** CJK ideographs, CJK punctuation and full-width forms: what Chinese text is made of. */
function isChineseCodePoint(code: number): boolean {
  return (
    (code >= 0x3000 && code <= 0x303f) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff00 && code <= 0xffef) ||
    code === 0x2014 ||
    code === 0x2026 ||
    (code >= 0x2018 && code <= 0x201d) ||
    code === 0x00b7
  );
}

/**
 * The text when `bytes` decode as GB18030 without error, nearly every non-ASCII character is
 * Chinese, and the ideographs are mostly common ones; null otherwise. Also null when this Node
 * has no GB18030 decoder (built without full ICU).
 */
function decodeClearGb18030(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  let chinese = 0;
  let other = 0;
  let hanzi = 0;
  let common = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) continue;
    if (!isChineseCodePoint(code)) {
      other++;
      continue;
    }
    chinese++;
    if (code >= 0x3400 && code <= 0x9fff) hanzi++;
    if (COMMON_HANZI.has(char)) common++;
  }
  const mostlyChinese = chinese >= (chinese + other) * 0.95;
  const clear = hanzi >= MIN_HANZI && common >= hanzi * MIN_COMMON_HANZI_SHARE;
  return mostlyChinese && clear ? text : null;
}
