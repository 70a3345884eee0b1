/**
 * The post-call summary, built from the call itself (no network): competitors named,
 * objections raised, stakeholders to involve, next steps with their dates as said, talk ratio,
 * tags, and a follow-up email draft in the call's language.
 */
import type {
  CallLang,
  CallSummary,
  CueEvent,
  IntentEvent,
  NextStep,
  UtteranceEvent,
} from '../../contract/events';
import { composeFollowUpEmail } from './email';
import { findCommitmentSteps, findProposalSteps, findPromiseSteps } from './next-steps';
import { findStakeholders } from './stakeholders';

export interface SummaryInput {
  lang: CallLang;
  /** Final utterances in call order. */
  utterances: UtteranceEvent[];
  intents: IntentEvent[];
  cues: CueEvent[];
  /** Competitors as the playbook names them (canonical names). */
  competitors: string[];
  repName?: string;
  customerName?: string;
  /** The rep's company, for the email signature. */
  company?: string;
}

/** Objection intents, in the order the summary reports them when several appear together. */
export const OBJECTION_LABELS = ['price_objection', 'budget_freeze', 'stall'] as const;

const OBJECTION_TAGS: Record<string, string> = {
  price_objection: 'objection:price',
  budget_freeze: 'objection:budget-freeze',
  stall: 'objection:stall',
};

/** Builds the summary of a finished call. Pure: same input, same summary. */
export function summarizeCall(input: SummaryInput): CallSummary {
  const utterances = [...input.utterances].sort((a, b) => a.start - b.start);
  const order = new Map(utterances.map((u, index) => [u.id, index]));
  const position = (intent: IntentEvent) =>
    order.get(intent.utteranceId) ?? Number.MAX_SAFE_INTEGER;
  const intents = [...input.intents].sort((a, b) => position(a) - position(b) || a.t - b.t);
  const labelsOf = labelIndex(intents);

  const competitors = namedCompetitors(input, utterances, intents);
  const objections = firstAppearances(
    intents
      .filter((i) => (OBJECTION_LABELS as readonly string[]).includes(i.label))
      .map((i) => i.label),
  );
  const stakeholders = findStakeholders(utterances, labelsOf, input.lang, input.customerName);
  const nextSteps = mergeSteps([
    ...findProposalSteps(utterances, labelsOf, input.lang),
    ...findCommitmentSteps(utterances, labelsOf, input.lang),
    // Promises said inside a proposal or commitment are that step, not another one.
    ...findPromiseSteps(
      utterances.filter((u) => {
        const labels = labelsOf(u.id);
        return !labels.has('rep_next_step_proposal') && !labels.has('next_step_commitment');
      }),
      input.lang,
      labelsOf,
    ),
  ]);
  const talkRatio = talkRatioOf(utterances);

  const summaryWithoutEmail = { competitors, objections, stakeholders, nextSteps, talkRatio };
  const tags = tagsOf(input.lang, summaryWithoutEmail, intents);
  const followUpEmail = composeFollowUpEmail({
    lang: input.lang,
    utterances,
    labelsOf,
    competitors,
    objections,
    stakeholders,
    nextSteps,
    repName: input.repName ?? speakerName(utterances, 'rep'),
    customerName: input.customerName ?? speakerName(utterances, 'customer'),
    company: input.company,
  });
  return { ...summaryWithoutEmail, tags, followUpEmail };
}

/** Labels per utterance id. */
function labelIndex(intents: IntentEvent[]): (utteranceId: string) => Set<string> {
  const index = new Map<string, Set<string>>();
  for (const intent of intents) {
    const labels = index.get(intent.utteranceId) ?? new Set<string>();
    labels.add(intent.label);
    index.set(intent.utteranceId, labels);
  }
  return (utteranceId) => index.get(utteranceId) ?? new Set<string>();
}

