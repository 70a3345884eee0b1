import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CallLang,
  INTENT_LABELS,
  type IntentEvent,
  type Speaker,
  type UtteranceEvent,
} from '../../../main/contract/events';
import { findWhen } from '../../../main/engine/summary/dates';
import { summarizeCall } from '../../../main/engine/summary/summarize';
import { describeWithShared, sharedPath } from '../../helpers/shared';

interface TruthTurn {
  speaker: Speaker;
  text: string;
  labels: string[];
  start_s: number;
  end_s: number;
  entities?: { competitor?: string };
}
interface Truth {
  lang: CallLang;
  turns: TruthTurn[];
  expect: {
    summary: {
      competitors: string[];
      objections: string[];
      next_steps: string[];
      stakeholders: string[];
    };
  };
}

/** Utterance and intent events as the engine would have produced them for these turns. */
function eventsFrom(
  lang: CallLang,
  turns: Array<Omit<TruthTurn, 'start_s' | 'end_s'> & Partial<TruthTurn>>,
) {
  let clock = 0;
  const utterances: UtteranceEvent[] = [];
  const intents: IntentEvent[] = [];
  turns.forEach((turn, i) => {
    const start = turn.start_s ?? clock;
    const end = turn.end_s ?? start + 3;
    clock = end + 0.5;
    utterances.push({
      type: 'utterance',
      id: `u${i}`,
      speaker: turn.speaker,
      text: turn.text,
      start,
      end,
      t: end,
      lang,
    });
    for (const label of turn.labels.filter((l) =>
      (INTENT_LABELS as readonly string[]).includes(l),
    )) {
      intents.push({
        type: 'intent',
        utteranceId: `u${i}`,
        label,
        speaker: turn.speaker,
        confidence: 0.9,
        t: end,
        competitor: turn.entities?.competitor ?? null,
      });
    }
  });
  return { utterances, intents };
}

describeWithShared('summaries of the shared calls', () => {
  for (const name of ['en-medtech-pump', 'en-medtech-pump-echo', 'zh-medtech-pump']) {
    it(`${name}: names competitors, objections, stakeholders and dated next steps`, () => {
      const truth = JSON.parse(
        readFileSync(sharedPath(`fixtures/calls/${name}.truth.json`), 'utf8'),
      ) as Truth;
      const { utterances, intents } = eventsFrom(truth.lang, truth.turns);
      const summary = summarizeCall({
        lang: truth.lang,
        utterances,
        intents,
        cues: [],
        competitors: ['Helix Devices', '瀚途医疗'],
      });
      const expected = truth.expect.summary;

      expect(summary.competitors).toEqual(expected.competitors);
      expect(summary.objections).toEqual(expected.objections);
      for (const stakeholder of expected.stakeholders)
        expect(summary.stakeholders).toContain(stakeholder);

      const stepsText = summary.nextSteps.map((s) => `${s.text} | ${s.when ?? ''}`).join('\n');
      const [sendStep, demoStep] = truth.lang === 'zh' ? ['研究报告', '演示'] : ['study', 'demo'];
      expect(expected.next_steps.join(' ')).toContain(sendStep);
      expect(stepsText).toContain(sendStep);
      const demo = summary.nextSteps.find((s) => s.text.includes(demoStep));
      expect(demo?.when).toBe(truth.lang === 'zh' ? '下周二上午十点' : 'next Tuesday at ten');
      expect(demo?.owner).toBe('both');
      expect(expected.next_steps.join(' ')).toContain(
        truth.lang === 'zh' ? '周二上午十点' : 'Tuesday at ten',
      );

      expect(summary.talkRatio.rep + summary.talkRatio.customer).toBeCloseTo(1, 5);
      expect(summary.tags.length).toBeGreaterThanOrEqual(3);
      expect(summary.tags).toContain(`lang:${truth.lang}`);
      expect(summary.tags).toContain(`competitor:${expected.competitors[0]}`);
      expect(summary.tags).toContain('stage:demo-scheduled');
      expect(summary.tags).toContain('risk:budget-frozen');

      const email = summary.followUpEmail;
      expect(email.lang).toBe(truth.lang);
      expect(email.body).toContain(demo?.when);
      expect(email.body).toContain(expected.competitors[0]);
      if (truth.lang === 'zh') {
        expect(email.body).toMatch(/^王主任您好/);
        expect(email.body).toContain('感谢');
        expect(email.body).toContain('第三季度');
        expect(email.body).not.toMatch(/\b(?:Thank|Next step)\b/);
      } else {
        expect(email.body).toMatch(/^Hi Dana,/);
        expect(email.body).toContain('Thank you');
        expect(email.body).toContain('thirty one percent');
        expect(email.body).not.toMatch(/[\u4e00-\u9fff]/);
      }
    });
  }
});

