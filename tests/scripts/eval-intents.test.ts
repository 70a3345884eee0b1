import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreIntents } from '../../scripts/intents/metrics';
import { readIntentRows } from '../../scripts/intents/rows';
import { REPO_ROOT } from '../helpers/shared';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, rows: unknown[]): string {
  const out = path.join(tmp, name);
  writeFileSync(out, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return out;
}

const row = (text: string, speaker: string, labels: string[], lang = 'en') => ({
  text,
  speaker,
  lang,
  labels,
});

describe('labelled files for eval:intents', () => {
  it('refuses a row without labels instead of scoring it as none, naming the file, line and near-miss field', () => {
    const f = file('renamed.jsonl', [
      row('too pricey for us', 'customer', ['price_objection']),
      { text: 'too pricey', speaker: 'customer', lang: 'en', label: ['price_objection'] },
    ]);
    expect(() => readIntentRows(f)).toThrow(
      `${f}:2: field "labels" is missing (use [] for none); found "label" instead`,
    );
    const typo = file('typo.jsonl', [{ text: 'hi', speaker: 'rep', lang: 'en', lables: [] }]);
    expect(() => readIntentRows(typo)).toThrow('found "lables" instead');
  });

  it('refuses a row without a speaker, and a label of the other side', () => {
    const noSpeaker = file('no-speaker.jsonl', [{ text: 'hi', lang: 'en', labels: [] }]);
    expect(() => readIntentRows(noSpeaker)).toThrow(`${noSpeaker}:1: field "speaker" is missing`);
    const wrongSide = file('wrong-side.jsonl', [
      row('a study showed 31% fewer errors', 'customer', ['rep_cites_evidence']),
    ]);
    expect(() => readIntentRows(wrongSide)).toThrow(
      `${wrongSide}:1: field "labels" has "rep_cites_evidence", a rep label, on a customer row`,
    );
    const unknownSide = file('unknown-side.jsonl', [
      row('a study showed 31% fewer errors', 'unknown', ['rep_cites_evidence']),
    ]);
    expect(readIntentRows(unknownSide)[0].labels).toEqual(['rep_cites_evidence']);
  });
});

describe('macro-F1', () => {
  it('counts a false alarm on a label the file never has', () => {
    const rows = readIntentRows(
      file('one.jsonl', [row('Too expensive for us.', 'customer', ['price_objection'])]),
    );
    const right = scoreIntents(rows, [['price_objection']]);
    const extra = scoreIntents(rows, [['price_objection', 'competitor_mention']]);
    expect(right.macroF1).toBe(1);
    expect(extra.macroF1).toBe(0.5);
    expect(extra.macroF1ByLang.en).toBe(0.5);
  });
});

describe('npm run eval:intents', () => {
  it('scores a file with the bundled model and ends with a JSON line of the figures', async () => {
    const f = file('small.jsonl', [
      row("honestly that's way more than we budgeted for", 'customer', ['price_objection']),
      row('finance froze all new spend until next quarter', 'customer', ['budget_freeze']),
      row('price isn’t really the issue for us', 'customer', []),
      row('这个价格超出我们的预算了', 'customer', ['price_objection'], 'zh'),
      row('我们再研究研究', 'customer', ['stall'], 'zh'),
    ]);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/intents/eval.ts', f],
      {
        cwd: REPO_ROOT,
      },
    );
    const last = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(last).toMatchObject({ file: 'small.jsonl', rows: 5 });
    expect(Object.keys(last.macroF1ByLang).sort()).toEqual(['en', 'zh']);
    expect(stdout).toMatch(/price_objection/);
  });

  it('fails with the file and line of a bad row, and no stack trace', async () => {
    const f = path.join(tmp, 'broken.jsonl');
    writeFileSync(f, `${JSON.stringify(row('ok', 'rep', []))}\n{"text": "oops"\n`);
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/intents/eval.ts', f], {
      cwd: REPO_ROOT,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.jsonl:2: not valid JSON/);
    const empty = path.join(tmp, 'empty.jsonl');
    writeFileSync(empty, '');
    const none = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/intents/eval.ts', empty],
      {
        cwd: REPO_ROOT,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/empty\.jsonl: no labelled rows to score/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
