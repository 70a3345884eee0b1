/**
 * One call from start to summary: takes what a source hears, labels each final utterance with
 * intents, runs the playbook's rules, and publishes every event in order. Storage, the intent
 * model and the competitor matcher are passed in, so the session runs the same way for a
 * replayed transcript, a recording and a live call.
 */
import { randomUUID } from 'node:crypto';
import {
  type CallEvent,
  type CallLang,
  COMPETITOR_INTENTS,
  type CallSummary,
  type CueEvent,
  type IntentEvent,
  type LevelEvent,
  type PartialEvent,
  type Speaker,
  type UtteranceEvent,
} from '../../contract/events';
import { createLogger } from '../log';
import { spansOf } from '../intents/competitors';
import { competitorNames, localList, localText, type Playbook } from '../playbook/load';
import type { RuleFiring, RuleSet, RuleState, ShowItem } from '../rules/engine';
import { detectLang } from '../text/lang';
import type { CallSource, CallSourceSink, SourceUtterance } from './source';

const log = createLogger('session');

/** The intent model as the session needs it. */
export interface IntentModel {
  classify(input: {
    text: string;
    speaker: Speaker;
    lang: CallLang;
    previous?: { text: string; speaker: Speaker } | null;
    /** Where playbook competitors are named in `text`. */
    competitorSpans?: Array<{ index: number; length: number }>;
  }): Promise<Array<{ label: string; confidence: number }>>;
}

/** Finds playbook competitors named in a text. */
export interface CompetitorFinder {
  find(
    text: string,
  ): Array<{ id: string; name: string; score: number; index: number; matched: string }>;
}

/** Where the session writes the call as it happens. */
export interface CallRecorder {
  startCall(call: {
    id: string;
    source: string;
    lang: string;
    title: string;
    startedAt: string;
  }): void;
  recordEvent(callId: string, event: CallEvent): void;
  endCall(callId: string, reason: 'completed' | 'stopped' | 'error'): void;
}

export type Summarizer = (input: {
  lang: CallLang;
  utterances: UtteranceEvent[];
  intents: IntentEvent[];
  cues: CueEvent[];
  competitors: string[];
  company?: string;
}) => CallSummary;

export interface CallSessionDeps {
  playbook: Playbook;
  rules: RuleSet;
  intents: IntentModel;
  competitors: CompetitorFinder;
  summarize: Summarizer;
  recorder?: CallRecorder;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

export interface CallSessionOptions {
  source: CallSource;
  lang?: CallLang | 'auto';
  realtime?: boolean;
  title?: string;
  callId?: string;
}

type Listener = (event: CallEvent) => void;

/** Events from which a call is worth storing. */
const STORE_FROM = new Set<CallEvent['type']>(['utterance', 'escalation', 'whisper']);

/** Intents that carry the competitor the utterance names. */
const NAMES_COMPETITOR = new Set<string>(COMPETITOR_INTENTS);

/** Confidence given to a competitor named by the playbook matcher. */
const NAMED_COMPETITOR_CONFIDENCE = 0.95;

export class CallSession {
  readonly id: string;
  private readonly listeners = new Set<Listener>();
  /** Everything published but levels and partials, which only their latest matters of. */
  private readonly events: CallEvent[] = [];
  /** The latest level per channel: a live call sends ten a second each. */
  private readonly latestLevels = new Map<LevelEvent['channel'], LevelEvent>();
  /** Words still being heard per speaker; dropped once their utterance is final. */
  private readonly pendingPartials = new Map<Speaker, PartialEvent>();
  private readonly utterances: UtteranceEvent[] = [];
  private readonly intentEvents: IntentEvent[] = [];
  private readonly cues: CueEvent[] = [];
  private readonly ruleState: RuleState;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private startedAtMs = 0;
  private processing: Promise<void> = Promise.resolve();
  private utteranceCount = 0;
  private lang: CallLang | null;
  private ended = false;
  private stored: 'no' | 'yes' = 'no';
  /** The recorder accepted the call, so `calls show` will find it. */
  private kept = false;
  /** Largest `t` published so far: no event is stamped earlier than the one before it. */
  private lastT = 0;
  /** Set once storing failed: the call ends and nothing more is written. */
  private storeFailed = false;
  /** Set by the first fatal problem: the call ends with reason 'error'. */
  private failed = false;
  private finished: Promise<void> | null = null;

