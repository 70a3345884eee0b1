/**
 * Checks that need the whole playbook: ids defined once, references that resolve, intent
 * names that exist, and rules that can actually fire and show something. They run on every
 * item, including the valid parts of items with schema problems, so one pass reports all.
 */
import {
  COMPETITOR_INTENTS,
  CUSTOMER_INTENTS,
  INTENT_LABELS,
  REP_INTENTS,
} from '../../contract/events';
import { issueAt, type PlaybookIssue, type PlaybookSource, placeOf } from './issues';
import { editDistance } from '../text/edit-distance';
import type { Battlecard, Evidence, PlaybookMeta, Rule, RuleCondition, TalkTrack } from './schema';

/** An item of the playbook and where it was written. */
export interface Located<T, Draft = T> {
  /** The valid parts of the item (all of it when `parsed` is set). */
  value: Partial<Draft>;
  /** The item, when it passed the schema. */
  parsed: T | null;
  source: PlaybookSource;
  /** Path of the item in its file: `['playbook']` or `[section, index]`. */
  path: PropertyKey[];
}

/** A rule whose condition may be only partly valid. */
export type RuleDraft = Omit<Rule, 'when'> & { when: Partial<RuleCondition> };

/** Everything read from a playbook folder, before it is accepted. */
export interface PlaybookDraft {
  /** The playbook folder as named in messages. */
  dir: string;
  meta: Located<PlaybookMeta>[];
  evidence: Located<Evidence>[];
  battlecards: Located<Battlecard>[];
  talkTracks: Located<TalkTrack>[];
  rules: Located<Rule, RuleDraft>[];
  /** Files that could not be parsed; whatever they define is missing from the draft. */
  unreadable: string[];
}

const CUSTOMER = new Set<string>(CUSTOMER_INTENTS);
const REP = new Set<string>(REP_INTENTS);
const NAMES_COMPETITOR = new Set<string>(COMPETITOR_INTENTS);

/** Returns every cross-file problem of `draft`. */
export function checkPlaybook(draft: PlaybookDraft): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const report = (item: Located<unknown>, field: PropertyKey[], message: string) =>
    issues.push(issueAt(item.source, [...item.path, ...field], message));

  checkMeta(draft, issues);
  const evidenceIds = defineIds('evidence', draft.evidence, report);
  const battlecardIds = defineIds('battlecard', draft.battlecards, report);
  const talkTrackIds = defineIds('talk-track', draft.talkTracks, report);
  defineIds('rule', draft.rules, report);

  const known = new Set<string>([
    ...INTENT_LABELS,
    ...draft.meta.flatMap((m) => m.value.extra_intents ?? []),
  ]);
  const unknown = (kind: string, name: string, defined: Iterable<string>) =>
    unknownMessage(kind, name, defined, draft.unreadable);
  const isKnownIntent = (item: Located<unknown>, field: PropertyKey[], label: string) => {
    if (known.has(label)) return true;
    // Extra intents are listed in the playbook section, which an unreadable file may hold.
    const unread = draft.meta.length === 0 ? draft.unreadable : [];
    report(item, field, unknownIntentMessage(label, known, unread));
    return false;
  };

  // The talk-track `show: talk_track` picks for each intent: the first that answers it.
  const talkTrackFor = new Map<string, Located<TalkTrack>>();
  const shownById = new Set(
    draft.rules.flatMap((r) =>
      (r.value.then ?? []).flatMap((a) =>
        'show' in a && typeof a.show === 'object' && 'talk_track' in a.show
          ? [a.show.talk_track]
          : [],
      ),
    ),
  );
  for (const track of draft.talkTracks) {
    const { intent, evidence = [], id } = track.value;
    evidence.forEach((evidenceId, i) => {
      if (!evidenceIds.has(evidenceId))
        report(track, ['evidence', i], unknown('evidence', evidenceId, evidenceIds));
    });
    if (!intent || !isKnownIntent(track, ['intent'], intent)) continue;
    const first = talkTrackFor.get(intent);
    if (!first) talkTrackFor.set(intent, track);
    else if (id && !shownById.has(id))
      report(
        track,
        ['intent'],
        `talk-track "${id}" is never shown: for intent ${intent}, \`show: talk_track\` picks ` +
          `talk-track "${first.value.id}" (${placeOf(first.source, first.path)}), and no rule ` +
          `shows "${id}" by id`,
      );
  }

  for (const rule of draft.rules) {
    checkRule(rule, {
      report,
      isKnownIntent,
      unknown,
      battlecardIds,
      talkTrackIds,
      hasTalkTrack: (intent) => talkTrackFor.has(intent),
    });
  }
  return issues;
}

