/**
 * The events a call produces, shared by the engine, the CLI (`--json`), the Electron main
 * process and the renderer. Imports nothing from Node, Electron or the DOM.
 *
 * Times named `t`, `start` and `end` are seconds of call time (0 = the call started).
 * Field names are a public contract: add fields freely, never rename or remove one.
 */

export type Speaker = 'rep' | 'customer' | 'unknown';
export type CallLang = 'en' | 'zh';
export type CueKind = 'battlecard' | 'talk_track';

/** Intent labels the engine promises to emit. Models may add more. */
export const CUSTOMER_INTENTS = [
  'competitor_mention',
  'price_objection',
  'budget_freeze',
  'stall',
  'evidence_request',
  'decision_maker',
  'next_step_commitment',
] as const;
export const REP_INTENTS = [
  'rep_competitor_comparison',
  'rep_cites_evidence',
  'rep_next_step_proposal',
] as const;
export const INTENT_LABELS = [...CUSTOMER_INTENTS, ...REP_INTENTS] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number];
/** The intents whose events name the competitor the utterance mentions (`competitor`). */
export const COMPETITOR_INTENTS = ['competitor_mention', 'rep_competitor_comparison'] as const;

export interface CallStartedEvent {
  type: 'call_started';
  callId: string;
  /** File name or device description the call comes from. */
  source: string;
  lang: CallLang | 'auto';
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  t: number;
}

export interface PartialEvent {
  type: 'partial';
  speaker: Speaker;
  text: string;
  t: number;
}

export interface UtteranceEvent {
  type: 'utterance';
  id: string;
  speaker: Speaker;
  text: string;
  start: number;
  end: number;
  t: number;
  lang: CallLang;
  /** Speaker's display name when the source knows it (transcripts). */
  name?: string;
}

export interface IntentEvent {
  type: 'intent';
  utteranceId: string;
  label: string;
  speaker: Speaker;
  /** Calibrated probability, 0..1. */
  confidence: number;
  t: number;
  /** Competitor the utterance names, for competitor intents. */
  competitor?: string | null;
}

/** One phrasing of a talk-track, in the call's language. */
export interface CuePhrasing {
  text: string;
}

export interface BattlecardContent {
  competitor: string;
  theirClaims: string[];
  ourFacts: string[];
  landmines: string[];
  avoid: string[];
}

export interface TalkTrackContent {
  phrasings: string[];
  evidence: string[];
}

export interface CueEvent {
  type: 'cue';
  id: string;
  kind: CueKind;
  title: string;
  /** The intent the talk-track answers; null for battlecards. */
  intent: string | null;
  /** The competitor a battlecard is about; null for talk-tracks. */
  competitor: string | null;
  /** Id of the rule that fired. */
  rule: string;
  /** Id of the battlecard or talk-track in the playbook. */
  refId: string;
  /** Utterance that triggered the rule. */
  utteranceId: string;
  t: number;
  /** Wall-clock milliseconds from the utterance becoming final to this cue. */
  latencyMs: number;
  /**
   * True when the intent behind the cue was heard with low confidence. If the rule then hears
   * it clearly within its cooldown, the same cue (same `id`) is published again with
   * `tentative: false` and `confirmed: true`: update that card in place, it is no new card.
   */
  tentative?: boolean;
  /** Set on a cue published again to confirm a tentative one (see `tentative`). */
  confirmed?: boolean;
  battlecard?: BattlecardContent;
  talkTrack?: TalkTrackContent;
}

export interface ManagerAlertEvent {
  type: 'manager_alert';
  id: string;
  rule: string;
  cueId: string | null;
  message: string;
  t: number;
}

/** Signal level of one channel over the last block, for level meters. */
export interface LevelEvent {
  type: 'level';
  channel: 'rep' | 'customer';
  /** RMS in dBFS (-100 for digital silence). */
  rmsDb: number;
  /** True while voice activity detection hears speech on this channel. */
  speech: boolean;
  t: number;
}

export interface EscalationEvent {
  type: 'escalation';
  id: string;
  state: 'requested' | 'acknowledged' | 'resolved';
  note: string;
  t: number;
}

export interface WhisperEvent {
  type: 'whisper';
  id: string;
  from: string;
  text: string;
  t: number;
}

export interface FeedbackEvent {
  type: 'feedback';
  cueId: string;
  helpful: boolean | null;
  action: 'helpful' | 'not_helpful' | 'pinned' | 'dismissed';
  t: number;
}

export interface NextStep {
  text: string;
  /** The date or time exactly as said ("next Tuesday at ten", "下周二上午十点"), if any. */
  when: string | null;
  owner: 'rep' | 'customer' | 'both';
  utteranceId: string;
}

export interface CallSummary {
  competitors: string[];
  objections: string[];
  stakeholders: string[];
  nextSteps: NextStep[];
  tags: string[];
  /**
   * Share of speaking time per side, 0..1, summing to 1 when anyone spoke. `unknown` is the
   * share of turns whose side is not known (mono audio); absent in calls stored before it.
   */
  talkRatio: { rep: number; customer: number; unknown?: number };
  followUpEmail: { subject: string; body: string; lang: CallLang };
}

export interface SummaryEvent extends CallSummary {
  type: 'summary';
  callId: string;
  t: number;
}

export interface CallEndedEvent {
  type: 'call_ended';
  callId: string;
  reason: 'completed' | 'stopped' | 'error';
  t: number;
  /**
   * True when the call was kept in the call store (`calls show ID` finds it); false when it
   * ended before anything was heard, so nothing was stored. Absent from older events.
   */
  stored?: boolean;
}

/** A problem the user should see; the call goes on unless `fatal`. */
export interface ProblemEvent {
  type: 'problem';
  /** snake_case, from the list in the README (e.g. `audio_format`, `model_missing`). */
  code: string;
  message: string;
  fatal: boolean;
  t: number;
  /**
   * The side whose audio the problem is about, when it is about one: a live call's device that
   * failed, closed or stalled (`audio_device_*`). That side hears nothing from then on.
   */
  channel?: 'rep' | 'customer';
}

export type CallEvent =
  | CallStartedEvent
  | PartialEvent
  | UtteranceEvent
  | IntentEvent
  | CueEvent
  | ManagerAlertEvent
  | LevelEvent
  | EscalationEvent
  | WhisperEvent
  | FeedbackEvent
  | SummaryEvent
  | CallEndedEvent
  | ProblemEvent;

export type CallEventType = CallEvent['type'];