  constructor(
    private readonly deps: CallSessionDeps,
    private readonly options: CallSessionOptions,
  ) {
    this.id = options.callId ?? randomUUID();
    this.ruleState = deps.rules.newCall();
    this.now = deps.now ?? (() => performance.now());
    const lang = options.lang ?? options.source.lang ?? 'auto';
    this.lang = lang === 'auto' ? (options.source.lang ?? null) : lang;
  }

  /** Subscribes to every event from now on; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * What a UI joining late needs to show the call: every event published so far in order,
   * except that of the level and partial events only the latest per channel and the words
   * still being heard come, at the end.
   */
  snapshot(): CallEvent[] {
    return [...this.events, ...this.latestLevels.values(), ...this.pendingPartials.values()];
  }

  get isLive(): boolean {
    return this.finished !== null && !this.ended;
  }

  /** Seconds of call time now. */
  callTime(): number {
    return this.startedAtMs === 0 ? 0 : (this.now() - this.startedAtMs) / 1000;
  }

  /** Runs the call to its end (source exhausted, `stop()`, or a fatal error). */
  run(): Promise<void> {
    this.finished ??= this.runOnce();
    return this.finished;
  }

  /** Ends the call early; resolves when the summary is out. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  /** Records the rep's feedback on a cue (feeds the talk-track's record). */
  feedback(cueId: string, action: 'helpful' | 'not_helpful' | 'pinned' | 'dismissed'): boolean {
    if (!this.cues.some((c) => c.id === cueId)) return false;
    const helpful = action === 'helpful' ? true : action === 'not_helpful' ? false : null;
    this.publish({ type: 'feedback', cueId, action, helpful, t: this.callTime() });
    return true;
  }

  /** Records that the rep asked for a manager, with the call's current context. */
  escalate(note: string): string {
    const id = `${this.id}-esc${this.events.filter((e) => e.type === 'escalation').length + 1}`;
    const recent = this.utterances.slice(-3).map((u) => `${u.speaker}: ${u.text}`);
    const context = [note.trim(), ...recent].filter(Boolean).join('\n');
    this.publish({ type: 'escalation', id, state: 'requested', note: context, t: this.callTime() });
    return id;
  }

  private async runOnce(): Promise<void> {
    const { source } = this.options;
    this.startedAtMs = this.now();
    this.publish({
      type: 'call_started',
      callId: this.id,
      source: source.description,
      lang: this.lang ?? 'auto',
      startedAt: new Date().toISOString(),
      t: 0,
    });
    log.info({ callId: this.id, source: source.description }, 'run: call started');

    let reason: 'completed' | 'stopped' | 'error' = 'completed';
    try {
      await source.run(this.sink(), {
        realtime: this.options.realtime ?? false,
        signal: this.abort.signal,
      });
      if (this.abort.signal.aborted) reason = 'stopped';
    } catch (error) {
      reason = 'error';
      const message = error instanceof Error ? error.message : String(error);
      this.publish({
        type: 'problem',
        code: problemCode(error),
        message,
        fatal: true,
        t: this.callTime(),
      });
      log.error({ callId: this.id, err: message }, 'run: source failed');
    }
    await this.processing;
    // A fatal problem (from the source, or storing failing) may come while processing.
    this.finish(this.failed ? 'error' : reason);
  }

  private sink(): CallSourceSink {
    return {
      partial: (speaker, text, t) => {
        if (!this.ended) this.publish({ type: 'partial', speaker, text, t });
      },
      utterance: (utterance) => {
        const receivedAt = this.now();
        this.processing = this.processing
          .then(() => this.processUtterance(utterance, receivedAt))
          .catch((error) => {
            const message = error instanceof Error ? error.message : String(error);
            log.error({ callId: this.id, err: message }, 'processUtterance failed');
            this.publish({
              type: 'problem',
              code: 'understanding_failed',
              message,
              fatal: false,
              t: utterance.end,
            });
          });
      },
      level: (channel, rmsDb, speech, t) => {
        if (!this.ended) this.publish({ type: 'level', channel, rmsDb, speech, t });
      },
      problem: (code, message, fatal, t, channel) => {
        this.publish({
          type: 'problem',
          code: snakeCase(code),
          message,
          fatal,
          t,
          ...(channel ? { channel } : {}),
        });
        if (fatal) this.abort.abort();
      },
    };
  }