interface RuleContext {
  report: (item: Located<unknown>, field: PropertyKey[], message: string) => void;
  isKnownIntent: (item: Located<unknown>, field: PropertyKey[], label: string) => boolean;
  unknown: (kind: string, name: string, defined: Iterable<string>) => string;
  battlecardIds: Set<string>;
  talkTrackIds: Set<string>;
  hasTalkTrack: (intent: string) => boolean;
}

function checkRule(rule: Located<Rule, RuleDraft>, context: RuleContext): void {
  const { report, isKnownIntent, unknown } = context;
  const when = rule.value.when ?? {};
  const name = rule.value.id ? `rule "${rule.value.id}"` : 'this rule';

  const listed = when.intent === undefined ? [] : [when.intent].flat();
  const intentField = (i: number) => (Array.isArray(when.intent) ? ['intent', i] : ['intent']);
  const intents = listed.filter((label, i) =>
    isKnownIntent(rule, ['when', ...intentField(i)], label),
  );
  for (const key of ['without', 'after'] as const)
    for (const [i, label] of (when[key] ?? []).entries())
      isKnownIntent(rule, ['when', key, i], label);

  // A customer intent never comes from the rep, and a rep intent never from the customer.
  const speaker = when.speaker;
  listed.forEach((label, i) => {
    const side = CUSTOMER.has(label) ? 'customer' : REP.has(label) ? 'rep' : null;
    if (side && speaker && speaker !== 'any' && speaker !== side)
      report(
        rule,
        ['when', ...intentField(i)],
        `${label} is a ${side} intent, so with speaker: ${speaker} ${name} never fires on it`,
      );
  });

  const count = when.count;
  if (count === 1 && when.without && when.without.length > 0)
    report(
      rule,
      ['when', 'without'],
      '`without` only matters with a `count` of 2 or more: the intent just heard always counts',
    );
  if (count === 1 && when.within_s !== undefined)
    report(
      rule,
      ['when', 'within_s'],
      '`within_s` only matters with a `count` of 2 or more: the intent just heard is always within',
    );
  if (count !== undefined && count > 1)
    when.without?.forEach((label, i) => {
      if (listed.includes(label))
        report(
          rule,
          ['when', 'without', i],
          `${name} counts ${label} but lists it in \`without\`, so every ${label} restarts ` +
            `the count and it never reaches ${count}`,
        );
    });

  const namesCompetitor = intents.some((label) => NAMES_COMPETITOR.has(label));
  const competitorIntents = COMPETITOR_INTENTS.join(' or ');
  if (when.competitor !== undefined) {
    if (!context.battlecardIds.has(when.competitor))
      report(
        rule,
        ['when', 'competitor'],
        unknown('battlecard', when.competitor, context.battlecardIds),
      );
    if (intents.length > 0 && !namesCompetitor)
      report(
        rule,
        ['when', 'competitor'],
        `only ${competitorIntents} name a competitor, so ${name} never fires`,
      );
  }

  let alerts = 0;
  (rule.value.then ?? []).forEach((action, a) => {
    if ('alert_manager' in action) {
      if (++alerts > 1)
        report(
          rule,
          ['then', a, 'alert_manager'],
          `${name} alerts the manager with its first alert_manager only; keep one`,
        );
      return;
    }
    const show = action.show;
    if (show === 'battlecard') {
      if (intents.length > 0 && !namesCompetitor)
        report(
          rule,
          ['then', a, 'show'],
          `\`show: battlecard\` shows the named competitor's battlecard, but only ` +
            `${competitorIntents} name a competitor, so ${name} shows nothing`,
        );
    } else if (show === 'talk_track') {
      for (const intent of intents)
        if (!context.hasTalkTrack(intent))
          report(
            rule,
            ['then', a, 'show'],
            `${name} shows the talk-track for intent ${intent}, but no talk-track has ` +
              `\`intent: ${intent}\``,
          );
    } else if ('battlecard' in show) {
      if (!context.battlecardIds.has(show.battlecard))
        report(
          rule,
          ['then', a, 'show', 'battlecard'],
          unknown('battlecard', show.battlecard, context.battlecardIds),
        );
    } else if (!context.talkTrackIds.has(show.talk_track)) {
      report(
        rule,
        ['then', a, 'show', 'talk_track'],
        unknown('talk-track', show.talk_track, context.talkTrackIds),
      );
    }
  });
}

