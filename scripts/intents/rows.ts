/**
 * Reads labelled intent rows (JSONL). Every problem names the file and the line. `text`,
 * `speaker` and `labels` are required (an empty `labels` means none, so a misspelt field name
 * cannot quietly turn every row into none); `lang` may be missing (detected from the text). A
 * label of the other side (a customer row labelled rep_cites_evidence) is refused.
 */
import { readFileSync } from 'node:fs';
import { INTENT_LABELS } from '../../main/contract/events';
import { labelSide } from '../../main/engine/intents/classifier';
import { editDistance } from '../../main/engine/text/edit-distance';
import { detectLang } from '../../main/engine/text/lang';
import type { IntentRow } from './dataset-types';

const SPEAKERS = new Set(['rep', 'customer', 'unknown']);
const KNOWN_LABELS = new Set<string>([...INTENT_LABELS, 'none']);

/** Parses one JSONL file; throws an Error naming `file:line` and the field on bad input. */
export function readIntentRows(file: string): IntentRow[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read labelled rows (${(error as Error).message})`);
  }
  const rows: IntentRow[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${file}:${index + 1}`;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof raw.text !== 'string') throw new Error(`${where}: field "text" must be a string`);
    const speaker = raw.speaker;
    if (speaker === undefined) {
      throw new Error(`${where}: field "speaker" is missing (rep, customer or unknown)`);
    }
    if (typeof speaker !== 'string' || !SPEAKERS.has(speaker)) {
      throw new Error(`${where}: field "speaker" must be rep, customer or unknown`);
    }
    const labels = raw.labels;
    if (labels === undefined) {
      const near = Object.keys(raw).find(
        (k) => /^(intents?|tags)$/i.test(k) || editDistance(k.toLowerCase(), 'labels', 1) <= 1,
      );
      throw new Error(
        `${where}: field "labels" is missing (use [] for none)` +
          (near ? `; found "${near}" instead` : ''),
      );
    }
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) {
      throw new Error(`${where}: field "labels" must be an array of strings`);
    }
    const unknown = labels.find((l) => !KNOWN_LABELS.has(l));
    if (unknown) throw new Error(`${where}: field "labels" has unknown label "${unknown}"`);
    const wrongSide = labels.find(
      (l) => l !== 'none' && speaker !== 'unknown' && ![speaker, 'both'].includes(labelSide(l)),
    );
    if (wrongSide) {
      throw new Error(
        `${where}: field "labels" has "${wrongSide}", a ${labelSide(wrongSide)} label, on a ${speaker} row`,
      );
    }
    const lang = raw.lang === undefined ? detectLang(raw.text) : raw.lang;
    if (lang !== 'en' && lang !== 'zh') throw new Error(`${where}: field "lang" must be en or zh`);
    const row: IntentRow = {
      text: raw.text,
      speaker: speaker as IntentRow['speaker'],
      lang,
      labels: (labels as string[]).filter((l) => l !== 'none'),
    };
    if (raw.prev !== undefined && raw.prev !== null) {
      const prev = raw.prev as Record<string, unknown>;
      if (typeof prev.text !== 'string')
        throw new Error(`${where}: field "prev.text" must be a string`);
      const prevSpeaker = prev.speaker ?? 'unknown';
      if (typeof prevSpeaker !== 'string' || !SPEAKERS.has(prevSpeaker)) {
        throw new Error(`${where}: field "prev.speaker" must be rep, customer or unknown`);
      }
      row.prev = { text: prev.text, speaker: prevSpeaker as IntentRow['speaker'] };
    }
    if (typeof raw.template === 'string') row.template = raw.template;
    rows.push(row);
  });
  return rows;
}
