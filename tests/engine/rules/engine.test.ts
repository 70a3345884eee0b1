import { describe, expect, it } from 'vitest';
import type { Speaker } from '../../../main/contract/events';
import { loadPlaybook } from '../../../main/engine/playbook/load';
import { Rule } from '../../../main/engine/playbook/schema';
import { defaultPlaybookDir } from '../../../main/engine/resources';
import { type IntentOccurrence, RuleSet } from '../../../main/engine/rules/engine';

const playbook = loadPlaybook(defaultPlaybookDir());
const helix = { id: 'helix-devices', name: 'Helix' };
let n = 0;
function heard(
  label: string,
  speaker: Speaker,
  t: number,
  competitor: IntentOccurrence['competitor'] = null,
): IntentOccurrence {
  return { label, speaker, t, confidence: 0.9, utteranceId: `u${++n}`, competitor };
}
function shown(firings: ReturnType<ReturnType<RuleSet['newCall']>['evaluate']>): string[] {
  return firings.flatMap((f) =>
    f.shows.map((s) =>
      s.kind === 'battlecard' ? `battlecard:${s.battlecard.id}` : `talk_track:${s.talkTrack.id}`,
    ),
  );
}

describe('the Northwind rules', () => {
  it("shows the competitor's battlecard when the customer names it, not when the rep does", () => {
    const call = new RuleSet(playbook).newCall();
    expect(shown(call.evaluate(heard('competitor_mention', 'rep', 5, helix)))).toEqual([]);
    expect(shown(call.evaluate(heard('competitor_mention', 'customer', 10, helix)))).toEqual([
      'battlecard:helix-devices',
    ]);
  });

  it('does not repeat a battlecard within its cooldown, and shows it again after', () => {
    const call = new RuleSet(playbook).newCall();
    expect(shown(call.evaluate(heard('competitor_mention', 'customer', 10, helix)))).toHaveLength(
      1,
    );
    expect(shown(call.evaluate(heard('competitor_mention', 'customer', 40, helix)))).toHaveLength(
      0,
    );
    expect(shown(call.evaluate(heard('competitor_mention', 'customer', 200, helix)))).toHaveLength(
      1,
    );
  });

  it('shows no battlecard for a competitor the playbook does not know', () => {
    const call = new RuleSet(playbook).newCall();
    expect(call.evaluate(heard('competitor_mention', 'customer', 10, null))).toEqual([]);
  });

  it('answers each objection with its own talk-track', () => {
    const call = new RuleSet(playbook).newCall();
    expect(shown(call.evaluate(heard('price_objection', 'customer', 1)))).toEqual([
      'talk_track:price_objection',
    ]);
    expect(shown(call.evaluate(heard('budget_freeze', 'customer', 2)))).toEqual([
      'talk_track:budget_freeze',
    ]);
    expect(shown(call.evaluate(heard('stall', 'customer', 3)))).toEqual(['talk_track:stall']);
  });

  it('alerts the manager on the third comparison without evidence, once per call', () => {
    const call = new RuleSet(playbook).newCall();
    expect(call.evaluate(heard('rep_competitor_comparison', 'rep', 10))).toEqual([]);
    expect(call.evaluate(heard('rep_competitor_comparison', 'rep', 20))).toEqual([]);
    const [firing] = call.evaluate(heard('rep_competitor_comparison', 'rep', 30));
    expect(firing.rule.id).toBe('evidence-when-comparing');
    expect(shown([firing])).toEqual(['talk_track:cite_evidence_when_comparing']);
    expect(firing.alert).not.toBeNull();
    for (const t of [40, 50, 60])
      expect(call.evaluate(heard('rep_competitor_comparison', 'rep', t))).toEqual([]);
  });

  it('starts counting again after the rep cites evidence', () => {
    const call = new RuleSet(playbook).newCall();
    call.evaluate(heard('rep_competitor_comparison', 'rep', 10));
    call.evaluate(heard('rep_competitor_comparison', 'rep', 20));
    call.evaluate(heard('rep_cites_evidence', 'rep', 25));
    expect(call.evaluate(heard('rep_competitor_comparison', 'rep', 30))).toEqual([]);
    expect(call.evaluate(heard('rep_competitor_comparison', 'rep', 40))).toEqual([]);
    expect(call.evaluate(heard('rep_competitor_comparison', 'rep', 50))).toHaveLength(1);
  });

  it('lets a mono call (unknown speaker) trigger side-specific rules', () => {
    const call = new RuleSet(playbook).newCall();
    expect(shown(call.evaluate(heard('stall', 'unknown', 3)))).toEqual(['talk_track:stall']);
  });
});

describe('rule conditions', () => {
  const rule = (when: Record<string, unknown>, repeat: unknown = { cooldown_s: 0 }) =>
    Rule.parse({ id: 'r', when, then: [{ show: { talk_track: 'stall' } }], repeat });

  it('counts only occurrences inside the time window', () => {
    const call = new RuleSet(playbook, [
      rule({ intent: 'stall', count: 2, within_s: 30 }),
    ]).newCall();
    expect(call.evaluate(heard('stall', 'customer', 0))).toEqual([]);
    expect(call.evaluate(heard('stall', 'customer', 40))).toEqual([]);
    expect(call.evaluate(heard('stall', 'customer', 60))).toHaveLength(1);
  });

  it('fires only after a required earlier intent', () => {
    const call = new RuleSet(playbook, [
      rule({ intent: 'stall', after: ['price_objection'] }),
    ]).newCall();
    expect(call.evaluate(heard('stall', 'customer', 5))).toEqual([]);
    call.evaluate(heard('price_objection', 'customer', 6));
    expect(call.evaluate(heard('stall', 'customer', 7))).toHaveLength(1);
  });

  it('ignores intents below the minimum confidence', () => {
    const call = new RuleSet(playbook, [rule({ intent: 'stall', min_confidence: 0.95 })]).newCall();
    expect(call.evaluate(heard('stall', 'customer', 5))).toEqual([]);
  });

  it('skips disabled rules', () => {
    const disabled = Rule.parse({
      id: 'off',
      enabled: false,
      when: { intent: 'stall' },
      then: [{ show: 'talk_track' }],
    });
    expect(
      new RuleSet(playbook, [disabled]).newCall().evaluate(heard('stall', 'customer', 1)),
    ).toEqual([]);
  });
});

describe('cooldowns and confidence', () => {
  it('shows a talk-track again when the intent is clearly heard soon after a tentative firing', () => {
    const call = new RuleSet(playbook).newCall();
    const tentative = { ...heard('stall', 'customer', 100), confidence: 0.5 };
    expect(shown(call.evaluate(tentative))).toEqual(['talk_track:stall']);
    expect(shown(call.evaluate({ ...heard('stall', 'customer', 105), confidence: 0.55 }))).toEqual(
      [],
    );
    expect(shown(call.evaluate({ ...heard('stall', 'customer', 110), confidence: 0.97 }))).toEqual([
      'talk_track:stall',
    ]);
    expect(shown(call.evaluate({ ...heard('stall', 'customer', 115), confidence: 0.99 }))).toEqual(
      [],
    );
  });
});
