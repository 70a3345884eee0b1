import { symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPlaybook, localList, localText } from '../../../main/engine/playbook/load';
import { defaultPlaybookDir } from '../../../main/engine/resources';
import { errorOf, issuesOf, playbookDir, removePlaybookDirs } from '../../helpers/playbook-dir';

afterEach(removePlaybookDirs);

const talkTrack = `talk_tracks:
  - id: price_objection
    intent: price_objection
    title: Price
    phrasings: [one, two, three]
`;

describe('the default Northwind Medical playbook', () => {
  const playbook = loadPlaybook(defaultPlaybookDir());

  it('has the Helix battlecard with its Chinese name and aliases', () => {
    const helix = playbook.battlecardById('helix-devices')!;
    expect(localText(helix.competitor, 'zh')).toBe('瀚途医疗');
    expect(helix.aliases).toEqual(expect.arrayContaining(['Helix', '瀚途']));
    expect(localList(helix.landmines, 'en')).toHaveLength(2);
  });

  it('has a talk-track with at least three phrasings in each language for every objection', () => {
    for (const intent of [
      'price_objection',
      'budget_freeze',
      'stall',
      'evidence_request',
      'decision_maker',
    ]) {
      const track = playbook.talkTrackForIntent(intent);
      expect(track, intent).toBeDefined();
      expect(localList(track!.phrasings, 'en').length).toBeGreaterThanOrEqual(3);
      expect(localList(track!.phrasings, 'zh').length).toBeGreaterThanOrEqual(3);
    }
  });

  it('has the manager rule that fires once on the third comparison without evidence', () => {
    const rule = playbook.rules.find((r) => r.id === 'evidence-when-comparing')!;
    expect(rule.when).toMatchObject({
      intent: 'rep_competitor_comparison',
      count: 3,
      without: ['rep_cites_evidence'],
    });
    expect(rule.repeat).toBe('once_per_call');
    expect(rule.then.some((a) => 'alert_manager' in a)).toBe(true);
  });
});

