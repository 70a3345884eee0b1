/**
 * Intent classifier: hashed text features (see `features.ts`) scored by a linear ONNX model in
 * onnxruntime-node, with Platt-calibrated confidences and per-label thresholds from meta.json.
 * Customer labels are only given to customer turns and rep labels to rep turns; a turn of
 * unknown side (mono audio) is scored both ways and may get either.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { CUSTOMER_INTENTS, type CallLang, REP_INTENTS } from '../../contract/events';
import { checkedEnv } from '../env';
import { createLogger } from '../log';
import { detectLang } from '../text/lang';
import {
  dismissedLabels,
  type FeatureConfig,
  FEATURE_VERSION,
  extractFeatures,
  type IntentSpeaker,
} from './features';

const log = createLogger('intents');

export const INTENT_MODEL_FILE = 'intent.onnx';
export const INTENT_META_FILE = 'meta.json';

/** One utterance to classify. */
export interface IntentInput {
  text: string;
  speaker: IntentSpeaker;
  lang: CallLang;
  /** The turn before, used for short replies such as "yes, exactly". */
  previous?: { text: string; speaker: IntentSpeaker } | null;
  /**
   * Where the playbook's competitors are named in `text` (UTF-16 index and length). A name that
   * is also an ordinary word (轨迹, "Prime") tells the model little; the competitor labels are
   * also scored with each name read as "the other vendor" / "别家", and the higher score counts.
   */
  competitorSpans?: ReadonlyArray<{ index: number; length: number }>;
}

/** Labels about a competitor, which the generic reading of a named competitor can raise. */
const COMPETITOR_LABELS = new Set(['competitor_mention', 'rep_competitor_comparison']);

/** `text` with each span replaced by a generic name for a competitor in the call's language. */
export function withGenericCompetitors(
  text: string,
  spans: ReadonlyArray<{ index: number; length: number }>,
  lang: CallLang,
): string {
  const generic = lang === 'zh' ? '别家' : 'the other vendor';
  // English words need spaces around the stand-in when the name was glued to a word.
  const pad = lang === 'zh' ? '' : ' ';
  let out = '';
  let at = 0;
  for (const { index, length } of [...spans].sort((a, b) => a.index - b.index)) {
    if (index < at || length <= 0 || index + length > text.length) continue;
    const before = text.slice(at, index);
    out += before + (before && !/\s$/.test(before) ? pad : '') + generic;
    at = index + length;
    if (pad && /[\p{L}\p{N}]/u.test(text[at] ?? '')) out += pad;
  }
  return out + text.slice(at);
}

/** A label with its calibrated probability (0..1). */
export interface IntentScore {
  label: string;
  confidence: number;
}

/** What `meta.json` beside the ONNX file says about the model. */
export interface IntentModelMeta {
  format: 'cuecard-intent-linear';
  version: string;
  /** ISO 8601 time the model was trained. */
  trainedAt: string;
  /** Output order of the model's `probabilities` tensor. */
  labels: string[];
  features: FeatureConfig;
  calibration: { method: 'platt'; a: number[]; b: number[]; appliedInGraph: boolean };
  /** A label is reported by `classify` when its confidence is at least this. */
  thresholds: Record<string, number>;
  training?: Record<string, unknown>;
  eval?: Record<string, unknown>;
}

/** Loading or running the intent model failed; the message names the file. */
export class IntentModelError extends Error {
  override name = 'IntentModelError';
}

const CUSTOMER_SET = new Set<string>(CUSTOMER_INTENTS);
const REP_SET = new Set<string>(REP_INTENTS);

/** The side a label belongs to; labels a model adds beyond the contract count for both. */
export function labelSide(label: string): 'customer' | 'rep' | 'both' {
  return CUSTOMER_SET.has(label) ? 'customer' : REP_SET.has(label) ? 'rep' : 'both';
}

function moduleDir(): string | null {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return null;
  }
}

/**
 * Folders where the bundled model may live, most specific first: only `CUECARD_INTENT_MODEL_DIR`
 * when it is set (throws EnvError when that folder or its model is missing), else relative to
 * this module (source tree `main/engine/intents/`, or bundled `out/main/`),
 * the Electron resources folder, and the working directory.
 */
export function intentModelDirCandidates(): string[] {
  const candidates: string[] = [];
  // A folder named by the variable is the only one tried: using another model instead would
  // hide the mistake. It must exist and hold the model (EnvError otherwise).
  const fromEnv = checkedEnv('CUECARD_INTENT_MODEL_DIR');
  if (fromEnv) return [path.resolve(fromEnv)];
  const here = moduleDir();
  if (here) {
    for (const up of ['../../..', '../..', '..', '../../../..']) {
      candidates.push(path.resolve(here, up, 'models/intent'));
    }
  }
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.push(path.join(resources, 'models/intent'));
  candidates.push(path.resolve(process.cwd(), 'models/intent'));
  return [...new Set(candidates)];
}

