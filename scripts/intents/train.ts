/**
 * Trains the intent model: one logistic regression per label over hashed sparse features
 * (`main/engine/intents/features.ts`), AdaGrad, seeded shuffling. Confidences are calibrated
 * with Platt scaling fitted on out-of-fold scores (folds grouped by generator template, so a
 * template's variants never score each other), and per-label thresholds maximise out-of-fold
 * F1. Writes `models/intent/intent.onnx` and `meta.json`, then scores the test split through
 * onnxruntime and stores the figures in meta.json.
 *
 * Usage: npx tsx scripts/intents/train.ts [--train FILE] [--test FILE] [--out DIR] [--seed N]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENT_LABELS } from '../../main/contract/events';
import {
  IntentClassifier,
  type IntentModelMeta,
  INTENT_META_FILE,
  INTENT_MODEL_FILE,
  labelSide,
} from '../../main/engine/intents/classifier';
import {
  DEFAULT_FEATURE_CONFIG,
  extractFeatures,
  type FeatureConfig,
} from '../../main/engine/intents/features';
import type { IntentRow } from './dataset-types';
import { DEV_FILE, mulberry32, TEMPLATE_TEST_FILE } from './make-dataset';
import { formatReport, scoreIntents, summarize } from './metrics';
import { exportLinearModel, roundToFloat16 } from './onnx-export';
import { readIntentRows } from './rows';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MODEL_VERSION = '1.0.0';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty applied to each touched weight per update. */
  l2: number;
  /** Weight of a positive example relative to a negative one. */
  positiveWeight: number;
  /** Share of a row's features left out at each update, so no single phrase carries a label. */
  dropout: number;
  folds: number;
  seed: number;
  features: FeatureConfig;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 12,
  learningRate: 0.4,
  l2: 3e-3,
  positiveWeight: 1.5,
  dropout: 0.2,
  folds: 4,
  seed: 13,
  features: DEFAULT_FEATURE_CONFIG,
};

export interface EncodedRow {
  ids: Int32Array;
  values: Float32Array;
  targets: Uint8Array;
  speaker: IntentRow['speaker'];
  group: string;
}

/** Row-major [buckets, labels] weights and per-label bias. */
export interface LinearModel {
  weights: Float32Array;
  bias: Float32Array;
  buckets: number;
  labelCount: number;
}

