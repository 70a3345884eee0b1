import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cuecard } from '../helpers/cli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-cli-env-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cuecard with bad CUECARD_* variables', () => {
  it('warns about CUECARD_LOG_LEVEL=bogus, without a stack trace, and goes on at info level', async () => {
    const r = await cuecard(['calls', 'list'], {
      env: { CUECARD_DATA_DIR: tmp, CUECARD_LOG_LEVEL: 'bogus' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no calls stored yet\n');
    expect(r.stderr).toContain(
      'cuecard: warning: CUECARD_LOG_LEVEL=bogus is not a log level (use fatal, error, warn, info, debug, trace, silent); using info',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with exit 2 naming CUECARD_INTENT_MODEL_DIR and its folder when that does not exist', async () => {
    const r = await cuecard(['replay', 'call.vtt'], {
      env: { CUECARD_DATA_DIR: tmp, CUECARD_INTENT_MODEL_DIR: '/nonexistent' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'cuecard replay: CUECARD_INTENT_MODEL_DIR=/nonexistent: no such folder (/nonexistent)\n',
    );
  });

  it('reports a bad variable as a JSON object with --json', async () => {
    const r = await cuecard(['calls', 'list', '--json'], {
      env: { CUECARD_DATA_DIR: tmp, CUECARD_VAD_MODEL: '/nonexistent/vad.onnx' },
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      ok: false,
      error: {
        code: 'bad_environment',
        message: 'CUECARD_VAD_MODEL=/nonexistent/vad.onnx: no such file (/nonexistent/vad.onnx)',
        command: 'calls list',
      },
    });
  });
});
