/**
 * Turns the bytes of a playbook file into text. Playbooks are UTF-8; a file saved as UTF-16
 * with a byte-order mark (what some Windows editors write) is decoded too. Anything else is
 * refused with the line and column of the first bad byte, never patched with "�".
 */

/** The text of a file, or where and why it could not be read as text. */
export type DecodedText =
  | { ok: true; text: string }
  | { ok: false; line: number; column: number; message: string };

const SAVE_AS_UTF8 = 'save the file as UTF-8';

/** Decodes `bytes` as UTF-8 (an optional BOM is dropped) or as UTF-16 with a BOM. */
export function decodePlaybookText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return withoutNul(decodeUtf16(bytes, 'utf-16le'));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return withoutNul(decodeUtf16(bytes, 'utf-16be'));
  // Look for NUL first: UTF-16 without a BOM is full of them, and they are valid UTF-8.
  const nul = bytes.indexOf(0);
  if (nul >= 0) return nulProblem(new TextDecoder('utf-8').decode(bytes.subarray(0, nul)));
  return decodeUtf8(bytes);
}

/** A NUL is never in a YAML text: it means UTF-16 without a BOM, or not a text file. */
function withoutNul(decoded: DecodedText): DecodedText {
  if (!decoded.ok) return decoded;
  const nul = decoded.text.indexOf('\0');
  return nul < 0 ? decoded : nulProblem(decoded.text.slice(0, nul));
}

function nulProblem(before: string): DecodedText {
  return {
    ok: false,
    ...positionIn(before, before.length),
    message:
      'contains a NUL character (UTF-16 without a byte-order mark, or not a text file?); ' +
      SAVE_AS_UTF8,
  };
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  try {
    // The decoder drops the BOM itself.
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch {
    return {
      ok: false,
      line: 1,
      column: 1,
      message: `starts with a UTF-16 byte-order mark but is not valid UTF-16; ${SAVE_AS_UTF8}`,
    };
  }
}

function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // The decoder does not say where; find the first bad byte to point the author at it.
    const bad = firstInvalidUtf8(bytes) ?? 0;
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const byte = bytes[bad]?.toString(16).toUpperCase().padStart(2, '0') ?? '';
    return {
      ok: false,
      ...positionIn(before, before.length),
      message: `is not valid UTF-8 (byte 0x${byte}); ${SAVE_AS_UTF8}`,
    };
  }
}

/** Offset of the first byte that starts no valid UTF-8 sequence, or null when all are valid. */
function firstInvalidUtf8(bytes: Uint8Array): number | null {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const size = sequenceLength(lead);
    if (size === 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points over U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf))
        return i;
    }
    i += size;
  }
  return null;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0; // a continuation byte, or a lead byte UTF-8 never uses
}

function positionIn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1 };
}
