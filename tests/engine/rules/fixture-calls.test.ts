/**
 * The playbooks' rules against the labelled fixture calls: each turn gets exactly the intents
 * its truth file lists, so a missed or doubled cue here is the playbook's or the rule engine's
 * fault, never the intent model's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { CallEvent, CallLang, Speaker } from '../../../main/contract/events';
import { CompetitorMatcher } from '../../../main/engine/intents/competitors';
import { competitorNames, loadPlaybook, localText } from '../../../main/engine/playbook/load';
import { defaultPlaybookDir } from '../../../main/engine/resources';
import { RuleSet } from '../../../main/engine/rules/engine';
import { CallSession } from '../../../main/engine/session/call-session';
import type { CallSource } from '../../../main/engine/session/source';
import { summarizeCall } from '../../../main/engine/summary/summarize';
import { describeWithShared, REPO_ROOT, sharedPath } from '../../helpers/shared';

interface TruthTurn {
  speaker: 'rep' | 'customer';
  text: string;
  labels: string[];
  start_s: number;
  end_s: number;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-fixture-calls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Replays `truthFile`'s turns with their labels through the rules of `playbookDir`. */
async function labelledReplay(truthFile: string, playbookDir: string): Promise<CallEvent[]> {
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as {
    lang: CallLang;
    turns: TruthTurn[];
  };
  const playbook = loadPlaybook(playbookDir);
  const labels = new Map(truth.turns.map((turn) => [turn.text, turn.labels]));
  const source: CallSource = {
    description: path.basename(truthFile),
    run: async (sink) => {
      for (const turn of truth.turns)
        sink.utterance({
          speaker: turn.speaker as Speaker,
          text: turn.text,
          start: turn.start_s,
          end: turn.end_s,
        });
    },
  };
  const session = new CallSession(
    {
      playbook,
      rules: new RuleSet(playbook),
      intents: {
        classify: async ({ text }) =>
          (labels.get(text) ?? []).map((label) => ({ label, confidence: 0.9 })),
      },
      competitors: new CompetitorMatcher(
        playbook.battlecards.map((b) => ({
          id: b.id,
          name: localText(b.competitor, 'en'),
          aliases: competitorNames(b),
        })),
      ),
      summarize: summarizeCall,
    },
    { source, lang: truth.lang },
  );
  const events: CallEvent[] = [];
  session.on((event) => events.push(event));
  await session.run();
  return events;
}

function score(truthFile: string, events: CallEvent[]): { code: number | null; report: string } {
  const file = path.join(tmp, `${path.basename(truthFile)}.ndjson`);
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
  const run = spawnSync('python3', [sharedPath('fixtures/check_cues.py'), truthFile, file], {
    encoding: 'utf8',
  });
  return { code: run.status, report: run.stdout + run.stderr };
}

const brightline = path.join(REPO_ROOT, 'tests/fixtures/brightline');

describeWithShared('the playbooks on the labelled fixture calls', () => {
  it.each([
    [
      'en-medtech-pump',
      sharedPath('fixtures/calls/en-medtech-pump.truth.json'),
      defaultPlaybookDir(),
    ],
    [
      'zh-medtech-pump',
      sharedPath('fixtures/calls/zh-medtech-pump.truth.json'),
      defaultPlaybookDir(),
    ],
    [
      'en-brightline',
      path.join(brightline, 'en-brightline.truth.json'),
      path.join(brightline, 'playbook'),
    ],
    [
      'zh-brightline',
      path.join(brightline, 'zh-brightline.truth.json'),
      path.join(brightline, 'playbook'),
    ],
  ])('shows every expected cue of %s, each card once', async (_, truthFile, playbookDir) => {
    const events = await labelledReplay(truthFile, playbookDir);
    const scored = score(truthFile, events);
    expect(scored.report).toMatch(/cues 5\/5, must_not violations 0/);
    expect(scored.code).toBe(0);
    const cueIds = events.filter((e) => e.type === 'cue').map((e) => e.id);
    expect(new Set(cueIds).size).toBe(cueIds.length);
  });
});
