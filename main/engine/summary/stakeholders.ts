/**
 * Stakeholders: roles and people the customer says must be involved ("head of nursing", "CFO",
 * "my boss", "护理部主任", "领导"). Known roles are found in everything the customer says and in
 * the rep's "your ..." phrases; named people only in utterances labelled decision_maker.
 */
import type { CallLang, UtteranceEvent } from '../../contract/events';

const EN_ROLE_SOURCE = [
  'head of [a-z]+',
  '(?:chief|director|vp|vice president|manager) of [a-z]+(?: [a-z]+)?',
  '(?:nurse|ward|department|practice|office|it|project|purchasing|procurement|finance) manager',
  'charge nurse|medical director|clinical director|department head|administrator',
  'procurement(?: team| department)?|purchasing(?: team| department)?',
  'finance(?: team| department)?|legal(?: team)?|compliance|it department|it team',
  '(?:the )?board|value analysis committee|committee|biomed(?:ical engineering)?|pharmacy',
  'my (?:boss|manager|supervisor|director)',
  'business partner|co-?founder|owner',
].join('|');
const EN_ROLE = new RegExp(`\\b(${EN_ROLE_SOURCE})\\b`, 'gi');
const EN_ACRONYM = /\b(CFO|CEO|CTO|CIO|COO|CMO|CNO|CMIO|CNIO|CPO)\b/g;
const EN_YOUR_ROLE = new RegExp(`\\byour (${EN_ROLE_SOURCE})\\b`, 'gi');
const EN_PERSON =
  /\b(?:talk to|speak (?:to|with)|check with|run (?:it|this|that) (?:by|past)|loop in|get (?:sign-?off|approval) from|consult(?: with)?|involve|bring in|ask)\s+(?:Dr\.?\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)/g;

const ZH_ROLES = [
  '护理部主任',
  '分管院长',
  '副院长',
  '院长',
  '护士长',
  '科主任',
  '主任医师',
  '设备科',
  '设备处',
  '采购部',
  '采购科',
  '采购',
  '财务部',
  '财务科',
  '财务',
  '信息科',
  '医务处',
  '药剂科',
  '法务',
  '董事会',
  '委员会',
  '领导',
  '老板',
  '上级',
  '主管',
  '总监',
  '总经理',
  '经理',
];
const ZH_ROLE = new RegExp(`(${ZH_ROLES.join('|')})`, 'g');
const ZH_CONSULT =
  /(?:和|跟|与|找|问问?|请示|让|给)(?:我们|我的|我们的|咱们)?([\u4e00-\u9fff]{2,8}?)(?:一起)?(?:商量|讨论|沟通|确认|汇报|看看|同意|批准|签字|拍板|决定|过目)/g;
const ZH_BUY_FOR = /帮(朋友|家人|老婆|老公|父母|孩子|同事|公司|领导|老板)买/g;

function normaliseEn(role: string): string {
  const lower = role.toLowerCase().replace(/^the /, '');
  return lower.replace(/^my /, '');
}

/** Stakeholders in order of first mention, without the customer's own name. */
export function findStakeholders(
  utterances: UtteranceEvent[],
  labelsOf: (id: string) => Set<string>,
  lang: CallLang,
  customerName?: string,
): string[] {
  const found: string[] = [];
  const add = (name: string) => {
    const clean = name.trim();
    if (clean === '' || found.includes(clean)) return;
    if (customerName && clean === customerName.trim()) return;
    if (utterances.some((u) => u.name && u.name === clean)) return;
    // Keep the longest form: "护理部主任" makes a later "主任" redundant.
    if (found.some((f) => f.includes(clean))) return;
    found.push(clean);
  };

  for (const u of utterances) {
    const decisionMaker = labelsOf(u.id).has('decision_maker');
    if (u.speaker === 'customer' || decisionMaker) {
      if (lang === 'zh' || /[\u4e00-\u9fff]/.test(u.text)) {
        for (const match of u.text.matchAll(ZH_CONSULT)) {
          const candidate = match[1];
          const role = candidate.match(ZH_ROLE)?.[0];
          if (decisionMaker || role)
            add(role && candidate.endsWith(role) ? candidate : (role ?? candidate));
        }
        for (const match of u.text.matchAll(ZH_ROLE)) add(match[1]);
        for (const match of u.text.matchAll(ZH_BUY_FOR)) add(match[1]);
      }
      for (const match of u.text.matchAll(EN_ROLE)) add(normaliseEn(match[1]));
      for (const match of u.text.matchAll(EN_ACRONYM)) add(match[1]);
      if (decisionMaker) for (const match of u.text.matchAll(EN_PERSON)) add(match[1]);
    } else if (u.speaker === 'rep') {
      for (const match of u.text.matchAll(EN_YOUR_ROLE)) add(normaliseEn(match[1]));
    }
  }
  return found;
}