/** Features and 0/1 targets of rows, exactly as the runtime extracts them. */
export function encodeRows(
  rows: IntentRow[],
  labels: readonly string[],
  features: FeatureConfig,
): EncodedRow[] {
  return rows.map((row) => {
    const f = extractFeatures(
      { text: row.text, speaker: row.speaker, lang: row.lang, previous: row.prev ?? null },
      features,
    );
    return {
      ids: Int32Array.from(f.ids),
      values: Float32Array.from(f.values),
      targets: Uint8Array.from(labels, (label) => (row.labels.includes(label) ? 1 : 0)),
      speaker: row.speaker,
      group: row.template ?? `${row.lang}:${row.text.slice(0, 12)}`,
    };
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Raw logits of an encoded row, computed in JavaScript. */
export function logitsOf(
  model: LinearModel,
  row: { ids: ArrayLike<number>; values: ArrayLike<number> },
): Float64Array {
  const out = Float64Array.from(model.bias);
  const L = model.labelCount;
  for (let k = 0; k < row.ids.length; k++) {
    const base = row.ids[k] * L;
    const v = row.values[k];
    for (let l = 0; l < L; l++) out[l] += model.weights[base + l] * v;
  }
  return out;
}

/** Logistic regression per label with AdaGrad over the shared sparse inputs. */
export function trainLinear(
  rows: EncodedRow[],
  labelCount: number,
  options: TrainOptions,
): LinearModel {
  const buckets = 1 << options.features.hashBits;
  const model: LinearModel = {
    weights: new Float32Array(buckets * labelCount),
    bias: new Float32Array(labelCount),
    buckets,
    labelCount,
  };
  const squaredGrads = new Float32Array(buckets * labelCount);
  const biasSquaredGrads = new Float32Array(labelCount);
  const rng = mulberry32(options.seed);
  const order = Array.from({ length: rows.length }, (_, i) => i);
  const eps = 1e-8;
  const dropout = options.dropout;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const index of order) {
      const row = rows[index];
      // Dropout: a random part of the features is hidden for this update; the rest are
      // scaled up so the logits keep their size.
      const kept = dropout > 0 ? Array.from(row.ids, () => rng() >= dropout) : null;
      const view = kept
        ? {
            ids: row.ids.filter((_, k) => kept[k]),
            values: row.values.filter((_, k) => kept[k]).map((v) => v / (1 - dropout)),
          }
        : row;
      const logits = logitsOf(model, view);
      for (let l = 0; l < labelCount; l++) {
        const y = row.targets[l];
        const g = (sigmoid(logits[l]) - y) * (y ? options.positiveWeight : 1);
        if (Math.abs(g) < 1e-4) continue;
        biasSquaredGrads[l] += g * g;
        model.bias[l] -= (options.learningRate * g) / Math.sqrt(biasSquaredGrads[l] + eps);
        for (let k = 0; k < view.ids.length; k++) {
          const at = view.ids[k] * labelCount + l;
          const grad = g * view.values[k] + options.l2 * model.weights[at];
          squaredGrads[at] += grad * grad;
          model.weights[at] -= (options.learningRate * grad) / Math.sqrt(squaredGrads[at] + eps);
        }
      }
    }
  }
  return model;
}

/** Platt scaling fitted by Newton's method with Platt's smoothed targets. */
export function fitPlatt(logits: number[], targets: number[]): { a: number; b: number } {
  const positives = targets.filter((t) => t === 1).length;
  const negatives = targets.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const t = targets.map((y) => (y ? hi : lo));
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < logits.length; i++) {
      const p = sigmoid(a * logits[i] + b);
      const d = p - t[i];
      const w = p * (1 - p);
      ga += d * logits[i];
      gb += d;
      haa += w * logits[i] * logits[i];
      hab += w * logits[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    // Damped Newton step: separable data would otherwise push a and b to infinity.
    const scale = Math.min(
      1,
      1 / Math.max(Math.abs((hbb * ga - hab * gb) / det), Math.abs((haa * gb - hab * ga) / det)),
    );
    const da = ((hbb * ga - hab * gb) / det) * scale;
    const db = ((haa * gb - hab * ga) / det) * scale;
    a = Math.min(20, Math.max(0.05, a - da));
    b = Math.min(20, Math.max(-20, b - db));
    if (Math.abs(da) + Math.abs(db) < 1e-7) break;
  }
  return { a, b };
}

/** The threshold in [0.2, 0.8] with the best F1 (ties go to the one nearest 0.5). */
export function bestThreshold(
  probabilities: number[],
  targets: number[],
): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (let step = 20; step <= 80; step++) {
    const threshold = step / 100;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    probabilities.forEach((p, i) => {
      if (p >= threshold && targets[i]) tp++;
      else if (p >= threshold) fp++;
      else if (targets[i]) fn++;
    });
    const f1 = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
    const better =
      f1 > best.f1 + 1e-9 ||
      (Math.abs(f1 - best.f1) <= 1e-9 &&
        Math.abs(threshold - 0.5) < Math.abs(best.threshold - 0.5));
    if (better) best = { threshold, f1 };
  }
  return best;
}

function foldOf(group: string, folds: number): number {
  let hash = 2166136261;
  for (let i = 0; i < group.length; i++) hash = Math.imul(hash ^ group.charCodeAt(i), 16777619);
  return (hash >>> 0) % folds;
}

/** Everything `train` produces, before it is written to disk. */
export interface TrainedIntentModel {
  onnx: Uint8Array;
  meta: IntentModelMeta;
  /** The trained weights, for checks that the ONNX graph computes the same scores. */
  linear: LinearModel;
}