  /**
   * Call time of a step: in real time, measured from when the utterance became final; in a
   * replay as fast as possible, the utterance's end (processing takes no call time there, so
   * identical replays give identical times).
   */
  private stepTime(utterance: SourceUtterance, receivedAt: number): number {
    if (!this.options.realtime) return round3(utterance.end);
    return round3(utterance.end + (this.now() - receivedAt) / 1000);
  }

  private async processUtterance(source: SourceUtterance, receivedAt: number): Promise<void> {
    const text = source.text.trim();
    // Once the call cannot be stored it is over: what the source had queued is not acted on.
    if (!text || this.storeFailed) return;
    const lang = source.lang ?? detectLang(text);
    this.lang ??= lang;
    const previous = this.utterances.at(-1);
    const utterance: UtteranceEvent = {
      type: 'utterance',
      id: `${this.id}-u${++this.utteranceCount}`,
      speaker: source.speaker,
      text,
      start: round3(source.start),
      end: round3(source.end),
      t: round3(source.end),
      lang,
      ...(source.name ? { name: source.name } : {}),
    };
    this.utterances.push(utterance);
    this.publish(utterance);

    const matches = this.deps.competitors.find(text);
    const labels = await this.deps.intents.classify({
      text,
      speaker: source.speaker,
      lang,
      previous: previous ? { text: previous.text, speaker: previous.speaker } : null,
      competitorSpans: spansOf(matches),
    });
    const named = this.localCompetitor(matches[0] ?? null, lang);
    const intents = mergeCompetitor(labels, named, source.speaker);

    for (const { label, confidence } of intents) {
      const competitor = NAMES_COMPETITOR.has(label) ? named : null;
      const intent: IntentEvent = {
        type: 'intent',
        utteranceId: utterance.id,
        label,
        speaker: source.speaker,
        confidence: round3(confidence),
        t: this.stepTime(source, receivedAt),
        competitor: competitor?.name ?? null,
      };
      this.intentEvents.push(intent);
      this.publish(intent);

      const firings = this.ruleState.evaluate({
        label,
        speaker: source.speaker,
        confidence,
        t: intent.t,
        utteranceId: utterance.id,
        competitor: competitor ? { id: competitor.id, name: competitor.name } : null,
      });
      for (const firing of firings) this.applyFiring(firing, utterance, lang, receivedAt, source);
    }
  }

  private applyFiring(
    firing: RuleFiring,
    utterance: UtteranceEvent,
    lang: CallLang,
    receivedAt: number,
    source: SourceUtterance,
  ): void {
    let firstCueId: string | null = null;
    for (const item of firing.shows) {
      const cue = this.buildCue(item, firing, utterance, lang, this.stepTime(source, receivedAt));
      cue.latencyMs = Math.round((this.now() - receivedAt) * 1000) / 1000;
      firstCueId ??= cue.id;
      this.cues.push(cue);
      this.publish(cue);
      log.info({ callId: this.id, cueId: cue.id, rule: firing.rule.id }, 'cue shown');
    }
    for (const item of firing.confirms) {
      const refId = item.kind === 'battlecard' ? item.battlecard.id : item.talkTrack.id;
      const index = this.cues.findLastIndex(
        (c) => c.rule === firing.rule.id && c.kind === item.kind && c.refId === refId,
      );
      if (index < 0) continue;
      // The same cue again, now sure: consumers update the card in place.
      const cue: CueEvent = {
        ...this.cues[index],
        utteranceId: utterance.id,
        t: this.stepTime(source, receivedAt),
        latencyMs: Math.round((this.now() - receivedAt) * 1000) / 1000,
        tentative: false,
        confirmed: true,
      };
      this.cues[index] = cue;
      this.publish(cue);
      log.info({ callId: this.id, cueId: cue.id, rule: firing.rule.id }, 'cue confirmed');
    }
    if (firing.alert) {
      this.publish({
        type: 'manager_alert',
        id: `${this.id}-a${this.events.filter((e) => e.type === 'manager_alert').length + 1}`,
        rule: firing.rule.id,
        cueId: firstCueId,
        message: localText(firing.alert, lang),
        t: this.stepTime(source, receivedAt),
      });
    }
  }