/** The first candidate folder that holds a model, or the first candidate when none does. */
export function defaultIntentModelDir(): string {
  const candidates = intentModelDirCandidates();
  return candidates.find((dir) => existsSync(path.join(dir, INTENT_META_FILE))) ?? candidates[0];
}

function readMeta(metaPath: string): IntentModelMeta {
  if (!existsSync(metaPath))
    throw new IntentModelError(`intent model metadata not found: ${metaPath}`);
  let meta: IntentModelMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (error) {
    throw new IntentModelError(
      `intent model metadata is not valid JSON: ${metaPath} (${(error as Error).message})`,
    );
  }
  const problem =
    meta.format !== 'cuecard-intent-linear'
      ? 'field "format" must be cuecard-intent-linear'
      : !Array.isArray(meta.labels) || meta.labels.length === 0
        ? 'field "labels" must be a non-empty array'
        : typeof meta.thresholds !== 'object' || meta.thresholds === null
          ? 'field "thresholds" is missing'
          : meta.features?.version !== FEATURE_VERSION
            ? `field "features.version" is ${meta.features?.version}, this build extracts version ${FEATURE_VERSION}: retrain the model`
            : null;
  if (problem) throw new IntentModelError(`${metaPath}: ${problem}`);
  return meta;
}

/** Scores utterances with the intent model. Create with `load`, release with `dispose`. */
export class IntentClassifier {
  private disposed = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: IntentModelMeta,
    readonly modelPath: string,
  ) {}

  /** Loads `intent.onnx` and `meta.json` from `modelDir` (default: the bundled model). */
  static async load(modelDir: string = defaultIntentModelDir()): Promise<IntentClassifier> {
    const modelPath = path.join(modelDir, INTENT_MODEL_FILE);
    const meta = readMeta(path.join(modelDir, INTENT_META_FILE));
    if (!existsSync(modelPath)) throw new IntentModelError(`intent model not found: ${modelPath}`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
    } catch (error) {
      throw new IntentModelError(
        `cannot load intent model ${modelPath}: ${(error as Error).message}`,
      );
    }
    log.info(
      { modelPath, version: meta.version, labels: meta.labels.length },
      'load: intent model ready',
    );
    return new IntentClassifier(session, meta, modelPath);
  }

  /** Calibrated probabilities of every model label for `speaker` as given, in model order. */
  private async probabilities(input: IntentInput, speaker: IntentSpeaker): Promise<Float32Array> {
    if (this.disposed) throw new IntentModelError(`intent model ${this.modelPath} was disposed`);
    const features = extractFeatures(
      {
        text: input.text,
        speaker,
        lang: input.lang ?? detectLang(input.text),
        previous: input.previous ?? null,
      },
      this.meta.features,
    );
    const count = features.ids.length;
    const feeds = {
      feature_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(features.ids, (id) => BigInt(id)),
        [count],
      ),
      feature_values: new ort.Tensor('float32', Float32Array.from(features.values), [count]),
    };
    try {
      const result = await this.session.run(feeds);
      return result.probabilities.data as Float32Array;
    } catch (error) {
      throw new IntentModelError(
        `intent model ${this.modelPath} failed to run: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Every label with its calibrated confidence, best first. For an unknown speaker, customer
   * labels are scored as if the customer spoke and rep labels as if the rep spoke.
   */
  async scores(input: IntentInput): Promise<IntentScore[]> {
    const labels = this.meta.labels;
    const [customerView, repView] = await this.views(input);
    let generic: [Float32Array, Float32Array] | null = null;
    if (input.competitorSpans?.length) {
      const lang = input.lang ?? detectLang(input.text);
      const text = withGenericCompetitors(input.text, input.competitorSpans, lang);
      if (text !== input.text) generic = await this.views({ ...input, text, lang });
    }
    return labels
      .map((label, i) => {
        const side = labelSide(label) === 'rep' ? 1 : 0;
        let confidence = (side ? repView : customerView)[i];
        if (generic && COMPETITOR_LABELS.has(label)) {
          confidence = Math.max(confidence, generic[side][i]);
        }
        return { label, confidence };
      })
      .sort((a, b) => b.confidence - a.confidence);
  }

  /** Probabilities as the customer would mean them, and as the rep would. */
  private async views(input: IntentInput): Promise<[Float32Array, Float32Array]> {
    if (input.speaker === 'unknown') {
      return Promise.all([this.probabilities(input, 'customer'), this.probabilities(input, 'rep')]);
    }
    const view = await this.probabilities(input, input.speaker);
    return [view, view];
  }

  /**
   * Labels that belong to the speaker's side and reach their threshold, best first. An
   * objection whose topic the turn waves away ("price isn't really the issue") is never given,
   * however the model scores it.
   */
  async classify(input: IntentInput): Promise<IntentScore[]> {
    const all = await this.scores(input);
    const ruledOut = new Set(dismissedLabels(input.text));
    return all.filter(({ label, confidence }) => {
      const side = labelSide(label);
      const allowed = side === 'both' || input.speaker === 'unknown' || side === input.speaker;
      return allowed && !ruledOut.has(label) && confidence >= (this.meta.thresholds[label] ?? 0.5);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
