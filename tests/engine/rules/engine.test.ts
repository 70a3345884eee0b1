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

  it('fires after an earlier utterance of its own intent', () => {
    const call = new RuleSet(playbook, [rule({ intent: 'stall', after: ['stall'] })]).newCall();
    expect(call.evaluate(heard('stall', 'customer', 5))).toEqual([]);
    expect(call.evaluate(heard('stall', 'customer', 9))).toHaveLength(1);
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
  const at = (label: string, t: number, confidence: number) => ({
    ...heard(label, 'customer', t),
    confidence,
  });
  const confirmed = (firings: ReturnType<ReturnType<RuleSet['newCall']>['evaluate']>) =>
    shown(firings.map((f) => ({ ...f, shows: f.confirms })));

  it.each([
    ['confident, then confident', 0.97, 0.99],
    ['tentative, then tentative', 0.5, 0.55],
    ['confident, then tentative', 0.97, 0.5],
  ])('never shows the same card twice within the cooldown (%s)', (_, first, second) => {
    const call = new RuleSet(playbook).newCall();
    expect(shown(call.evaluate(at('stall', 100, first)))).toEqual(['talk_track:stall']);
    const again = call.evaluate(at('stall', 105, second));
    expect(shown(again)).toEqual([]);
    expect(confirmed(again)).toEqual([]);
  });

  it('confirms a tentative card in place when the intent is then clearly heard, once', () => {
    const call = new RuleSet(playbook).newCall();
    const [tentative] = call.evaluate(at('stall', 100, 0.5));
    expect(tentative.tentative).toBe(true);
    const [sure] = call.evaluate(at('stall', 105, 0.97));
    expect(sure).toMatchObject({ tentative: false, shows: [] });
    expect(confirmed([sure])).toEqual(['talk_track:stall']);
    expect(call.evaluate(at('stall', 110, 0.99))).toEqual([]);
  });

  it('holds the card back for a full cooldown from its confirmation, then shows it anew', () => {
    const call = new RuleSet(playbook).newCall();
    call.evaluate(at('price_objection', 27, 0.6));
    expect(confirmed(call.evaluate(at('price_objection', 48, 0.99)))).toEqual([
      'talk_track:price_objection',
    ]);
    expect(call.evaluate(at('price_objection', 100, 0.99))).toEqual([]);
    expect(shown(call.evaluate(at('price_objection', 108, 0.99)))).toEqual([
      'talk_track:price_objection',
    ]);
  });

  it('alerts the manager once for a tentative firing and its confirmation', () => {
    const alerting = Rule.parse({
      id: 'stall-alert',
      when: { intent: 'stall' },
      then: [{ show: 'talk_track' }, { alert_manager: 'The customer stalls.' }],
    });
    const call = new RuleSet(playbook, [alerting]).newCall();
    expect(call.evaluate(at('stall', 10, 0.5))[0].alert).not.toBeNull();
    const [confirmation] = call.evaluate(at('stall', 12, 0.95));
    expect(confirmation.alert).toBeNull();
    expect(confirmed([confirmation])).toEqual(['talk_track:stall']);
  });

  it('lets a once-per-call rule confirm its tentative card but never show another', () => {
    const call = new RuleSet(playbook).newCall();
    const compare = (t: number, confidence: number) => ({
      ...heard('rep_competitor_comparison', 'rep', t),
      confidence,
    });
    call.evaluate(compare(10, 0.9));
    call.evaluate(compare(20, 0.9));
    const [first] = call.evaluate(compare(30, 0.4));
    expect(first.tentative).toBe(true);
    expect(first.alert).not.toBeNull();
    for (const t of [40, 50]) expect(call.evaluate(compare(t, 0.9))).toEqual([]);
    const [confirmation] = call.evaluate(compare(60, 0.9));
    expect(confirmed([confirmation])).toEqual(['talk_track:cite_evidence_when_comparing']);
    expect(confirmation.alert).toBeNull();
    for (const t of [70, 80, 90, 300]) expect(call.evaluate(compare(t, 0.9))).toEqual([]);
  });
});
