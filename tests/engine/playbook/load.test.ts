import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadPlaybook,
  localList,
  localText,
  PlaybookError,
} from '../../../main/engine/playbook/load';
import { defaultPlaybookDir } from '../../../main/engine/resources';

const dirs: string[] = [];
function playbookDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-playbook-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function issuesOf(dir: string) {
  try {
    loadPlaybook(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PlaybookError);
    return (error as PlaybookError).issues;
  }
  throw new Error('expected the playbook to be rejected');
}

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
    expect(issuesOf(playbookDir({ 'notes.txt': 'hi' }))[0].message).toMatch(/no \.yaml files/);
  });
});
