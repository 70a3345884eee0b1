/**
 * Evaluates a playbook's rules against the intents heard so far in one call. Rules are
 * indexed by the intents that trigger them, so each new intent only looks at the rules that
 * can fire on it; the per-call state is a short history of intents and the last firing times.
 * A rule never puts out the same card twice within its cooldown; a card first shown on a
 * tentative (low-confidence) hearing is confirmed in place when the intent is heard clearly.
 */
import type { Speaker } from '../../contract/events';
import type { Playbook } from '../playbook/load';
import type { Battlecard, LocalText, Rule, TalkTrack } from '../playbook/schema';

/** One intent heard in the call, as the rules see it. */
export interface IntentOccurrence {
  label: string;
  speaker: Speaker;
  /** Calibrated probability, 0..1. */
  confidence: number;
  /** Seconds of call time. */
  t: number;
  utteranceId: string;
  /** The playbook competitor the utterance names, if any. */
  competitor: { id: string; name: string } | null;
}

export type ShowItem =
  | { kind: 'battlecard'; battlecard: Battlecard }
  | { kind: 'talk_track'; talkTrack: TalkTrack };

export interface RuleFiring {
  rule: Rule;
  trigger: IntentOccurrence;
  /** Items to show as new cards. */
  shows: ShowItem[];
  /**
   * Items this rule showed on a tentative hearing and would hold back now, heard confidently
   * this time: the card already shown is confirmed in place, not shown a second time.
   */
  confirms: ShowItem[];
  /** True when the trigger was heard with low confidence (below `CONFIDENT`). */
  tentative: boolean;
  /** Message for the manager, when the rule alerts one. */
  alert: LocalText | null;
}

/** Confidence from which a hearing is sure; below it a firing is tentative. */
export const CONFIDENT = 0.8;

/** True when an intent heard with `confidence` (0..1) makes only a tentative firing. */
export function isTentative(confidence: number): boolean {
  return confidence < CONFIDENT;
}

function speakerMatches(condition: 'rep' | 'customer' | 'any', speaker: Speaker): boolean {
  // Mono recordings cannot tell the sides apart, so an unknown speaker matches either.
  return condition === 'any' || speaker === 'unknown' || speaker === condition;
}

function intentsOf(rule: Rule): string[] {
  return Array.isArray(rule.when.intent) ? rule.when.intent : [rule.when.intent];
}

/** The rules of one playbook, indexed for evaluation. Create one `RuleState` per call. */
export class RuleSet {
  private readonly byIntent = new Map<string, Rule[]>();

  constructor(
    readonly playbook: Playbook,
    rules: Rule[] = playbook.rules,
  ) {
    for (const rule of rules) {
      if (!rule.enabled) continue;
      for (const label of intentsOf(rule)) {
        const list = this.byIntent.get(label) ?? [];
        list.push(rule);
        this.byIntent.set(label, list);
      }
    }
  }

  rulesFor(label: string): readonly Rule[] {
    return this.byIntent.get(label) ?? [];
  }

  get size(): number {
    return new Set([...this.byIntent.values()].flat()).size;
  }

  newCall(): RuleState {
    return new RuleState(this);
  }
}

/** A card or alert a rule put out: when, and whether on a tentative hearing. */
interface Showing {
  t: number;
  tentative: boolean;
}

/** What the rules remember about one call. */
export class RuleState {
  private readonly history: IntentOccurrence[] = [];
  private readonly lastSeen = new Map<string, number>();
  /** Last firing time per rule (for counting). */
  private readonly lastFired = new Map<string, number>();
  /** Last showing per rule + shown item (or the rule's alert), for holding back repeats. */
  private readonly lastShown = new Map<string, Showing>();
  private readonly firedOnce = new Set<string>();

  constructor(private readonly ruleSet: RuleSet) {}

  /** Records `occurrence` and returns the rules it makes fire, in playbook order. */
  evaluate(occurrence: IntentOccurrence): RuleFiring[] {
    this.history.push(occurrence);
    this.lastSeen.set(occurrence.label, occurrence.t);

    const firings: RuleFiring[] = [];
    for (const rule of this.ruleSet.rulesFor(occurrence.label)) {
      const firing = this.tryRule(rule, occurrence);
      if (firing) firings.push(firing);
    }
    return firings;
  }

