import { afterEach, describe, expect, it } from 'vitest';
import { INTENT_LABELS } from '../../../main/contract/events';
import { nearestName } from '../../../main/engine/playbook/checks';
import { loadPlaybook } from '../../../main/engine/playbook/load';
import { RuleSet } from '../../../main/engine/rules/engine';
import { issuesOf, playbookDir, removePlaybookDirs } from '../../helpers/playbook-dir';

afterEach(removePlaybookDirs);

const library = `evidence:
  - id: study
    text: A study
battlecards:
  - id: helix
    competitor: Helix
talk_tracks:
  - id: price
    intent: price_objection
    title: Price
    phrasings: [one, two, three]
    evidence: [study]
  - id: stall
    intent: stall
    title: Stall
    phrasings: [one, two, three]
`;

/** The problems of a playbook made of `library` and the rules in `rules`. */
function problems(rules: string, more: Record<string, string> = {}) {
  return issuesOf(playbookDir({ 'library.yaml': library, 'rules.yaml': rules, ...more }));
}

describe('intent names in a playbook', () => {
  it.each([
    [
      'a rule intent',
      'rules:\n  - id: r\n    when: { intent: stal }\n    then: [{ show: talk_track }]\n',
      3,
      'rules[0].when.intent',
    ],
    [
      'a rule intent in a list',
      'rules:\n  - id: r\n    when:\n      intent: [price_objection, stal]\n    then: [{ show: talk_track }]\n',
      4,
      'rules[0].when.intent[1]',
    ],
    [
      'a `without` intent',
      'rules:\n  - id: r\n    when:\n      intent: stall\n      count: 2\n      without: [stal]\n    then: [{ show: talk_track }]\n',
      6,
      'rules[0].when.without[0]',
    ],
    [
      'an `after` intent',
      'rules:\n  - id: r\n    when:\n      intent: price_objection\n      after:\n        - stal\n    then: [{ show: talk_track }]\n',
      6,
      'rules[0].when.after[0]',
    ],
    [
      'a talk-track intent',
      'talk_tracks:\n  - id: t\n    intent: stal\n    title: T\n    phrasings: [a]\n',
      3,
      'talk_tracks[0].intent',
    ],
  ])(
    'rejects an unknown name in %s with its file, line and field, and the nearest label',
    (_, yaml, line, field) => {
      const issues = problems('', { 'more.yaml': yaml });
      expect(issues).toEqual([
        expect.objectContaining({
          line,
          field,
          message: 'unknown intent "stal"; did you mean stall?',
        }),
      ]);
      expect(issues[0].file).toMatch(/more\.yaml$/);
    },
  );

  it('lists the known intents and the way to add one when nothing is close', () => {
    const [issue] = problems(
      'rules:\n  - id: r\n    when: { intent: upsell_signal }\n    then: [{ alert_manager: x }]\n',
    );
    expect(issue.message).toMatch(
      /unknown intent "upsell_signal"; the known intents are competitor_mention, .*rep_next_step_proposal; .*playbook\.extra_intents/,
    );
  });

  it('accepts the labels a newer intent model adds when the playbook lists them', () => {
    const meta = 'playbook:\n  name: Test\n  extra_intents: [upsell_signal]\n';
    const rules = `rules:
  - id: upsell
    when: { intent: upsell_signal, speaker: rep }
    then: [{ show: talk_track }]
talk_tracks:
  - id: upsell
    intent: upsell_signal
    title: Upsell
    phrasings: [a, b, c]
`;
    const playbook = loadPlaybook(
      playbookDir({ 'playbook.yaml': meta, 'rules.yaml': rules }, false),
    );
    expect(playbook.meta.extra_intents).toEqual(['upsell_signal']);
    const [firing] = new RuleSet(playbook).newCall().evaluate({
      label: 'upsell_signal',
      speaker: 'rep',
      confidence: 0.9,
      t: 1,
      utteranceId: 'u1',
      competitor: null,
    });
    expect(firing.shows.map((s) => s.kind === 'talk_track' && s.talkTrack.id)).toEqual(['upsell']);
  });

  it('allows an extra intent that is also built in, so a playbook outlives the label joining the contract', () => {
    const meta = 'playbook:\n  name: Test\n  extra_intents: [stall]\n';
    expect(() => loadPlaybook(playbookDir({ 'playbook.yaml': meta }, false))).not.toThrow();
  });

  it('suggests a label close to a typo, and nothing for an unrelated word', () => {
    expect(nearestName('stal', INTENT_LABELS)).toBe('stall');
    expect(nearestName('price_objetcion', INTENT_LABELS)).toBe('price_objection');
    expect(nearestName('objection', INTENT_LABELS)).toBe('price_objection');
    expect(nearestName('weather', INTENT_LABELS)).toBeNull();
  });
});

