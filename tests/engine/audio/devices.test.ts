import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/shared';

const lister = path.join(REPO_ROOT, 'tests/engine/audio/fixtures/list-devices.ts');
function list(mode: 'in-process' | 'quietly', env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', lister, mode], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CUECARD_LOG_LEVEL: '', ...env },
  });
  return { devices: JSON.parse(result.stdout), stderr: result.stderr };
}

describe('listing audio devices for the Settings tab', () => {
  it('keeps what ALSA and JACK print out of the terminal, and lists the same devices', () => {
    const loud = list('in-process');
    const quiet = list('quietly');
    // Where the native libraries complain (no sound card, no JACK server), they do so here.
    if (loud.stderr !== '') expect(loud.stderr).toMatch(/ALSA lib|jack/i);
    expect(quiet.stderr).toBe('');
    expect(quiet.devices).toEqual(loud.devices);
  });

  it('logs what the libraries printed at debug level, for whoever asks for it', () => {
    const quiet = list('quietly', { CUECARD_LOG_LEVEL: 'debug' });
    const loud = list('in-process');
    if (loud.stderr === '') return;
    const logged = quiet.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 20,
        scope: 'devices',
        msg: 'listAudioDevicesQuietly: what the audio libraries printed',
      }),
    );
  });
});