  private tryRule(rule: Rule, occurrence: IntentOccurrence): RuleFiring | null {
    const when = rule.when;
    if (!speakerMatches(when.speaker, occurrence.speaker)) return null;
    if (when.min_confidence !== undefined && occurrence.confidence < when.min_confidence)
      return null;
    if (when.competitor && occurrence.competitor?.id !== when.competitor) return null;
    if (when.after.length > 0 && !this.heardBefore(when.after, occurrence)) return null;
    if (when.count > 1 && this.countSince(rule, occurrence) < when.count) return null;

    // A once-per-call rule that has fired may still confirm what it showed tentatively.
    const spent = rule.repeat === 'once_per_call' && this.firedOnce.has(rule.id);
    const shows: ShowItem[] = [];
    const confirms: ShowItem[] = [];
    for (const item of this.resolveShows(rule, occurrence)) {
      const held = this.holdBack(rule, item, occurrence);
      if (held === 'confirm') confirms.push(item);
      else if (held === 'no' && !spent) shows.push(item);
    }
    const alertAction = rule.then.find((a) => 'alert_manager' in a);
    const alertText =
      alertAction && 'alert_manager' in alertAction ? alertAction.alert_manager : null;
    // A manager message cannot be taken back or updated: one per hold-back, never confirmed.
    const alert =
      alertText && !spent && this.holdBack(rule, null, occurrence) === 'no' ? alertText : null;
    if (shows.length === 0 && confirms.length === 0 && !alert) return null;

    const tentative = isTentative(occurrence.confidence);
    this.lastFired.set(rule.id, occurrence.t);
    for (const item of shows)
      this.lastShown.set(showKey(rule, item), { t: occurrence.t, tentative });
    for (const item of confirms)
      this.lastShown.set(showKey(rule, item), { t: occurrence.t, tentative: false });
    if (alert) this.lastShown.set(showKey(rule, null), { t: occurrence.t, tentative });
    if (rule.repeat === 'once_per_call') this.firedOnce.add(rule.id);
    return { rule, trigger: occurrence, shows, confirms, tentative, alert };
  }

  /** True when one of `labels` was heard in an utterance before the current one. */
  private heardBefore(labels: readonly string[], occurrence: IntentOccurrence): boolean {
    return this.history.some(
      (h) => h.utteranceId !== occurrence.utteranceId && labels.includes(h.label),
    );
  }

  /** Occurrences that count towards `rule.when.count`, including the current one. */
  private countSince(rule: Rule, occurrence: IntentOccurrence): number {
    const when = rule.when;
    let since = this.lastFired.get(rule.id) ?? -Infinity;
    for (const label of when.without)
      since = Math.max(since, this.lastSeen.get(label) ?? -Infinity);
    if (when.within_s !== undefined) since = Math.max(since, occurrence.t - when.within_s - 1e-9);
    const labels = intentsOf(rule);
    let count = 0;
    const counted = new Set<string>();
    for (let i = this.history.length - 1; i >= 0; i--) {
      const h = this.history[i];
      if (h.t <= since && h !== occurrence) break;
      // Two labels of the same rule on one utterance count once.
      if (
        labels.includes(h.label) &&
        speakerMatches(when.speaker, h.speaker) &&
        !counted.has(h.utteranceId)
      ) {
        counted.add(h.utteranceId);
        count++;
      }
    }
    return count;
  }

  private resolveShows(rule: Rule, occurrence: IntentOccurrence): ShowItem[] {
    const playbook = this.ruleSet.playbook;
    const items: ShowItem[] = [];
    for (const action of rule.then) {
      if (!('show' in action)) continue;
      const show = action.show;
      if (show === 'battlecard') {
        const card = occurrence.competitor
          ? playbook.battlecardById(occurrence.competitor.id)
          : undefined;
        if (card) items.push({ kind: 'battlecard', battlecard: card });
      } else if (show === 'talk_track') {
        const track = playbook.talkTrackForIntent(occurrence.label);
        if (track) items.push({ kind: 'talk_track', talkTrack: track });
      } else if ('battlecard' in show) {
        const card = playbook.battlecardById(show.battlecard);
        if (card) items.push({ kind: 'battlecard', battlecard: card });
      } else {
        const track = playbook.talkTrackById(show.talk_track);
        if (track) items.push({ kind: 'talk_track', talkTrack: track });
      }
    }
    return items;
  }

  /**
   * Whether `item` (or, for null, the rule's alert) may be put out again now: `no` hold-back,
   * `held` back because this rule put it out within its cooldown (for `once_per_call`: at all
   * this call), or `confirm`, when that showing was tentative and this hearing is confident.
   */
  private holdBack(
    rule: Rule,
    item: ShowItem | null,
    occurrence: IntentOccurrence,
  ): 'no' | 'held' | 'confirm' {
    const last = this.lastShown.get(showKey(rule, item));
    if (last === undefined) return 'no';
    if (rule.repeat !== 'once_per_call' && occurrence.t - last.t >= rule.repeat.cooldown_s)
      return 'no';
    return item && last.tentative && !isTentative(occurrence.confidence) ? 'confirm' : 'held';
  }
}

function showKey(rule: Rule, item: ShowItem | null): string {
  if (!item) return `${rule.id}|alert`;
  return `${rule.id}|${item.kind}|${item.kind === 'battlecard' ? item.battlecard.id : item.talkTrack.id}`;
}
