import { describe, expect, it } from 'vitest';
import {
  detectLang,
  normalizeText,
  splitUnits,
  stripPunctuation,
  toHalfWidth,
} from '../../../main/engine/text/lang';

describe('detectLang', () => {
  it('calls English text English and Chinese text Chinese', () => {
    expect(detectLang("We're also looking at Helix Devices.")).toBe('en');
    expect(detectLang('我们也在看瀚途医疗的产品')).toBe('zh');
  });

  it('calls Chinese with a Latin brand name Chinese', () => {
    expect(detectLang('我们也看了Helix的产品，价格便宜两成')).toBe('zh');
  });

  it('treats empty or digit-only text as English', () => {
    expect(detectLang('')).toBe('en');
    expect(detectLang('12345')).toBe('en');
  });
});

describe('normalisation', () => {
  it('folds full-width letters, digits and punctuation to half-width', () => {
    expect(toHalfWidth('ＡＢＣ１２３！')).toBe('ABC123!');
  });

  it('strips punctuation but keeps apostrophes inside words, $ and %', () => {
    expect(stripPunctuation("Well, it's $50... about 20%!")).toBe("Well it's $50 about 20%");
  });

  it('lower-cases, straightens quotes and drops bracketed placeholders', () => {
    expect(normalizeText('[链接x] I DON’T know，好的…')).toBe("i don't know 好的");
  });

  it('splits Chinese into characters and English into words', () => {
    expect(splitUnits(normalizeText('我们看了Helix的pump'))).toEqual([
      '我',
      '们',
      '看',
      '了',
      'helix',
      '的',
      'pump',
    ]);
  });
});