/** Trains, calibrates and exports a model from labelled rows. Deterministic for fixed options. */
export function trainIntentModel(
  rows: IntentRow[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  labels: readonly string[] = INTENT_LABELS,
): TrainedIntentModel {
  const encoded = encodeRows(rows, labels, options.features);

  // Out-of-fold logits for calibration and thresholds.
  const oofLogits: Float64Array[] = new Array(encoded.length);
  const folds = Math.max(2, options.folds);
  for (let fold = 0; fold < folds; fold++) {
    const trainPart = encoded.filter((r) => foldOf(r.group, folds) !== fold);
    const heldOut = encoded
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => foldOf(r.group, folds) === fold);
    if (trainPart.length === 0 || heldOut.length === 0) continue;
    const foldModel = trainLinear(trainPart, labels.length, {
      ...options,
      seed: options.seed + fold + 1,
    });
    for (const { r, i } of heldOut) oofLogits[i] = logitsOf(foldModel, r);
  }

  const plattA: number[] = [];
  const plattB: number[] = [];
  const thresholds: Record<string, number> = {};
  const oofF1: Record<string, number> = {};
  labels.forEach((label, l) => {
    // Calibrate on turns of the label's own side: the runtime never reports it for the other.
    const side = labelSide(label);
    const idx = encoded
      .map((_row, i) => i)
      .filter((i) => oofLogits[i] && (side === 'both' || encoded[i].speaker === side));
    const z = idx.map((i) => oofLogits[i][l]);
    const y = idx.map((i) => encoded[i].targets[l]);
    const { a, b } = y.some((v) => v) ? fitPlatt(z, y) : { a: 1, b: 0 };
    plattA.push(a);
    plattB.push(b);
    const best = bestThreshold(
      z.map((v) => sigmoid(a * v + b)),
      y,
    );
    thresholds[label] = best.threshold;
    oofF1[label] = Math.round(best.f1 * 10000) / 10000;
  });

  const model = trainLinear(encoded, labels.length, options);
  // The graph stores weights in half precision; the JavaScript copy uses the same values.
  roundToFloat16(model.weights);
  const trainedAt = new Date().toISOString();
  const meta: IntentModelMeta = {
    format: 'cuecard-intent-linear',
    version: `${MODEL_VERSION}+f${options.features.version}`,
    trainedAt,
    labels: [...labels],
    features: options.features,
    calibration: { method: 'platt', a: plattA, b: plattB, appliedInGraph: true },
    thresholds,
    training: {
      rows: rows.length,
      epochs: options.epochs,
      learningRate: options.learningRate,
      l2: options.l2,
      positiveWeight: options.positiveWeight,
      dropout: options.dropout,
      folds,
      seed: options.seed,
      outOfFoldF1: oofF1,
    },
  };
  const onnx = exportLinearModel({
    weights: model.weights,
    buckets: model.buckets,
    labels: [...labels],
    bias: model.bias,
    plattA: Float32Array.from(plattA),
    plattB: Float32Array.from(plattB),
    metadata: { version: meta.version, labels: labels.join(',') },
  });
  return { onnx, meta, linear: model };
}

/** Writes the model files into `outDir`. */
export function writeIntentModel(outDir: string, trained: TrainedIntentModel): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, INTENT_MODEL_FILE), trained.onnx);
  writeFileSync(path.join(outDir, INTENT_META_FILE), `${JSON.stringify(trained.meta, null, 2)}\n`);
}

/** Runs the classifier over rows; returns the predicted labels of each. */
export async function predictRows(
  classifier: IntentClassifier,
  rows: IntentRow[],
): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of rows) {
    const found = await classifier.classify({
      text: row.text,
      speaker: row.speaker,
      lang: row.lang,
      previous: row.prev ?? null,
    });
    out.push(found.map((s) => s.label));
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : fallback;
  };
  const trainFile = path.resolve(arg('--train', path.join(REPO_ROOT, 'data/intents/train.jsonl')));
  const testFile = path.resolve(arg('--test', path.join(REPO_ROOT, 'data/intents/test.jsonl')));
  const outDir = path.resolve(arg('--out', path.join(REPO_ROOT, 'models/intent')));
  const seed = Number(arg('--seed', String(DEFAULT_TRAIN_OPTIONS.seed)));
  // Overrides for trying settings by cross-validation, e.g. --options '{"l2":0.01}'.
  const overrides = JSON.parse(arg('--options', '{}')) as Partial<TrainOptions>;

  const started = performance.now();
  const rows = readIntentRows(trainFile);
  const trained = trainIntentModel(rows, { ...DEFAULT_TRAIN_OPTIONS, ...overrides, seed });
  writeIntentModel(outDir, trained);
  const trainSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `trained on ${rows.length} rows in ${trainSeconds.toFixed(1)} s; model ${(trained.onnx.length / 1e6).toFixed(1)} MB -> ${outDir}\n` +
      `thresholds ${JSON.stringify(trained.meta.thresholds)}\n` +
      `out-of-fold F1 ${JSON.stringify(trained.meta.training?.outOfFoldF1)}\n`,
  );

  // Held-out figures: the hand-written test split, the whole calls kept for studying errors,
  // and the rows of the bank templates that training never saw. None of them is trained on.
  const dataDir = path.dirname(testFile);
  const heldOut: Array<[key: string, file: string]> = [
    ['testSplit', testFile],
    ['devCalls', path.join(dataDir, DEV_FILE)],
    ['heldOutTemplates', path.join(dataDir, TEMPLATE_TEST_FILE)],
  ];
  const classifier = await IntentClassifier.load(outDir);
  try {
    const figures: Record<string, unknown> = {};
    for (const [key, file] of heldOut) {
      if (!existsSync(file)) continue;
      const heldRows = readIntentRows(file);
      const report = scoreIntents(heldRows, await predictRows(classifier, heldRows));
      process.stdout.write(`\n${key} (${path.basename(file)}):\n${formatReport(report)}\n`);
      figures[key] = summarize(report);
    }
    trained.meta.eval = { ...figures, trainSeconds: Math.round(trainSeconds * 10) / 10 };
    writeIntentModel(outDir, trained);
  } finally {
    await classifier.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`train: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
