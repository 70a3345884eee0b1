import { describe, expect, it } from 'vitest';
import {
  allowedEdits,
  CompetitorMatcher,
  editDistance,
} from '../../../main/engine/intents/competitors';

const matcher = new CompetitorMatcher([
  { id: 'helix', name: 'Helix Devices', aliases: ['Helix', '赫利克斯'] },
  { id: 'hantu', name: '瀚途医疗', aliases: ['瀚途'] },
  { id: 'caresync', name: 'CareSync', aliases: [] },
]);
const ids = (text: string) => matcher.find(text).map((m) => m.id);

describe('CompetitorMatcher', () => {
  it('finds a name regardless of case, spacing, hyphens and joined words', () => {
    for (const text of [
      'we also met Helix Devices',
      'helix devices called',
      'Helix-Devices quote',
      'the HelixPump screen',
      'helixdevices',
    ]) {
      expect(ids(text), text).toEqual(['helix']);
    }
  });

  it('forgives a small misspelling from speech recognition', () => {
    expect(ids('heelix told us their battery lasts longer')).toEqual(['helix']);
    expect(ids('we had a demo with helics')).toEqual(['helix']);
    expect(ids('caresink offered a pilot')).toEqual(['caresync']);
  });

  it('does not take short common words for a name', () => {
    for (const text of [
      'can you help me',
      'hello are you there',
      'that would help',
      'felix will join',
      'we need new devices',
    ]) {
      expect(ids(text), text).toEqual([]);
    }
  });

  it('reports where the name is and what was heard', () => {
    const [match] = matcher.find('So, HELIX devices again');
    expect(match).toMatchObject({
      id: 'helix',
      name: 'Helix Devices',
      matched: 'HELIX devices',
      index: 4,
      score: 1,
    });
  });

  it('matches Chinese names and their homophones through pinyin', () => {
    expect(ids('我们也在看瀚途医疗的产品')).toEqual(['hantu']);
    expect(ids('汉图的报价便宜两成')).toEqual(['hantu']);
    expect(ids('韩途给我们做了演示')).toEqual(['hantu']);
    const [homophone] = matcher.find('韩途给我们做了演示');
    expect(homophone.score).toBeLessThan(1);
    expect(homophone.matched).toBe('韩途');
  });

  it('does not match a different Chinese name or unrelated words', () => {
    expect(ids('我们的屏幕比北风大')).toEqual([]);
    expect(ids('北风医疗的小李')).toEqual([]);
    expect(ids('这个汉字怎么写')).toEqual([]);
  });

  it('finds several competitors in order', () => {
    expect(ids('helix and caresync both pitched, 瀚途也来了')).toEqual([
      'helix',
      'caresync',
      'hantu',
    ]);
  });

  it('matches fast enough to run on every utterance', () => {
    const started = performance.now();
    for (let i = 0; i < 500; i++)
      matcher.find('we are also looking at another vendor and their price is lower 价格便宜');
    expect((performance.now() - started) / 500).toBeLessThan(2);
  });
});

describe('edit distance', () => {
  it('counts a transposition as one edit and scales allowed edits with length', () => {
    expect(editDistance('helix', 'hleix')).toBe(1);
    expect(editDistance('helix', 'hello')).toBe(2);
    expect(allowedEdits(4)).toBe(0);
    expect(allowedEdits(5)).toBe(1);
    expect(allowedEdits(9)).toBe(2);
  });
});