function checkMeta(draft: PlaybookDraft, issues: PlaybookIssue[]): void {
  const [first, ...more] = draft.meta;
  for (const extra of more)
    issues.push(
      issueAt(
        extra.source,
        extra.path,
        `the playbook section is defined in more than one file (first in ${placeOf(first.source, first.path)})`,
      ),
    );
  // A file that could not be parsed may hold the section; its own error says what to fix.
  if (!first && draft.unreadable.length === 0)
    issues.push({
      file: draft.dir,
      line: null,
      field: 'playbook',
      message: 'no file has a `playbook:` section; add one with at least `name:`',
    });
}

/** The ids of `items`, reporting each id defined a second time. */
function defineIds(
  kind: string,
  items: Located<{ id: string }>[],
  report: (item: Located<unknown>, field: PropertyKey[], message: string) => void,
): Set<string> {
  const firsts = new Map<string, Located<{ id: string }>>();
  for (const item of items) {
    const id = item.value.id;
    if (id === undefined) continue;
    const first = firsts.get(id);
    if (first)
      report(
        item,
        ['id'],
        `duplicate ${kind} id "${id}" (first defined in ${placeOf(first.source, [...first.path, 'id'])})`,
      );
    else firsts.set(id, item);
  }
  return new Set(firsts.keys());
}

function unknownIntentMessage(
  label: string,
  known: Set<string>,
  unreadable: readonly string[],
): string {
  const close = nearestName(label, known);
  const hint = close
    ? `did you mean ${close}?`
    : `the known intents are ${[...known].join(', ')}; list a label that a newer intent ` +
      'model adds under playbook.extra_intents';
  const unread =
    unreadable.length > 0
      ? ` (if the playbook section is in ${unreadable.join(', ')}, fix that file first)`
      : '';
  return `unknown intent "${label}"; ${hint}${unread}`;
}

function unknownMessage(
  kind: string,
  name: string,
  defined: Iterable<string>,
  unreadable: readonly string[],
): string {
  const ids = [...defined];
  const close = nearestName(name, ids);
  const hint = close
    ? `; did you mean "${close}"?`
    : ids.length > 0
      ? ` (defined: ${ids.join(', ')})`
      : ` (the playbook defines no ${kind})`;
  return `unknown ${kind} "${name}"${hint}${unreadableHint(unreadable)}`;
}

function unreadableHint(unreadable: readonly string[]): string {
  return unreadable.length > 0 ? ` (or it is in ${unreadable.join(', ')}, which has errors)` : '';
}

/**
 * The candidate `name` most likely misspells: a few edits away, or containing it (or
 * contained in it). Null when nothing is close.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | null {
  const names = [...candidates];
  let best: { candidate: string; distance: number } | null = null;
  const needle = name.toLowerCase();
  for (const candidate of names) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return null;
  if (best.distance <= Math.max(1, Math.floor(needle.length / 3))) return best.candidate;
  const containing = names.find(
    (c) => needle.length >= 3 && (c.includes(needle) || needle.includes(c)),
  );
  return containing ?? null;
}
