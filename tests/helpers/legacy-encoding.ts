/**
 * Encoders for legacy two-byte text encodings (GB18030/GBK, Shift-JIS, EUC-KR), which Node can
 * decode but not encode: the table is built from Node's own decoder, so tests can write the files
 * users' older tools produce without storing binary fixtures.
 */
/** An encoder for a legacy two-byte encoding, built from Node's own decoder for it. */
export function legacyEncoder(label: string): (text: string) => Buffer {
  const decoder = new TextDecoder(label, { fatal: true });
  const table = new Map<string, number[]>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      try {
        const char = decoder.decode(pair);
        if ([...char].length === 1 && !table.has(char)) table.set(char, [lead, trail]);
      } catch {
        // not a character in this encoding
      }
    }
  }
  return (text) => {
    const bytes: number[] = [];
    for (const char of text) {
      const code = char.codePointAt(0) as number;
      const encoded = code < 0x80 ? [code] : table.get(char);
      if (!encoded) throw new Error(`${label} has no ${char}`);
      bytes.push(...encoded);
    }
    return Buffer.from(bytes);
  };
}
