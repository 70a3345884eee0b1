import { describe, expect, it } from 'vitest';
import { allowedEdits, CompetitorMatcher } from '../../../main/engine/intents/competitors';
import { editDistance } from '../../../main/engine/text/edit-distance';

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

const catalogue = new CompetitorMatcher([
  { id: 'helix', name: 'Helix Devices', aliases: ['Helix', '赫利克斯'] },
  { id: 'hantu', name: '瀚途医疗', aliases: ['瀚途'] },
  { id: 'caresync', name: 'CareSync', aliases: [] },
  { id: 'kangtai', name: '康泰科技', aliases: ['康泰', 'Kangtai'] },
  { id: 'orbis', name: 'Orbis Infusion', aliases: ['Orbis'] },
  { id: 'meridian', name: 'Meridian Health', aliases: ['Meridian', '美瑞迪安'] },
  { id: 'zhiyuan', name: '致远医疗', aliases: ['致远'] },
  { id: 'lumen', name: 'Lumen Infusion', aliases: ['Lumen', '路明'] },
]);
const heard = (text: string) => catalogue.find(text).map((m) => m.id);

describe('CompetitorMatcher with speech-recognition spellings', () => {
  it('matches a name spelt with k for c', () => {
    expect(heard('kare sync came in with a bundle')).toEqual(['caresync']);
    expect(heard('karesync is the other one on the list')).toEqual(['caresync']);
  });

  it('matches a name spelt with th for t', () => {
    expect(heard('kang thai technology sent a proposal')).toEqual(['kangtai']);
  });

  it('takes a plural, a possessive or a product word after a name, but not a longer word', () => {
    for (const text of ['three helixes on the floor', 'helixs pricing', 'the helixpump screen'])
      expect(heard(text), text).toEqual(['helix']);
    expect(heard("orbis's support line")).toEqual(['orbis']);
    expect(heard('kangtais service team is local')).toEqual(['kangtai']);
    expect(heard('my dad is a huge roy orbison fan')).toEqual([]);
    expect(heard('the helipad is on the roof')).toEqual([]);
  });

  it('matches a Chinese name with spaces between its characters', () => {
    const [match] = catalogue.find('汉 图 医疗的方案');
    expect(match).toMatchObject({ id: 'hantu', matched: '汉 图 医疗', index: 0 });
    expect(heard('瀚途，医疗')).toEqual(['hantu']);
  });

  it('forgives one syllable that is only close in a Chinese name of four characters', () => {
    for (const [text, id] of [
      ['刚泰科技也来投标了', 'kangtai'],
      ['康塔科技的售后不太行', 'kangtai'],
      ['美瑞迪恩的销售上周来过', 'meridian'],
      ['麦瑞迪安的人说可以免费升级', 'meridian'],
      ['黑利克斯也在投标', 'helix'],
      ['海利克斯的电池说能用十一个小时', 'helix'],
    ])
      expect(heard(text), text).toEqual([id]);
    const [close] = catalogue.find('刚泰科技也来投标了');
    expect(close.score).toBeLessThan(catalogue.find('抗泰科技')[0].score);
  });

  it('does not forgive a close syllable in a two-character name, or two in a longer one', () => {
    expect(heard('刚泰那边也来了')).toEqual([]);
    expect(heard('刚塔科技也来了')).toEqual([]);
    expect(heard('开了同步功能之后就好了')).toEqual([]);
  });

  it('needs the exact sounds of a Chinese name when no character is the same', () => {
    for (const text of [
      '我看太贵了吧',
      '你看台面上这个按钮',
      '科室资源有限',
      '护士都是自愿参加培训的',
    ])
      expect(heard(text), text).toEqual([]);
    expect(heard('韩图那边报价更低')).toEqual(['hantu']);
    expect(heard('抗泰科技说可以免费培训')).toEqual(['kangtai']);
    expect(heard('航途医疗的人昨天来过')).toEqual(['hantu']);
  });

  it('does not match a Chinese name that cuts across words', () => {
    for (const text of [
      '这条路明天封闭施工',
      '你们这个思路明显更清楚',
      '这样会导致远程监控断开',
      '我们院训是宁静致远',
      '康太太下午过来签字',
      '老人家身体健康太重要了',
    ])
      expect(heard(text), text).toEqual([]);
    expect(heard('明天路明的人来')).toEqual(['lumen']);
  });

  it('still matches a Chinese name joined to a conjunction as one word', () => {
    expect(heard('我们在比较康泰和瀚途')).toEqual(['kangtai', 'hantu']);
    expect(heard('路明和康泰都来过')).toEqual(['lumen', 'kangtai']);
    expect(heard('致远与康泰都报了价')).toEqual(['zhiyuan', 'kangtai']);
  });

  it('matches fast enough to run on every utterance, Chinese included', () => {
    const texts = [
      '我们在比较康泰和瀚途，路明明天也来',
      'kare sync and the helixpump came in lower',
    ];
    const started = performance.now();
    for (let i = 0; i < 500; i++) for (const text of texts) catalogue.find(text);
    expect((performance.now() - started) / 1000).toBeLessThan(1);
  });
});

describe('CompetitorMatcher exception phrases', () => {
  const withExceptions = new CompetitorMatcher([
    { id: 'helix', name: 'Helix Devices', aliases: ['Helix'], notWhen: ['double helix'] },
    { id: 'kangtai', name: '康泰科技', aliases: ['康泰'], notWhen: ['身体康泰'] },
    { id: 'meridian', name: 'Meridian', aliases: [], notWhen: ['prime meridian'] },
  ]);
  const found = (text: string) => withExceptions.find(text).map((m) => m.id);

  it('ignores a name used in its ordinary sense, whatever the case and spacing', () => {
    expect(found('a school project on the double helix')).toEqual([]);
    expect(found('the Double-Helix model')).toEqual([]);
    expect(found('the prime meridian runs through greenwich')).toEqual([]);
    expect(found('祝您新年快乐，身体康泰')).toEqual([]);
    expect(found('祝您身体 康泰')).toEqual([]);
  });

  it('still finds the competitor elsewhere in the same utterance', () => {
    expect(found('helix sponsored the double helix exhibit')).toEqual(['helix']);
    expect(found('身体康泰，康泰科技也来了')).toEqual(['kangtai']);
    expect(found('we double checked the helix quote')).toEqual(['helix']);
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
