/**
 * Multi-label scores for intent predictions: per-label precision/recall/F1, macro-F1 overall and
 * per language (over the intent labels of the contract, `none` reported separately), exact-match
 * accuracy, and the most frequent confusions.
 */
import { INTENT_LABELS } from '../../main/contract/events';
import type { IntentRow } from './dataset-types';

export interface LabelFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface IntentReport {
  rows: number;
  exactMatch: number;
  macroF1: number;
  macroF1ByLang: Record<string, number>;
  perLabel: Record<string, LabelFigures>;
  perLabelByLang: Record<string, Record<string, LabelFigures>>;
  confusions: Array<{ expected: string; predicted: string; count: number; example: string }>;
}

function figures(tp: number, fp: number, fn: number): LabelFigures {
  const precision = tp + fp ? tp / (tp + fp) : tp + fn ? 0 : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn, predicted: tp + fp };
}

function perLabel(rows: IntentRow[], predictions: string[][]): Record<string, LabelFigures> {
  const out: Record<string, LabelFigures> = {};
  for (const label of [...INTENT_LABELS, 'none']) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((row, i) => {
      const expected = row.labels.length ? row.labels : ['none'];
      const predicted = predictions[i].length ? predictions[i] : ['none'];
      const e = expected.includes(label);
      const p = predicted.includes(label);
      if (e && p) tp++;
      else if (p) fp++;
      else if (e) fn++;
    });
    out[label] = figures(tp, fp, fn);
  }
  return out;
}

/**
 * Macro-F1 over the contract's intent labels that occur in these rows, as truth or as a
 * prediction: a label the file never has but the model gives anyway counts with F1 0.
 */
function macro(table: Record<string, LabelFigures>): number {
  const present = INTENT_LABELS.filter(
    (label) => table[label].support > 0 || table[label].predicted > 0,
  );
  if (present.length === 0) return Number.NaN;
  return present.reduce((sum, label) => sum + table[label].f1, 0) / present.length;
}

/** Scores `predictions[i]` (labels, empty = none) against `rows[i].labels`. */
export function scoreIntents(rows: IntentRow[], predictions: string[][]): IntentReport {
  const overall = perLabel(rows, predictions);
  const perLabelByLang: Record<string, Record<string, LabelFigures>> = {};
  const macroF1ByLang: Record<string, number> = {};
  for (const lang of [...new Set(rows.map((r) => r.lang))].sort()) {
    const indices = rows.map((r, i) => (r.lang === lang ? i : -1)).filter((i) => i >= 0);
    const table = perLabel(
      indices.map((i) => rows[i]),
      indices.map((i) => predictions[i]),
    );
    perLabelByLang[lang] = table;
    macroF1ByLang[lang] = macro(table);
  }

  const confusionCounts = new Map<string, { count: number; example: string }>();
  let exact = 0;
  rows.forEach((row, i) => {
    const expected = row.labels.length ? [...row.labels].sort() : ['none'];
    const predicted = predictions[i].length ? [...predictions[i]].sort() : ['none'];
    if (expected.join() === predicted.join()) {
      exact++;
      return;
    }
    const key = `${expected.join('+')} -> ${predicted.join('+')}`;
    const entry = confusionCounts.get(key) ?? { count: 0, example: row.text };
    entry.count++;
    confusionCounts.set(key, entry);
  });
  const confusions = [...confusionCounts.entries()]
    .map(([key, { count, example }]) => {
      const [expected, predicted] = key.split(' -> ');
      return { expected, predicted, count, example };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, 12);

  return {
    rows: rows.length,
    exactMatch: rows.length ? exact / rows.length : Number.NaN,
    macroF1: macro(overall),
    macroF1ByLang,
    perLabel: overall,
    perLabelByLang,
    confusions,
  };
}

const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : (x * 100).toFixed(1).padStart(5));

/** Human-readable table of a report. */
export function formatReport(report: IntentReport): string {
  const langs = Object.keys(report.perLabelByLang);
  const lines = [
    `rows ${report.rows}  exact-match ${pct(report.exactMatch)}%  macro-F1 ${pct(report.macroF1)}%  ` +
      langs.map((l) => `${l} ${pct(report.macroF1ByLang[l])}%`).join('  '),
    '',
    `${'label'.padEnd(27)} ${'P'.padStart(5)} ${'R'.padStart(5)} ${'F1'.padStart(5)} ${'n'.padStart(5)}  ` +
      langs.map((l) => `F1 ${l}`.padStart(7)).join(' '),
  ];
  for (const [label, f] of Object.entries(report.perLabel)) {
    if (f.support === 0 && f.predicted === 0) continue;
    const byLang = langs.map((l) => {
      const lf = report.perLabelByLang[l][label];
      return (lf.support || lf.predicted ? pct(lf.f1) : '    -').padStart(7);
    });
    lines.push(
      `${label.padEnd(27)} ${pct(f.precision)} ${pct(f.recall)} ${pct(f.f1)} ${String(f.support).padStart(5)}  ${byLang.join(' ')}`,
    );
  }
  if (report.confusions.length) {
    lines.push('', 'worst confusions (expected -> predicted, count, example):');
    for (const c of report.confusions) {
      lines.push(`  ${c.expected} -> ${c.predicted}  x${c.count}  "${c.example.slice(0, 80)}"`);
    }
  }
  return lines.join('\n');
}

/** Compact figures for the final JSON line and meta.json. */
export function summarize(report: IntentReport): Record<string, unknown> {
  const round = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 10000) / 10000);
  return {
    rows: report.rows,
    macroF1: round(report.macroF1),
    macroF1ByLang: Object.fromEntries(
      Object.entries(report.macroF1ByLang).map(([k, v]) => [k, round(v)]),
    ),
    exactMatch: round(report.exactMatch),
    f1: Object.fromEntries(
      Object.entries(report.perLabel)
        .filter(([, f]) => f.support > 0 || f.predicted > 0)
        .map(([k, f]) => [k, round(f.f1)]),
    ),
  };
}
