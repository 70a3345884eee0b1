/**
 * The follow-up email draft, in the call's language: thanks, a recap of what was discussed,
 * the evidence promised, and the next step with its date as said.
 */
import type { CallLang, NextStep, UtteranceEvent } from '../../contract/events';

export interface EmailInput {
  lang: CallLang;
  utterances: UtteranceEvent[];
  labelsOf: (utteranceId: string) => Set<string>;
  competitors: string[];
  objections: string[];
  stakeholders: string[];
  nextSteps: NextStep[];
  repName?: string;
  customerName?: string;
  company?: string;
}

export interface FollowUpEmail {
  subject: string;
  body: string;
  lang: CallLang;
}

function withLabel(input: EmailInput, label: string): UtteranceEvent[] {
  return input.utterances.filter((u) => input.labelsOf(u.id).has(label));
}

/** What the customer said about a budget freeze lifting ("until the third quarter"). */
function freezeUntil(input: EmailInput): string | null {
  for (const u of withLabel(input, 'budget_freeze')) {
    const en = /\buntil ([^.,;!?]+)/i.exec(u.text);
    if (en) return `until ${en[1].trim()}`;
    const zh = /(?:冻结到|冻结至|要到)([^，。！？,.!?了]+)/.exec(u.text);
    if (zh) return zh[1].trim();
  }
  return null;
}

/** A figure a customer can check: digits, a percentage, a number in words. */
const FIGURE_EN =
  /\d|\bper ?cent\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|half|double|twice)\b/i;
const FIGURE_ZH =
  /\d|百分之|[一二三四五六七八九十两百千万]+(?:家|个|所|成|倍|年|万|小时|分钟|天|周|个月|次|位|%)/;

/**
 * Evidence the rep cited, without a leading "Yes." / "有的。". Only turns that carry a figure
 * (a study's result, a customer's numbers) go into an e-mail the customer will read; a turn
 * the model took for evidence without one is more likely talk about service in general.
 */
function evidenceCited(input: EmailInput): string[] {
  const figure = input.lang === 'zh' ? FIGURE_ZH : FIGURE_EN;
  return withLabel(input, 'rep_cites_evidence')
    .filter((u) => u.speaker === 'rep' && figure.test(u.text))
    .map((u) =>
      u.text.replace(/^(?:yes|sure|absolutely|of course|有的|是的|当然)[.,!。，！]\s*/i, '').trim(),
    )
    .filter(Boolean);
}

/** First name for an English greeting; the customer's own form of address for Chinese. */
function greetingName(input: EmailInput): string | null {
  if (input.customerName) {
    return input.lang === 'zh'
      ? input.customerName.trim()
      : input.customerName.trim().split(/\s+/)[0];
  }
  const opener = input.utterances.find((u) => u.speaker === 'rep')?.text ?? '';
  if (input.lang === 'zh') return /^([\u4e00-\u9fff]{2,4}?)(?:您好|你好)/.exec(opener)?.[1] ?? null;
  return (
    /\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Gg]ood (?:morning|afternoon|evening)),?\s+([A-Z][a-z]+)/.exec(
      opener,
    )?.[1] ?? null
  );
}

function mainStep(steps: NextStep[]): NextStep | null {
  return (
    steps.find((s) => s.owner === 'both') ?? steps.find((s) => s.when !== null) ?? steps[0] ?? null
  );
}

/** Composes the email. Never throws; missing parts are left out. */
export function composeFollowUpEmail(input: EmailInput): FollowUpEmail {
  return input.lang === 'zh' ? composeZh(input) : composeEn(input);
}