describe('summaries of calls unlike the fixtures', () => {
  it('an English renewal call: CFO and a named person, Friday deadline, customer-owned step', () => {
    const { utterances, intents } = eventsFrom('en', [
      { speaker: 'rep', text: 'Good morning Priya, thanks for joining.', labels: [] },
      {
        speaker: 'customer',
        text: 'Morning. Honestly the renewal looks expensive compared to Orbit Health.',
        labels: ['price_objection', 'competitor_mention'],
        entities: { competitor: 'Orbit' },
      },
      {
        speaker: 'rep',
        text: 'Orbit Health does not include training.',
        labels: ['rep_competitor_comparison'],
      },
      {
        speaker: 'customer',
        text: 'Our CFO signs anything over fifty thousand, and I have to check with Marcus in procurement.',
        labels: ['decision_maker'],
      },
      {
        speaker: 'rep',
        text: 'Could we walk your CFO through the numbers on Thursday afternoon at 3 pm?',
        labels: ['rep_next_step_proposal'],
      },
      {
        speaker: 'customer',
        text: 'I will confirm with Marcus by the end of the week.',
        labels: [],
      },
      {
        speaker: 'rep',
        text: 'Thanks. I will email the cost breakdown tomorrow morning.',
        labels: [],
      },
    ]);
    const summary = summarizeCall({
      lang: 'en',
      utterances,
      intents,
      cues: [],
      competitors: ['Orbit Health'],
      repName: 'Sam Lee',
      company: 'Northwind Medical',
    });
    expect(summary.competitors).toEqual(['Orbit Health']);
    expect(summary.objections).toEqual(['price_objection']);
    expect(summary.stakeholders).toEqual(expect.arrayContaining(['CFO', 'Marcus', 'procurement']));
    expect(summary.nextSteps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ when: 'Thursday afternoon at 3 pm', owner: 'rep' }),
        expect.objectContaining({ when: 'by the end of the week', owner: 'customer' }),
        expect.objectContaining({
          text: 'Email the cost breakdown',
          when: 'tomorrow morning',
          owner: 'rep',
        }),
      ]),
    );
    expect(summary.tags).toEqual(
      expect.arrayContaining(['lang:en', 'competitor:Orbit Health', 'objection:price']),
    );
    expect(summary.tags).not.toContain('risk:budget-frozen');
    expect(summary.followUpEmail.body).toMatch(/^Hi Priya,/);
    expect(summary.followUpEmail.body).toContain('Thursday afternoon at 3 pm');
    expect(summary.followUpEmail.body).toMatch(/Sam Lee\nNorthwind Medical$/);
  });

  it('a Chinese call: 院长 and 财务 must sign off, a stall with no agreed step', () => {
    const { utterances, intents } = eventsFrom('zh', [
      { speaker: 'rep', text: '张科长您好，我是北风医疗的小陈。', labels: [] },
      {
        speaker: 'customer',
        text: '这个价格太贵了，我们预算今年已经用完了。',
        labels: ['price_objection', 'budget_freeze'],
      },
      {
        speaker: 'customer',
        text: '这件事还得跟院长汇报，财务也要同意才行。',
        labels: ['decision_maker'],
      },
      { speaker: 'customer', text: '我们再研究研究吧。', labels: ['stall'] },
      { speaker: 'rep', text: '好的，我明天把报价明细发给您。', labels: [] },
    ]);
    const summary = summarizeCall({
      lang: 'zh',
      utterances,
      intents,
      cues: [],
      competitors: ['瀚途医疗'],
    });
    expect(summary.competitors).toEqual([]);
    expect(summary.objections).toEqual(['price_objection', 'budget_freeze', 'stall']);
    expect(summary.stakeholders).toEqual(expect.arrayContaining(['院长', '财务']));
    expect(summary.nextSteps).toEqual([
      expect.objectContaining({ text: '我明天把报价明细发给您', when: '明天', owner: 'rep' }),
    ]);
    expect(summary.tags).toEqual(
      expect.arrayContaining(['lang:zh', 'risk:budget-frozen', 'risk:stalled', 'stage:follow-up']),
    );
    expect(summary.followUpEmail.lang).toBe('zh');
    expect(summary.followUpEmail.body).toMatch(/^张科长您好/);
    expect(summary.followUpEmail.body).toContain('明天');
    expect(summary.followUpEmail.subject).toContain('今日沟通跟进');
  });

  it('quotes as evidence in the e-mail only what the rep backed with a figure', () => {
    for (const [lang, vague, fact] of [
      [
        'en',
        'No. Of course not. It just helps us serve our customers better in the future.',
        'A study across four hospitals showed a 31% drop in dosing errors.',
      ],
      [
        'zh',
        '没有没有，这只是为了以后更好地服务客户。',
        '有的。三家医院用了以后，差错下降了百分之三十。',
      ],
    ] as const) {
      const { utterances, intents } = eventsFrom(lang, [
        {
          speaker: 'customer',
          text: lang === 'en' ? 'Is this survey mandatory?' : '这个问卷必须填吗？',
          labels: [],
        },
        { speaker: 'rep', text: vague, labels: ['rep_cites_evidence'] },
        { speaker: 'rep', text: fact, labels: ['rep_cites_evidence'] },
      ]);
      const { body } = summarizeCall({
        lang,
        utterances,
        intents,
        cues: [],
        competitors: [],
      }).followUpEmail;
      expect(body).toContain(
        lang === 'en' ? 'a 31% drop in dosing errors' : '差错下降了百分之三十',
      );
      expect(body).not.toContain(lang === 'en' ? 'serve our customers' : '更好地服务客户');
    }
  });

  it('an empty call still yields a summary with three tags and a polite email', () => {
    const summary = summarizeCall({
      lang: 'en',
      utterances: [],
      intents: [],
      cues: [],
      competitors: [],
    });
    expect(summary.talkRatio).toEqual({ rep: 0, customer: 0, unknown: 0 });
    expect(summary.tags.length).toBeGreaterThanOrEqual(2);
    expect(summary.followUpEmail.body).toContain('Hi there,');
  });
});