describe('playbook errors', () => {
  it('names the file and line of a YAML syntax error', () => {
    const dir = playbookDir({ 'rules.yaml': 'rules:\n  - id: a\n    when: [unclosed\n' });
    const [issue] = issuesOf(dir);
    expect(issue.file).toContain('rules.yaml');
    expect(issue.line).toBeGreaterThanOrEqual(3);
    expect(issue.message).toMatch(/YAML syntax/);
  });

  it.each([
    ['an unclosed flow map', 'rules:\n  - id: a\n    when: { intent: stall\n    then: []\n'],
    ['an unclosed flow list', 'playbook:\n  name: x\n  own_names: [a, b\n'],
    ['a missing closing quote', 'playbook:\n  name: "x\n'],
    ['a tab used for indentation', 'playbook:\n\tname: x\n'],
    ['a key given twice', 'playbook:\n  name: x\n  name: y\n'],
    ['two documents in one file', 'playbook:\n  name: x\n---\nrules: []\n'],
    ['an alias to no anchor', 'playbook:\n  name: *nothing\n'],
  ])('reports %s as FILE:LINE:COLUMN: message, once and cleanly', (_, yaml) => {
    const error = errorOf(playbookDir({ 'broken.yaml': yaml }, false));
    const lines = error.message.split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^ {2}\S*broken\.yaml:\d+:\d+: YAML syntax: \S/);
      expect(line).not.toMatch(/line \d+|column \d+|[:\n]$/);
    }
    expect(new Set(lines).size).toBe(lines.length);
    for (const issue of error.issues) expect(issue.column).toBeGreaterThan(0);
  });

  it('refuses an alias bomb, naming the file, line and column of the first alias', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [from, to] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg'].map((p) => p.split('')))
      levels.push(`${to}: &${to} [${Array(9).fill(`*${from}`).join(', ')}]`);
    const error = errorOf(playbookDir({ 'bomb.yaml': `${levels.join('\n')}\n` }));
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(/bomb\.yaml:2:8: YAML aliases expand to too much data/);
  });

  it('reports every unknown section, suggesting the one meant', () => {
    const issues = issuesOf(playbookDir({ 'rules.yaml': 'rule:\n  - id: a\n' }));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 1,
        field: 'rule',
        message: expect.stringMatching(/unknown section "rule"; did you mean rules\?/),
      }),
    ]);
  });

  it('rejects a file that is not a mapping of sections', () => {
    const [issue] = issuesOf(playbookDir({ 'list.yaml': '- id: a\n' }));
    expect(issue).toMatchObject({ line: 1, message: expect.stringMatching(/found a list/) });
  });

  it('rejects a folder that has no playbook section, since the name is required', () => {
    const dir = playbookDir({ 'talk-tracks.yaml': talkTrack }, false);
    expect(issuesOf(dir)).toEqual([
      expect.objectContaining({
        field: 'playbook',
        message: expect.stringMatching(/no file has a `playbook:` section/),
      }),
    ]);
    const nameless = playbookDir({ 'playbook.yaml': 'playbook:\n  company: Acme\n' }, false);
    expect(issuesOf(nameless)).toEqual([
      expect.objectContaining({
        line: 1,
        field: 'playbook.name',
        message: expect.stringMatching(/missing required field/),
      }),
    ]);
  });

  it('reports a file it cannot read instead of throwing', () => {
    const dir = playbookDir({});
    symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'dangling.yaml'));
    const [issue] = issuesOf(dir);
    expect(issue.file).toMatch(/dangling\.yaml$/);
    expect(issue.message).toMatch(/cannot be read/);
  });

  it('names the file, line and field of a wrong value', () => {
    const dir = playbookDir({
      'talk-tracks.yaml': talkTrack,
      'rules.yaml': `rules:
  - id: too-many
    when:
      intent: price_objection
      count: three
    then:
      - show: talk_track
`,
    });
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 5, field: 'rules[0].when.count' });
    expect(issues[0].file).toMatch(/rules\.yaml$/);
  });

  it('reports an unknown field and a missing one', () => {
    const dir = playbookDir({
      'battlecards.yaml': `battlecards:
  - id: acme
    competitor: Acme
    colour: red
  - id: other
`,
    });
    const issues = issuesOf(dir);
    expect(issues.map((i) => i.message).join('\n')).toMatch(/unknown field\(s\) "colour"/);
    expect(issues.find((i) => i.field === 'battlecards[1].competitor')?.message).toMatch(
      /missing required field/,
    );
    expect(issues.find((i) => i.field === 'battlecards[1].competitor')?.line).toBe(5);
  });

  it('reads the phrases in which a competitor name has its ordinary sense, none by default', () => {
    const playbook = loadPlaybook(
      playbookDir({
        'battlecards.yaml': `battlecards:
  - id: acme
    competitor: Acme
    not_when: [acme corner, 阿克米山]
  - id: other
    competitor: Other
`,
      }),
    );
    expect(playbook.battlecardById('acme')?.not_when).toEqual(['acme corner', '阿克米山']);
    expect(playbook.battlecardById('other')?.not_when).toEqual([]);
  });

  it('reports a rule that shows a talk-track that does not exist', () => {
    const dir = playbookDir({
      'rules.yaml': `rules:
  - id: r1
    when: { intent: stall }
    then:
      - show: { talk_track: nope }
`,
    });
    const [issue] = issuesOf(dir);
    expect(issue).toMatchObject({ line: 5, field: 'rules[0].then[0].show.talk_track' });
    expect(issue.message).toMatch(/unknown talk-track "nope"/);
  });

  it('reports an id defined twice, naming both files', () => {
    const dir = playbookDir({ 'a.yaml': talkTrack, 'more/b.yaml': talkTrack });
    const [issue] = issuesOf(dir);
    expect(issue.file).toMatch(/b\.yaml$/);
    expect(issue.message).toMatch(
      /duplicate talk-track id "price_objection" \(first defined in .*a\.yaml:2\)/,
    );
  });

  it('collects every problem across files before failing', () => {
    const dir = playbookDir({
      'a.yaml': 'evidence:\n  - id: Bad Id\n    text: x\n',
      'b.yaml': 'unknown_section: 1\n',
    });
    expect(issuesOf(dir)).toHaveLength(2);
  });

  it('rejects a missing folder and a folder without YAML files', () => {
    expect(issuesOf(path.join(os.tmpdir(), 'cuecard-no-such-playbook'))[0].message).toMatch(
      /not found/,
    );
    expect(issuesOf(playbookDir({ 'notes.txt': 'hi' }, false))[0].message).toMatch(
      /no \.yaml files/,
    );
  });
});
