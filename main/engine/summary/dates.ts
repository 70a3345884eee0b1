/** Finds a date or time in an utterance and returns it exactly as said. */
import type { CallLang } from '../../contract/events';

const EN_NUMBER = String.raw`(?:\d{1,2}(?::\d{2})?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const EN_CLOCK = String.raw`(?:at\s+${EN_NUMBER}(?:\s*(?:o'clock|thirty|fifteen|forty[- ]five|am|pm|a\.m\.|p\.m\.))*|at\s+noon)`;
const EN_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const EN_MONTH =
  '(?:january|february|march|april|may|june|july|august|september|october|november|december)';
const EN_PART = String.raw`(?:\s+(?:morning|afternoon|evening))?`;

const EN_PATTERNS = [
  String.raw`\b(?:(?:this|next|coming|following)\s+)?${EN_DAY}${EN_PART}(?:\s+${EN_CLOCK})?`,
  String.raw`\b(?:tomorrow|today|tonight)${EN_PART}(?:\s+${EN_CLOCK})?`,
  String.raw`\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:day|week|month|quarter)`,
  String.raw`\b(?:this|next)\s+(?:week|month|quarter)`,
  String.raw`\bin\s+(?:a|one|two|three|four|\d+)\s+(?:days?|weeks?|months?)`,
  String.raw`\b${EN_MONTH}\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+${EN_CLOCK})?`,
  String.raw`\b${EN_CLOCK}\b`,
].map((source) => new RegExp(source, 'gi'));

const ZH_NUMBER = '[零〇一二两三四五六七八九十\\d]';
const ZH_PART = '(?:上午|下午|晚上|早上|中午|傍晚|晚)';
const ZH_CLOCK = `(?:${ZH_NUMBER}{1,3}[点點](?:半|整|${ZH_NUMBER}{1,3}分?)?)`;
const ZH_DAY =
  `(?:(?:下下|下个?|这个?|本|上)?(?:周|星期|礼拜)[一二三四五六日天1-7]|今天|明天|后天|大后天|今晚|明早|` +
  `月底|周末|下周|下个?星期|下个月|本周|这周|(?:下|本|这个?)季度|${ZH_NUMBER}{1,2}月${ZH_NUMBER}{1,3}[日号]?|` +
  `${ZH_NUMBER}{1,3}[日号])`;
const ZH_PATTERNS = [
  new RegExp(`${ZH_DAY}${ZH_PART}?${ZH_CLOCK}?`, 'g'),
  new RegExp(`${ZH_PART}${ZH_CLOCK}`, 'g'),
  new RegExp(ZH_CLOCK, 'g'),
];

/**
 * The first date or time expression in `text`, as said ("next Tuesday at ten", "下周二上午十点"),
 * or null. Where two expressions start at the same place, the longer wins.
 */
export function findWhen(text: string, lang: CallLang): string | null {
  const patterns = lang === 'zh' ? [...ZH_PATTERNS, ...EN_PATTERNS] : EN_PATTERNS;
  let best: { index: number; text: string } | null = null;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const found = match[0].trim();
      if (found === '') continue;
      const index = match.index ?? 0;
      if (
        !best ||
        index < best.index ||
        (index === best.index && found.length > best.text.length)
      ) {
        best = { index, text: found };
      }
    }
  }
  return best?.text ?? null;
}
