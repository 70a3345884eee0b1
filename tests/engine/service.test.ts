import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineService } from '../../main/engine/service';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-service-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the engine service with a broken team playbook', () => {
  it('keeps coaching from the bundled playbook and shows every problem of the broken one', async () => {
    const team = path.join(tmp, 'team-playbook');
    mkdirSync(team, { recursive: true });
    writeFileSync(
      path.join(team, 'rules.yaml'),
      'rules:\n  - id: r\n    when: { intent: stal }\n    then: [{ show: talk_track }]\n',
    );
    writeFileSync(path.join(team, 'bomb.yaml'), 'a: &a [x, x]\nb: &b [*a, *a]\nc: *nothing\n');
    const service = await createEngineService({ dataDir: tmp, playbookDir: team });
    try {
      expect(service.playbook.meta.name).toBe('Northwind Medical');
      const view = await service.invoke('playbook.get', {});
      expect(view.ok).toBe(true);
      if (!view.ok) return;
      expect(
        view.value.errors.map((e) => `${path.basename(e.file)}:${e.line}: ${e.message}`),
      ).toEqual([
        'bomb.yaml:3: YAML syntax: alias *nothing has no anchor &nothing before it',
        expect.stringMatching(/^rules\.yaml:3: unknown intent "stal"; did you mean stall\?/),
      ]);
    } finally {
      await service.dispose();
    }
  });
});