function firstAppearances(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Canonical competitor names in order of first appearance: from competitor intents (mapped to
 * the playbook's name when they match one), battlecard cues, and the names said in the call.
 */
function namedCompetitors(
  input: SummaryInput,
  utterances: UtteranceEvent[],
  intents: IntentEvent[],
) {
  const canonical = (name: string): string => {
    const lower = name.trim().toLowerCase();
    return (
      input.competitors.find((c) => c.toLowerCase() === lower) ??
      input.competitors.find(
        (c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()),
      ) ??
      name.trim()
    );
  };
  const found: Array<{ name: string; at: number }> = [];
  const order = new Map(utterances.map((u, index) => [u.id, index]));
  for (const intent of intents) {
    if (intent.competitor)
      found.push({ name: canonical(intent.competitor), at: order.get(intent.utteranceId) ?? 0 });
  }
  for (const cue of input.cues) {
    if (cue.kind === 'battlecard' && cue.competitor) {
      found.push({ name: canonical(cue.competitor), at: order.get(cue.utteranceId) ?? 0 });
    }
  }
  utterances.forEach((utterance, index) => {
    const text = utterance.text.toLowerCase();
    for (const name of input.competitors)
      if (text.includes(name.toLowerCase())) found.push({ name, at: index });
  });
  found.sort((a, b) => a.at - b.at);
  return firstAppearances(found.map((f) => f.name));
}

/**
 * Share of speaking time per side from utterance durations, 0..1, summing to 1 when anyone
 * spoke. `unknown` is the share of turns whose side is not known (mono audio).
 */
export function talkRatioOf(utterances: UtteranceEvent[]): {
  rep: number;
  customer: number;
  unknown: number;
} {
  let rep = 0;
  let customer = 0;
  let unknown = 0;
  for (const u of utterances) {
    const seconds = Math.max(0, u.end - u.start);
    if (u.speaker === 'rep') rep += seconds;
    else if (u.speaker === 'customer') customer += seconds;
    else unknown += seconds;
  }
  const total = rep + customer + unknown;
  if (total === 0) return { rep: 0, customer: 0, unknown: 0 };
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const repShare = round3(rep / total);
  if (unknown === 0) return { rep: repShare, customer: round3(1 - repShare), unknown: 0 };
  const customerShare = round3(customer / total);
  return { rep: repShare, customer: customerShare, unknown: round3(1 - repShare - customerShare) };
}

/** Joins a customer's commitment with the rep's proposal it accepts, keeping the first date said. */
function mergeSteps(
  steps: Array<NextStep & { kind: 'proposal' | 'commitment' | 'promise' }>,
): NextStep[] {
  const merged: Array<NextStep & { kind: string }> = [];
  for (const step of steps) {
    if (step.kind === 'commitment') {
      const proposal = [...merged]
        .reverse()
        .find((s) => s.kind === 'proposal' && s.owner !== 'both');
      if (proposal) {
        proposal.owner = 'both';
        proposal.when ??= step.when;
        continue;
      }
    }
    if (merged.some((s) => s.text === step.text && s.when === step.when)) continue;
    merged.push({ ...step });
  }
  return merged.map(({ kind: _kind, ...step }) => step);
}

function tagsOf(
  lang: CallLang,
  summary: Pick<
    CallSummary,
    'competitors' | 'objections' | 'stakeholders' | 'nextSteps' | 'talkRatio'
  >,
  intents: IntentEvent[],
): string[] {
  const tags = [`lang:${lang}`];
  for (const competitor of summary.competitors) tags.push(`competitor:${competitor}`);
  for (const objection of summary.objections)
    tags.push(OBJECTION_TAGS[objection] ?? `objection:${objection}`);
  if (summary.objections.includes('budget_freeze')) tags.push('risk:budget-frozen');
  if (summary.competitors.length > 0) tags.push('risk:competitor-evaluated');

  const agreed = summary.nextSteps.filter((s) => s.owner === 'both');
  const isDemo = (s: NextStep) => /\bdemo|演示|试用|展示/i.test(s.text);
  if (agreed.some(isDemo)) tags.push('stage:demo-scheduled');
  else if (agreed.some((s) => s.when !== null)) tags.push('stage:meeting-scheduled');
  else if (summary.nextSteps.length > 0) tags.push('stage:follow-up');
  else tags.push('stage:no-next-step');
  if (summary.objections.includes('stall') && agreed.length === 0) tags.push('risk:stalled');

  if (intents.some((i) => i.label === 'evidence_request')) tags.push('evidence:requested');
  if (summary.stakeholders.length > 0) tags.push('multi-threaded:yes');
  // Balance between the two sides as far as they are known.
  const { rep, customer } = summary.talkRatio;
  if (rep + customer > 0) {
    const repOfKnown = rep / (rep + customer);
    tags.push(
      repOfKnown > 0.65
        ? 'talk:rep-heavy'
        : repOfKnown < 0.35
          ? 'talk:customer-heavy'
          : 'talk:balanced',
    );
  }
  return tags;
}

/** The name the source gave a side's first utterance, if any. */
function speakerName(utterances: UtteranceEvent[], side: 'rep' | 'customer'): string | undefined {
  return utterances.find((u) => u.speaker === side && u.name)?.name;
}