  private buildCue(
    item: ShowItem,
    firing: RuleFiring,
    utterance: UtteranceEvent,
    lang: CallLang,
    t: number,
  ): CueEvent {
    const base = {
      type: 'cue' as const,
      id: `${this.id}-c${this.cues.length + 1}`,
      rule: firing.rule.id,
      utteranceId: utterance.id,
      t,
      latencyMs: 0,
      tentative: firing.tentative,
    };
    if (item.kind === 'battlecard') {
      const card = item.battlecard;
      const name = localText(card.competitor, lang);
      return {
        ...base,
        kind: 'battlecard',
        title: name,
        intent: null,
        competitor: name,
        refId: card.id,
        battlecard: {
          competitor: name,
          theirClaims: localList(card.their_claims, lang),
          ourFacts: localList(card.our_facts, lang),
          landmines: localList(card.landmines, lang),
          avoid: localList(card.avoid, lang),
        },
      };
    }
    const track = item.talkTrack;
    return {
      ...base,
      kind: 'talk_track',
      title: localText(track.title, lang),
      intent: track.intent,
      competitor: null,
      refId: track.id,
      talkTrack: {
        phrasings: localList(track.phrasings, lang),
        evidence: track.evidence
          .map((id) => this.deps.playbook.evidence.get(id))
          .filter((e) => e !== undefined)
          .map((e) => localText(e.text, lang)),
      },
    };
  }

  private finish(reason: 'completed' | 'stopped' | 'error'): void {
    if (this.stored === 'no') {
      // Nothing was heard or done: there is no call worth keeping or summarising.
      this.publish({
        type: 'call_ended',
        callId: this.id,
        reason,
        t: round3(this.callTimeAtEnd()),
        stored: false,
      });
      this.ended = true;
      return;
    }
    const lang = this.lang ?? 'en';
    const competitors = [
      ...new Set(
        this.intentEvents
          .map((i) => i.competitor)
          .filter((c): c is string => Boolean(c))
          .map((name) => this.canonicalCompetitor(name, lang)),
      ),
    ];
    try {
      const summary = this.deps.summarize({
        lang,
        utterances: this.utterances,
        intents: this.intentEvents,
        cues: this.cues,
        competitors,
        company: localText(this.deps.playbook.meta.company, lang) || undefined,
      });
      this.publish({
        type: 'summary',
        callId: this.id,
        t: round3(this.callTimeAtEnd()),
        ...summary,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ callId: this.id, err: message }, 'finish: summary failed');
      this.publish({
        type: 'problem',
        code: 'summary_failed',
        message,
        fatal: false,
        t: this.callTimeAtEnd(),
      });
    }
    const endT = round3(this.callTimeAtEnd());
    this.publish({ type: 'call_ended', callId: this.id, reason, t: endT, stored: this.kept });
    this.guardStore(endT, () => this.deps.recorder?.endCall(this.id, reason));
    this.ended = true;
    log.info(
      { callId: this.id, reason, utterances: this.utterances.length, cues: this.cues.length },
      'call ended',
    );
  }

  /** The matched competitor under its playbook name in the utterance's language. */
  private localCompetitor(
    match: { id: string; name: string; score: number } | null,
    lang: CallLang,
  ): { id: string; name: string; score: number } | null {
    const card = match ? this.deps.playbook.battlecardById(match.id) : undefined;
    return match && card ? { ...match, name: localText(card.competitor, lang) } : match;
  }

  private canonicalCompetitor(name: string, lang: CallLang): string {
    const card = this.deps.playbook.battlecards.find(
      (b) => competitorNames(b).includes(name) || Object.values(b.competitor).includes(name),
    );
    return card ? localText(card.competitor, lang) : name;
  }

  /**
   * Writes `event` as it happens. The call is stored from the first thing worth keeping (words,
   * an escalation), so a replay that fails before anything is heard leaves no empty call behind.
   */
  private store(event: CallEvent): void {
    if (this.stored === 'no' && STORE_FROM.has(event.type)) {
      this.stored = 'yes';
      this.startRecording();
      return;
    }
    if (this.stored === 'yes')
      this.guardStore(event.t, () => this.deps.recorder?.recordEvent(this.id, event));
  }

