/**
 * Next steps: the rep's proposals (rep_next_step_proposal), the customer's commitments
 * (next_step_commitment), and promises said in the first person ("I will send the study",
 * "我今天就把研究报告发给您"). Dates stay as said.
 */
import type { CallLang, NextStep, UtteranceEvent } from '../../contract/events';
import { findWhen } from './dates';

export type FoundStep = NextStep & { kind: 'proposal' | 'commitment' | 'promise' };

const EN_SENTENCE = /(?<=[.!?])\s+/;
const ZH_SENTENCE = /(?<=[。！？!?；;])/;

function sentences(text: string, lang: CallLang): string[] {
  return text
    .split(lang === 'zh' ? ZH_SENTENCE : EN_SENTENCE)
    .map((s) => s.trim())
    .filter(Boolean);
}

const EN_LEAD_IN =
  /^(?:(?:so|ok|okay|great|well)[,.]?\s+)?(?:how about|what about|shall we|should we|can we|could we|would you be open to|why don't we|let's|let us|i suggest|i propose|i'd suggest)\s+/i;
const ZH_TAG_QUESTION =
  /[，,]?\s*(?:您看|你看)?(?:可以吗|行吗|怎么样|好吗|方便吗|如何|可以不)[？?]?$/;

function trimPunctuation(text: string): string {
  return text.replace(/^[\s,，、.。:：;；!?！？-]+|[\s,，、.。:：;；!?！？-]+$/g, '').trim();
}

/** Removes the date from the text when it stands at the start or the end of it. */
function withoutWhen(text: string, when: string | null): string {
  const trimmed = trimPunctuation(text);
  if (!when) return trimmed;
  if (trimmed.startsWith(when)) return trimPunctuation(trimmed.slice(when.length));
  if (trimmed.endsWith(when))
    return trimPunctuation(trimmed.slice(0, -when.length)).replace(/\s+(?:on|at|by)$/i, '');
  return trimmed;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The sentence of a proposal that carries the step: the one with a date, else the last question. */
function proposalSentence(text: string, lang: CallLang): string {
  const all = sentences(text, lang);
  return (
    all.find((s) => findWhen(s, lang) !== null) ??
    [...all].reverse().find((s) => /[?？]$/.test(s)) ??
    all[all.length - 1] ??
    text
  );
}

function cleanProposal(sentence: string, when: string | null, lang: CallLang): string {
  if (lang === 'zh') return withoutWhen(sentence.replace(ZH_TAG_QUESTION, ''), when);
  return capitalise(withoutWhen(sentence.replace(/[?]$/, ''), when).replace(EN_LEAD_IN, ''));
}

export function findProposalSteps(
  utterances: UtteranceEvent[],
  labelsOf: (id: string) => Set<string>,
  lang: CallLang,
): FoundStep[] {
  return utterances
    .filter((u) => labelsOf(u.id).has('rep_next_step_proposal'))
    .map((u) => {
      const sentence = proposalSentence(u.text, lang);
      const when = findWhen(sentence, lang) ?? findWhen(u.text, lang);
      return {
        kind: 'proposal',
        text: cleanProposal(sentence, when, lang),
        when,
        owner: 'rep',
        utteranceId: u.id,
      };
    });
}

export function findCommitmentSteps(
  utterances: UtteranceEvent[],
  labelsOf: (id: string) => Set<string>,
  lang: CallLang,
): FoundStep[] {
  return utterances
    .filter((u) => labelsOf(u.id).has('next_step_commitment'))
    .map((u) => ({
      kind: 'commitment',
      text: trimPunctuation(u.text),
      when: findWhen(u.text, lang),
      owner: u.speaker === 'rep' ? 'rep' : 'customer',
      utteranceId: u.id,
    }));
}

const EN_PROMISE =
  /\b(?:I|we)(?:'ll| will| am going to|'m going to| are going to|'re going to| shall)\s+((?:also\s+)?(?:send|share|email|forward|prepare|put together|set up|schedule|book|follow up|call|introduce|arrange|draft|get you|check with|talk to|confirm|review)\b.*)$/i;
const ZH_PROMISE =
  /^(?:那|好的?|行)?[，,]?\s*((?:我|我们)(?:这边)?(?:会|今天|明天|马上|稍后|回头|下午|晚上|这就|就|来|先|尽快|周[一二三四五六日])*(?:把|给您|给你|发|寄|准备|安排|整理|约|联系|提供|确认|申请|和|跟).+)$/;

/** First-person promises in any utterance that is not a stall ("I will send the study today"). */
export function findPromiseSteps(
  utterances: UtteranceEvent[],
  lang: CallLang,
  labelsOf: (id: string) => Set<string> = () => new Set(),
): FoundStep[] {
  const steps: FoundStep[] = [];
  for (const u of utterances) {
    if (u.speaker === 'unknown' || labelsOf(u.id).has('stall')) continue;
    const owner = u.speaker;
    for (const sentence of sentences(u.text, lang)) {
      const clauses = lang === 'zh' ? sentence.split(/[，,]/) : [sentence];
      for (const clause of clauses) {
        const match = (lang === 'zh' ? ZH_PROMISE : EN_PROMISE).exec(clause.trim());
        if (!match) continue;
        const when = findWhen(match[1], lang);
        const action = withoutWhen(match[1], when);
        steps.push({
          kind: 'promise',
          text: lang === 'zh' ? action : capitalise(action),
          when,
          owner,
          utteranceId: u.id,
        });
      }
    }
  }
  return steps;
}