describe('one pass over every problem', () => {
  it('reports missing references alongside schema errors, in the same file and across files', () => {
    const issues = problems(
      `rules:
  - id: bad-count
    when: { intent: stal, count: three }
    then: [{ show: { talk_track: does_not_exist } }]
  - id: fine-but-dangling
    when: { intent: stall }
    then: [{ show: { battlecard: orbit } }]
`,
      { 'broken.yaml': 'battlecards:\n  - id: x\n    competitor: X\n    colour: red\n' },
    );
    expect(issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        '4 battlecards[0]: unknown field(s) "colour"',
        '3 rules[0].when.count: Invalid input: expected number, received string',
        '3 rules[0].when.intent: unknown intent "stal"; did you mean stall?',
        expect.stringMatching(
          /^4 rules\[0\]\.then\[0\]\.show\.talk_track: unknown talk-track "does_not_exist"/,
        ),
        expect.stringMatching(
          /^7 rules\[1\]\.then\[0\]\.show\.battlecard: unknown battlecard "orbit"/,
        ),
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('does not call an id unknown when its item has a problem elsewhere', () => {
    const issues = problems(
      'rules:\n  - id: r\n    when: { intent: stall }\n    then: [{ show: { talk_track: t } }]\n',
      {
        'more.yaml': 'talk_tracks:\n  - id: t\n    title: T\n    phrasings: 5\n',
      },
    );
    expect(issues.map((i) => i.field)).toEqual(['talk_tracks[0].phrasings']);
  });

  it('says that a reference may be in a file that could not be parsed', () => {
    const issues = problems(
      'rules:\n  - id: r\n    when: { intent: stall }\n    then: [{ show: { talk_track: t } }]\n',
      {
        'more.yaml': 'talk_tracks:\n  - id: t\n    title: "T\n',
      },
    );
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/YAML syntax/),
      expect.stringMatching(/unknown talk-track "t" .*more\.yaml, which has errors/),
    ]);
  });
});

