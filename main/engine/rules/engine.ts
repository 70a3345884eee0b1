/**
 * Evaluates a playbook's rules against the intents heard so far in one call. Rules are
 * indexed by the intents that trigger them, so each new intent only looks at the rules that
 * can fire on it; the per-call state is a short history of intents and the last firing times.
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
  shows: ShowItem[];
  /** Message for the manager, when the rule alerts one. */
  alert: LocalText | null;
}

/** Confidence from which a firing holds back repeats for the whole cooldown. */
const CONFIDENT = 0.8;

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

/** What the rules remember about one call. */
export class RuleState {
  private readonly history: IntentOccurrence[] = [];
  private readonly lastSeen = new Map<string, number>();
  /** Last firing time per rule (for counting). */
  private readonly lastFired = new Map<string, number>();
  /** Last firing per rule + shown item, for cooldowns. */
  private readonly lastShown = new Map<string, { t: number; confidence: number }>();
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
    if (rule.repeat === 'once_per_call' && this.firedOnce.has(rule.id)) return null;
    if (!speakerMatches(when.speaker, occurrence.speaker)) return null;
    if (when.min_confidence !== undefined && occurrence.confidence < when.min_confidence)
      return null;
    if (when.competitor && occurrence.competitor?.id !== when.competitor) return null;
    if (
      when.after.length > 0 &&
      !when.after.some((label) => (this.lastSeen.get(label) ?? Infinity) < occurrence.t)
    ) {
      return null;
    }
    if (when.count > 1 && this.countSince(rule, occurrence) < when.count) return null;

    const shows = this.resolveShows(rule, occurrence).filter(
      (item) => !this.coolingDown(rule, item, occurrence),
    );
    const alertAction = rule.then.find((a) => 'alert_manager' in a);
    const alert = alertAction && 'alert_manager' in alertAction ? alertAction.alert_manager : null;
    if (shows.length === 0 && !(alert && !this.coolingDown(rule, null, occurrence))) return null;

    this.lastFired.set(rule.id, occurrence.t);
    const shown = { t: occurrence.t, confidence: occurrence.confidence };
    for (const item of shows) this.lastShown.set(cooldownKey(rule, item), shown);
    if (shows.length === 0) this.lastShown.set(cooldownKey(rule, null), shown);
    if (rule.repeat === 'once_per_call') this.firedOnce.add(rule.id);
    return { rule, trigger: occurrence, shows, alert };
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
   * True while a shown item must not be shown again. A tentative firing (low confidence) does
   * not hold back a confident one: the card comes back when the intent is clearly heard.
   */
  private coolingDown(rule: Rule, item: ShowItem | null, occurrence: IntentOccurrence): boolean {
    if (rule.repeat === 'once_per_call') return false;
    const last = this.lastShown.get(cooldownKey(rule, item));
    if (last === undefined || occurrence.t - last.t >= rule.repeat.cooldown_s) return false;
    return last.confidence >= CONFIDENT || occurrence.confidence < CONFIDENT;
  }
}

function cooldownKey(rule: Rule, item: ShowItem | null): string {
  if (!item) return `${rule.id}|alert`;
  return `${rule.id}|${item.kind}|${item.kind === 'battlecard' ? item.battlecard.id : item.talkTrack.id}`;
}