function composeEn(input: EmailInput): FollowUpEmail {
  const name = greetingName(input);
  const step = mainStep(input.nextSteps);
  const stepText = step ? `${lowerFirst(step.text)}${step.when ? `, ${step.when}` : ''}` : null;

  const recap: string[] = [];
  for (const competitor of input.competitors) recap.push(`How we compare with ${competitor}`);
  if (input.objections.includes('price_objection'))
    recap.push('Pricing and the total cost over the life of the product');
  if (input.objections.includes('budget_freeze')) {
    const until = freezeUntil(input);
    recap.push(until ? `Your budget timing (frozen ${until})` : 'Your budget timing');
  }
  if (withLabel(input, 'evidence_request').length > 0) recap.push('The evidence you asked for');
  for (const stakeholder of input.stakeholders) recap.push(`Involving your ${stakeholder}`);

  const promises = input.nextSteps.filter((s) => s.owner === 'rep' && s !== step);
  const evidence = evidenceCited(input);
  const lines = [
    `Hi ${name ?? 'there'},`,
    '',
    'Thank you for taking the time to speak with me today.',
  ];
  if (recap.length > 0)
    lines.push('', 'To recap what we discussed:', ...recap.map((r) => `- ${r}`));
  if (evidence.length > 0 || promises.length > 0) {
    lines.push('', 'As promised:');
    for (const promise of promises)
      lines.push(
        `- I will ${lowerFirst(promise.text)}${promise.when ? ` (${promise.when})` : ''}.`,
      );
    for (const item of evidence) lines.push(`- The evidence we discussed: ${item}`);
  }
  lines.push(
    '',
    stepText
      ? `Next step: ${stepText}. I look forward to it.`
      : 'Please let me know a good time for a next conversation.',
    '',
    'Best regards,',
    ...[input.repName, input.company].filter((s): s is string => Boolean(s)),
  );
  const subject = step
    ? `Follow-up from today's call: ${lowerFirst(step.text)}${step.when ? `, ${step.when}` : ''}`
    : `Follow-up from today's call${input.company ? ` with ${input.company}` : ''}`;
  return { subject: clip(subject, 120), body: lines.join('\n'), lang: 'en' };
}

function composeZh(input: EmailInput): FollowUpEmail {
  const name = greetingName(input);
  const step = mainStep(input.nextSteps);
  const stepText = step
    ? `${step.when && !step.text.includes(step.when) ? `${step.when}，` : ''}${step.text}`
    : null;

  const recap: string[] = [];
  for (const competitor of input.competitors) recap.push(`我们与${competitor}的对比`);
  if (input.objections.includes('price_objection')) recap.push('价格与全生命周期的总体成本');
  if (input.objections.includes('budget_freeze')) {
    const until = freezeUntil(input);
    recap.push(until ? `预算安排（预算冻结到${until}）` : '预算安排');
  }
  if (withLabel(input, 'evidence_request').length > 0) recap.push('您需要的证据资料');
  for (const stakeholder of input.stakeholders) recap.push(`请${stakeholder}一同参与评估`);

  const promises = input.nextSteps.filter((s) => s.owner === 'rep' && s !== step);
  const evidence = evidenceCited(input);
  const lines = [`${name ?? ''}您好：`, '', '感谢您今天抽出时间与我沟通。'];
  if (recap.length > 0)
    lines.push('', '回顾一下我们今天讨论的内容：', ...recap.map((r) => `- ${r}`));
  if (evidence.length > 0 || promises.length > 0) {
    lines.push('', '如约：');
    for (const promise of promises) lines.push(`- ${promise.text.replace(/^我们?/, '')}`);
    for (const item of evidence) lines.push(`- 我们提到的证据：${item}`);
  }
  lines.push(
    '',
    stepText
      ? `下一步：${stepText}。期待与您再次沟通。`
      : '请问您什么时间方便，我们再约下一次沟通？',
    '',
    '此致',
    '敬礼',
    ...[input.repName, input.company].filter((s): s is string => Boolean(s)),
  );
  const subject = step
    ? `今日沟通跟进：${stepText}`
    : `今日沟通跟进${input.company ? `（${input.company}）` : ''}`;
  return { subject: clip(subject, 80), body: lines.join('\n'), lang: 'zh' };
}

function lowerFirst(text: string): string {
  return /^[A-Z](?:[a-z]|\s)/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