describe('rules that could never fire or show anything', () => {
  it.each([
    [
      '`show: talk_track` for an intent without a talk-track',
      'when: { intent: [stall, decision_maker] }\n    then: [{ show: talk_track }]',
      'rules[0].then[0].show',
      /rule "r" shows the talk-track for intent decision_maker, but no talk-track has `intent: decision_maker`/,
    ],
    [
      '`show: battlecard` on an intent that names no competitor',
      'when: { intent: stall }\n    then: [{ show: battlecard }]',
      'rules[0].then[0].show',
      /only competitor_mention or rep_competitor_comparison name a competitor, so rule "r" shows nothing/,
    ],
    [
      'a competitor no battlecard defines',
      'when: { intent: competitor_mention, competitor: helx }\n    then: [{ show: battlecard }]',
      'rules[0].when.competitor',
      /unknown battlecard "helx"; did you mean "helix"\?/,
    ],
    [
      'a competitor condition on an intent that names none',
      'when: { intent: stall, competitor: helix }\n    then: [{ show: talk_track }]',
      'rules[0].when.competitor',
      /only competitor_mention or rep_competitor_comparison name a competitor, so rule "r" never fires/,
    ],
    [
      'a customer intent required from the rep',
      'when: { intent: price_objection, speaker: rep }\n    then: [{ show: talk_track }]',
      'rules[0].when.intent',
      /price_objection is a customer intent, so with speaker: rep rule "r" never fires on it/,
    ],
    [
      'a rep intent required from the customer',
      'when: { intent: rep_cites_evidence, speaker: customer }\n    then: [{ alert_manager: x }]',
      'rules[0].when.intent',
      /rep_cites_evidence is a rep intent/,
    ],
    [
      '`count: 0`',
      'when: { intent: stall, count: 0 }\n    then: [{ show: talk_track }]',
      'rules[0].when.count',
      /Too small: expected number to be >=1/,
    ],
    [
      'a negative `within_s`',
      'when: { intent: stall, count: 2, within_s: -5 }\n    then: [{ show: talk_track }]',
      'rules[0].when.within_s',
      /Too small: expected number to be >0/,
    ],
    [
      'a cooldown that is not a number',
      'when: { intent: stall }\n    then: [{ show: talk_track }]\n    repeat: { cooldown_s: 60s }',
      'rules[0].repeat.cooldown_s',
      /expected number, received string/,
    ],
    [
      'a repeat that is neither',
      'when: { intent: stall }\n    then: [{ show: talk_track }]\n    repeat: once per call',
      'rules[0].repeat',
      /expected once_per_call or \{ cooldown_s: SECONDS \}/,
    ],
    [
      'a misspelt show',
      'when: { intent: stall }\n    then: [{ show: talk-track }]',
      'rules[0].then[0].show',
      /expected battlecard, talk_track, \{ battlecard: ID \} or \{ talk_track: ID \}/,
    ],
    [
      'a misspelt action',
      'when: { intent: stall }\n    then: [{ shw: talk_track }]',
      'rules[0].then[0]',
      /expected an action: `show: ...` or `alert_manager: MESSAGE`/,
    ],
    [
      '`without` with a count of 1',
      'when: { intent: stall, without: [rep_cites_evidence] }\n    then: [{ show: talk_track }]',
      'rules[0].when.without',
      /only matters with a `count` of 2 or more/,
    ],
    [
      '`within_s` with a count of 1',
      'when: { intent: stall, within_s: 30 }\n    then: [{ show: talk_track }]',
      'rules[0].when.within_s',
      /only matters with a `count` of 2 or more/,
    ],
    [
      '`without` naming the counted intent',
      'when: { intent: stall, count: 2, without: [stall] }\n    then: [{ show: talk_track }]',
      'rules[0].when.without[0]',
      /every stall restarts the count and it never reaches 2/,
    ],
    [
      'a second manager alert',
      'when: { intent: stall }\n    then: [{ alert_manager: a }, { alert_manager: b }]',
      'rules[0].then[1].alert_manager',
      /first alert_manager only/,
    ],
    [
      'a talk-track id nothing defines',
      'when: { intent: stall }\n    then: [{ show: { talk_track: stal } }]',
      'rules[0].then[0].show.talk_track',
      /unknown talk-track "stal"; did you mean "stall"\?/,
    ],
  ])('rejects %s, naming the rule and its field', (_, rule, field, message) => {
    const issues = problems(`rules:\n  - id: r\n    ${rule}\n`);
    expect(issues).toEqual([
      expect.objectContaining({ field, message: expect.stringMatching(message) }),
    ]);
    expect(issues[0].file).toMatch(/rules\.yaml$/);
  });

  it('rejects evidence ids that nothing defines, at the talk-track that names them', () => {
    const issues = problems('', {
      'more.yaml':
        'talk_tracks:\n  - id: t\n    title: T\n    phrasings: [a]\n    evidence:\n      - study\n      - stduy\n',
    });
    expect(issues).toEqual([
      expect.objectContaining({
        line: 7,
        field: 'talk_tracks[0].evidence[1]',
        message: 'unknown evidence "stduy"; did you mean "study"?',
      }),
    ]);
  });

  it('rejects a second talk-track for an intent when no rule can show it', () => {
    const second =
      'talk_tracks:\n  - id: stall-2\n    intent: stall\n    title: T\n    phrasings: [a]\n';
    const issues = problems('', { 'more.yaml': second });
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'talk_tracks[0].intent',
        message: expect.stringMatching(
          /"stall-2" is never shown: .* picks talk-track "stall" \(.*library\.yaml:13\)/,
        ),
      }),
    ]);
    const shownById =
      'rules:\n  - id: r\n    when: { intent: stall }\n    then: [{ show: { talk_track: stall-2 } }]\n';
    expect(() =>
      loadPlaybook(
        playbookDir({ 'library.yaml': library, 'more.yaml': second, 'rules.yaml': shownById }),
      ),
    ).not.toThrow();
  });

  it('accepts the bundled and the Brightline playbooks as they are', () => {
    expect(() => loadPlaybook('resources/playbooks/northwind-medical')).not.toThrow();
    expect(() => loadPlaybook('tests/fixtures/brightline/playbook')).not.toThrow();
  });
});
