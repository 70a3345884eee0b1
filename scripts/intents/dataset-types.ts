/** Shapes shared by the intent dataset generator, training and evaluation scripts. */
import type { CallLang } from '../../main/contract/events';

/** One labelled row of `data/intents/*.jsonl`. Empty `labels` means none. */
export interface IntentRow {
  text: string;
  speaker: 'rep' | 'customer' | 'unknown';
  lang: CallLang;
  labels: string[];
  prev?: { text: string; speaker: 'rep' | 'customer' | 'unknown' };
  /** Generator template the row came from (optional metadata; groups training folds). */
  template?: string;
}

/** Phrase patterns that all carry `label` (or none) for one side. */
export interface Bank {
  label: string;
  speaker: 'rep' | 'customer';
  patterns: string[];
}

/** A short reply whose meaning comes from the turn before it. */
export interface PrevBank {
  prevSpeaker: 'rep' | 'customer';
  prev: string;
  reply: string;
  labels: string[];
}