describe('talk ratio', () => {
  const turn = (speaker: Speaker, start: number, end: number): UtteranceEvent => ({
    type: 'utterance',
    id: `u${start}`,
    speaker,
    text: 'Hello.',
    start,
    end,
    t: end,
    lang: 'en',
  });
  const ratio = (turns: UtteranceEvent[]) =>
    summarizeCall({ lang: 'en', utterances: turns, intents: [], cues: [], competitors: [] });

  it('gives the share of turns whose speaker is unknown (mono audio)', () => {
    const mono = ratio([turn('unknown', 0, 4), turn('unknown', 5, 9)]);
    expect(mono.talkRatio).toEqual({ rep: 0, customer: 0, unknown: 1 });
    expect(mono.tags.some((tag) => tag.startsWith('talk:'))).toBe(false);
    const mixed = ratio([turn('rep', 0, 2), turn('customer', 2, 4), turn('unknown', 4, 8)]);
    expect(mixed.talkRatio).toEqual({ rep: 0.25, customer: 0.25, unknown: 0.5 });
    expect(mixed.tags).toContain('talk:balanced');
    expect(ratio([turn('rep', 0, 3), turn('customer', 3, 4)]).talkRatio).toEqual({
      rep: 0.75,
      customer: 0.25,
      unknown: 0,
    });
  });
});

describe('dates as said', () => {
  it.each([
    ['How about next Tuesday at ten?', 'en', 'next Tuesday at ten'],
    ['Can we do Friday morning?', 'en', 'Friday morning'],
    ['I will send it by the end of the week.', 'en', 'by the end of the week'],
    ['Let us talk on March 3rd at 2 pm.', 'en', 'March 3rd at 2 pm'],
    ['Nothing planned yet.', 'en', null],
    ['下周二上午十点，我们做个演示', 'zh', '下周二上午十点'],
    ['周四下午三点半可以吗', 'zh', '周四下午三点半'],
    ['我明天发给您', 'zh', '明天'],
    ['3月15日我们再聊', 'zh', '3月15日'],
    ['我只有十来分钟', 'zh', null],
  ] as const)('%s -> %s', (text, lang, expected) => {
    expect(findWhen(text, lang)).toBe(expected);
  });
});
