import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { checkEnvironment, ENV_VARIABLES, EnvError, logLevelFromEnv } from '../../main/engine/env';
import { intentModelDirCandidates } from '../../main/engine/intents/classifier';
import { appRoot } from '../../main/engine/resources';
import { defaultDataDir } from '../../main/engine/store/paths';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-env-'));
const aFile = path.join(tmp, 'a-file.txt');
writeFileSync(aFile, 'not a folder');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('CUECARD_* environment variables', () => {
  it('warns about a log level that does not exist and falls back to info', () => {
    expect(checkEnvironment({ CUECARD_LOG_LEVEL: 'bogus' })).toEqual({
      errors: [],
      warnings: [
        'CUECARD_LOG_LEVEL=bogus is not a log level (use fatal, error, warn, info, debug, trace, silent); using info',
      ],
    });
    expect(logLevelFromEnv('warn', { CUECARD_LOG_LEVEL: 'bogus' })).toBe('info');
    expect(logLevelFromEnv('warn', { CUECARD_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(logLevelFromEnv('warn', { CUECARD_LOG_LEVEL: '  ' })).toBe('warn');
  });

  it('names the variable and the folder when a model or app folder does not exist', () => {
    const { errors } = checkEnvironment({
      CUECARD_INTENT_MODEL_DIR: '/nonexistent',
      CUECARD_APP_ROOT: tmp,
      CUECARD_VAD_MODEL: path.join(tmp, 'missing.onnx'),
      CUECARD_DATA_DIR: aFile,
      CUECARD_MODEL_MIRROR: 'ftp://mirror.example/models',
    });
    expect(errors).toEqual([
      `CUECARD_DATA_DIR=${aFile}: ${aFile} is a file, not a folder`,
      'CUECARD_MODEL_MIRROR=ftp://mirror.example/models: use an http://, https:// or file:// URL, or a folder',
      'CUECARD_INTENT_MODEL_DIR=/nonexistent: no such folder (/nonexistent)',
      `CUECARD_VAD_MODEL=${path.join(tmp, 'missing.onnx')}: no such file (${path.join(tmp, 'missing.onnx')})`,
      `CUECARD_APP_ROOT=${tmp}: the folder ${tmp} has no ${path.join('resources', 'playbooks')}`,
    ]);
  });

  it('refuses download time limits that are not seconds, or so long a timer would overflow', () => {
    expect(
      checkEnvironment({
        CUECARD_MODEL_CONNECT_TIMEOUT_S: '1e9',
        CUECARD_MODEL_IDLE_TIMEOUT_S: '-1',
      }).errors,
    ).toEqual([
      'CUECARD_MODEL_CONNECT_TIMEOUT_S=1e9: must be a number of seconds above 0',
      'CUECARD_MODEL_IDLE_TIMEOUT_S=-1: must be a number of seconds above 0',
    ]);
    expect(checkEnvironment({ CUECARD_MODEL_IDLE_TIMEOUT_S: '0x10' }).errors).toEqual([
      'CUECARD_MODEL_IDLE_TIMEOUT_S=0x10: must be a number of seconds above 0',
    ]);
    expect(checkEnvironment({ CUECARD_MODEL_IDLE_TIMEOUT_S: '90000' }).errors).toEqual([
      'CUECARD_MODEL_IDLE_TIMEOUT_S=90000: at most 86400 seconds (one day)',
    ]);
    expect(checkEnvironment({ CUECARD_MODEL_IDLE_TIMEOUT_S: '90' }).errors).toEqual([]);
  });

  it('accepts every variable set to a usable value, and blank values as unset', () => {
    const modelDir = path.join(tmp, 'intent-model');
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(path.join(modelDir, 'intent.onnx'), '');
    writeFileSync(path.join(modelDir, 'meta.json'), '{}');
    expect(
      checkEnvironment({
        CUECARD_DATA_DIR: path.join(tmp, 'not-yet-created'),
        CUECARD_LOG_LEVEL: 'debug',
        CUECARD_MODEL_MIRROR: 'https://mirror.example/models/',
        CUECARD_INTENT_MODEL_DIR: modelDir,
        CUECARD_VAD_MODEL: aFile,
        CUECARD_APP_ROOT: ' ',
        CUECARD_DEVTOOLS: '1',
      }),
    ).toEqual({ errors: [], warnings: [] });
    expect(ENV_VARIABLES.map((v) => v.name)).toContain('CUECARD_DEVTOOLS');
  });

  it('makes the modules that read a variable refuse a bad value instead of ignoring it', () => {
    vi.stubEnv('CUECARD_INTENT_MODEL_DIR', '/nonexistent');
    expect(() => intentModelDirCandidates()).toThrow(EnvError);
    expect(() => intentModelDirCandidates()).toThrow(
      'CUECARD_INTENT_MODEL_DIR=/nonexistent: no such folder',
    );
    vi.stubEnv('CUECARD_APP_ROOT', tmp);
    expect(() => appRoot()).toThrow(/^CUECARD_APP_ROOT=/);
    expect(defaultDataDir({ CUECARD_DATA_DIR: '   ' }, 'linux')).toBe(
      path.join(os.homedir(), '.config', 'cuecard'),
    );
  });
});