  /** Creates the stored call and writes everything published so far. */
  private startRecording(): void {
    const recorder = this.deps.recorder;
    if (!recorder) return;
    const started = this.events[0];
    this.kept = this.guardStore(0, () =>
      recorder.startCall({
        id: this.id,
        source: this.options.source.description,
        lang: this.lang ?? 'auto',
        title: this.options.title ?? this.options.source.description,
        startedAt: started.type === 'call_started' ? started.startedAt : new Date().toISOString(),
      }),
    );
    for (const event of this.events)
      this.guardStore(event.t, () => recorder.recordEvent(this.id, event));
  }

  /**
   * Runs one write to the recorder; false when it did not happen. The first failure (read-only
   * file, full disk) ends the call with a fatal problem: a call that cannot be kept must not
   * look as if it were. What was stored before stays; nothing more is written.
   */
  private guardStore(t: number, write: () => void): boolean {
    if (this.storeFailed) return false;
    try {
      write();
      return true;
    } catch (error) {
      this.storeFailed = true;
      const message = error instanceof Error ? error.message : String(error);
      log.error({ callId: this.id, err: message }, 'guardStore: storing the call failed');
      this.publish({
        type: 'problem',
        code: 'store_failed',
        message: `${message}. The call was stopped; what was stored before it is kept.`,
        fatal: true,
        t,
      });
      this.abort.abort();
      return false;
    }
  }

  private callTimeAtEnd(): number {
    const lastEnd = this.utterances.at(-1)?.end ?? 0;
    return this.options.realtime ? Math.max(this.callTime(), lastEnd) : lastEnd;
  }

  /** Keeps `event` for `snapshot()`. */
  private retain(event: CallEvent): void {
    switch (event.type) {
      case 'level':
        this.latestLevels.set(event.channel, event);
        return;
      case 'partial':
        this.pendingPartials.set(event.speaker, event);
        return;
      case 'utterance':
        this.pendingPartials.delete(event.speaker);
        break;
      case 'call_ended':
        this.pendingPartials.clear();
        break;
      default:
        break;
    }
    this.events.push(event);
  }

  private publish(event: CallEvent): void {
    // Steps stamped from different clocks (source time, processing time, wall time) must not
    // make the stream go back in time; an event is never earlier than the one before it.
    if (event.t < this.lastT) event.t = this.lastT;
    this.lastT = event.t;
    if (event.type === 'problem' && event.fatal) this.failed = true;
    this.retain(event);
    this.store(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error(
          { callId: this.id, err: error instanceof Error ? error.message : String(error) },
          'publish: listener failed',
        );
      }
    }
  }
}

/**
 * Combines the model's labels with what the playbook matcher found: a customer naming a
 * playbook competitor is a competitor mention even if the model missed it.
 */
function mergeCompetitor(
  labels: Array<{ label: string; confidence: number }>,
  named: { id: string; name: string; score: number } | null,
  speaker: Speaker,
): Array<{ label: string; confidence: number }> {
  if (!named || speaker === 'rep') return labels;
  const existing = labels.find((l) => l.label === 'competitor_mention');
  if (existing) {
    existing.confidence = Math.max(existing.confidence, NAMED_COMPETITOR_CONFIDENCE * named.score);
    return labels;
  }
  return [
    { label: 'competitor_mention', confidence: NAMED_COMPETITOR_CONFIDENCE * named.score },
    ...labels,
  ];
}

/**
 * The snake_case problem code of a source failure: the error's own `code` when it has one in
 * snake_case (AudioFormatError: `audio_format`), else its class name without "Error" in
 * snake_case (ModelMissingError: `model_missing`), else `source_failed`.
 */
function problemCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && SNAKE_CASE.test(code)) return code;
  if (error instanceof Error && error.name !== 'Error' && error.name.endsWith('Error')) {
    return snakeCase(error.name.slice(0, -'Error'.length));
  }
  return 'source_failed';
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** `ModelMissing` and `audio-device` become `model_missing` and `audio_device`. */
function snakeCase(name: string): string {
  if (SNAKE_CASE.test(name)) return name;
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return snake === '' ? 'source_failed' : snake;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
