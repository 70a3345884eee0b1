import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntentClassifier } from '../../../main/engine/intents/classifier';
import {
  DEFAULT_FEATURE_CONFIG,
  extractFeatures,
  featureStrings,
  hashFeature,
} from '../../../main/engine/intents/features';
import type { IntentRow } from '../../../scripts/intents/dataset-types';
import {
  encodeRows,
  logitsOf,
  trainIntentModel,
  writeIntentModel,
} from '../../../scripts/intents/train';

const ROWS: IntentRow[] = [
  {
    text: 'the price is too high for us',
    speaker: 'customer',
    lang: 'en',
    labels: ['price_objection'],
    template: 'a',
  },
  {
    text: 'that is way too expensive',
    speaker: 'customer',
    lang: 'en',
    labels: ['price_objection'],
    template: 'b',
  },
  {
    text: 'what does the price include',
    speaker: 'customer',
    lang: 'en',
    labels: [],
    template: 'c',
  },
  { text: 'the weather is nice today', speaker: 'customer', lang: 'en', labels: [], template: 'd' },
  {
    text: '价格太贵了',
    speaker: 'customer',
    lang: 'zh',
    labels: ['price_objection'],
    template: 'e',
  },
  { text: '预算不是问题', speaker: 'customer', lang: 'zh', labels: [], template: 'f' },
  {
    text: 'how about a demo on tuesday',
    speaker: 'rep',
    lang: 'en',
    labels: ['rep_next_step_proposal'],
    template: 'g',
  },
  {
    text: 'yes exactly',
    speaker: 'customer',
    lang: 'en',
    labels: ['price_objection'],
    prev: { text: 'is price the main issue?', speaker: 'rep' },
    template: 'h',
  },
];

describe('intent features', () => {
  it('are deterministic, sorted, unique, in range and L2-normalised without context', () => {
    const turn = {
      text: "We're also looking at Helix, they're 20% cheaper",
      speaker: 'customer' as const,
      lang: 'en' as const,
    };
    const a = extractFeatures(turn);
    expect(extractFeatures(turn)).toEqual(a);
    expect([...a.ids].sort((x, y) => x - y)).toEqual(a.ids);
    expect(new Set(a.ids).size).toBe(a.ids.length);
    for (const id of a.ids) expect(id).toBeLessThan(1 << DEFAULT_FEATURE_CONFIG.hashBits);
    expect(a.values.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 4);
  });

  it('differ by speaker, and mark words after a negation', () => {
    const text = "price isn't really the issue";
    const asCustomer = featureStrings({ text, speaker: 'customer', lang: 'en' });
    const asRep = featureStrings({ text, speaker: 'rep', lang: 'en' });
    expect(asCustomer).not.toEqual(asRep);
    expect(asCustomer).toContain('u:~issue');
    expect(featureStrings({ text: '预算不是问题', speaker: 'customer', lang: 'zh' })).toContain(
      'z2:~问题',
    );
    expect(
      featureStrings({ text: '这个不错', speaker: 'customer', lang: 'zh' }).some((f) =>
        f.includes('~'),
      ),
    ).toBe(false);
  });

  it('use the previous turn only for short replies', () => {
    const previous = { text: 'is price the main issue?', speaker: 'rep' as const };
    const short = featureStrings({
      text: 'yes exactly',
      speaker: 'customer',
      lang: 'en',
      previous,
    });
    const long = featureStrings({
      text: 'yes exactly and we also need to talk about the rollout plan for the second site',
      speaker: 'customer',
      lang: 'en',
      previous,
    });
    expect(short.some((f) => f.startsWith('pC'))).toBe(true);
    expect(long.some((f) => f.startsWith('pC'))).toBe(false);
  });

  it('hash with 32-bit FNV-1a masked to the configured bits', () => {
    expect(hashFeature('', 24)).toBe(0x811c9dc5 & 0xffffff);
    expect(hashFeature('a', 18)).toBe(0xe40c292c & ((1 << 18) - 1));
  });
});

describe('training and runtime agree', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecard-tiny-intents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a tiny trained model exports to ONNX that scores exactly like the training code', async () => {
    const options = {
      epochs: 5,
      learningRate: 0.4,
      l2: 1e-4,
      positiveWeight: 1,
      dropout: 0,
      folds: 2,
      seed: 3,
      features: { ...DEFAULT_FEATURE_CONFIG, hashBits: 12 },
    };
    const trained = trainIntentModel(ROWS, options);
    writeIntentModel(dir, trained);
    const classifier = await IntentClassifier.load(dir);
    try {
      // Training encodes rows with the same ids the runtime extracts.
      const encoded = encodeRows(ROWS, trained.meta.labels, options.features);
      ROWS.forEach((row, i) => {
        const runtime = extractFeatures(
          { text: row.text, speaker: row.speaker, lang: row.lang, previous: row.prev },
          options.features,
        );
        expect(Array.from(encoded[i].ids)).toEqual(runtime.ids);
      });

      for (const [i, row] of ROWS.entries()) {
        const logits = logitsOf(trained.linear, encoded[i]);
        const scores = await classifier.scores({
          text: row.text,
          speaker: row.speaker,
          lang: row.lang,
          previous: row.prev,
        });
        trained.meta.labels.forEach((label, l) => {
          const { a, b } = { a: trained.meta.calibration.a[l], b: trained.meta.calibration.b[l] };
          const expected = 1 / (1 + Math.exp(-(a * logits[l] + b)));
          expect(scores.find((s) => s.label === label)!.confidence).toBeCloseTo(expected, 4);
        });
      }
    } finally {
      await classifier.dispose();
    }
  });
});
