import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../main/cli/index';
import { modelsCommand } from '../../main/cli/models';
import { resolveModel } from '../../main/engine/asr/models';
import {
  ARCHIVE,
  type ArchiveServer,
  buildArchive,
  hasBzip2,
  INSTALLED_MODEL_DAMAGES,
  MODEL,
  manifestFor,
  startArchiveServer,
} from '../engine/asr/model-fixtures';
import { CUECARD_BIN, cuecard as runCuecard } from '../helpers/cli';

const DEFAULT_MODEL = 'sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20';
const DEFAULT_ARCHIVE_BYTES = 511274346;

let archive: Buffer;
let server: ArchiveServer;
let dataDir: string;

beforeAll(async () => {
  if (!hasBzip2) return;
  archive = await buildArchive();
  server = await startArchiveServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-cli-models-'));
  server?.reset();
  server?.files.set(`/${ARCHIVE}`, archive);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const modelsDir = () => path.join(dataDir, 'models', 'asr');

/** Runs `cuecard models …` in this process against the test manifest and server. */
async function models(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await modelsCommand(
    argv,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    { manifest: manifestFor(server.baseUrl), modelsDir: modelsDir(), mirror: '', lockPollMs: 20 },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The `cuecard …` command a message tells the user to run, as arguments. */
function suggestedCommand(text: string): string[] | null {
  const match = /(?:Fix|Install|with): cuecard ((?:models) [^\n]+?)\.?$/m.exec(text);
  return match ? match[1].trim().split(/\s+/) : null;
}

/** Runs the real `cuecard` program with this test's data folder. */
const cuecard = (env: Record<string, string>, ...args: string[]) =>
  runCuecard(args, { env: { CUECARD_DATA_DIR: dataDir, ...env } });

interface Failure {
  name: string;
  argv: string[];
  /** Prepares the failure (a broken server, say). */
  setUp?: () => void;
  code: number;
  first: RegExp;
}

const FAILURES: Failure[] = [
  {
    name: 'pull without a NAME',
    argv: ['pull'],
    code: 2,
    first: /^cuecard models pull: expected one model NAME, one of: test-zipformer$/,
  },
  {
    name: 'pull with two names',
    argv: ['pull', MODEL, 'other'],
    code: 2,
    first: /^cuecard models pull: expected one model NAME/,
  },
  {
    name: 'pull with an unknown option',
    argv: ['pull', MODEL, '--bogus'],
    code: 2,
    first: /^cuecard models pull: Unknown option '--bogus'/,
  },
  {
    name: 'pull with a timeout that is not a number of seconds',
    argv: ['pull', MODEL, '--idle-timeout', '0'],
    code: 2,
    first:
      /^cuecard models pull: --idle-timeout takes a number of seconds above 0 and at most 86400 \(got "0"\)$/,
  },
  {
    name: 'pull with a malformed --sha256',
    argv: ['pull', MODEL, '--sha256', 'abc'],
    code: 2,
    first: /^cuecard models pull: --sha256 takes 64 hexadecimal digits/,
  },
  {
    name: 'pull of an unknown model',
    argv: ['pull', 'no-such-model'],
    code: 1,
    first:
      /^cuecard models pull: Unknown speech recognition model "no-such-model"\. Known models: test-zipformer$/,
  },
  {
    name: 'pull from a server that has no such file',
    argv: ['pull', MODEL],
    setUp: () => server.files.clear(),
    code: 1,
    first:
      /^cuecard models pull: 127\.0\.0\.1:\d+ answered HTTP 404 Not Found for .*: it has no such file/,
  },
  {
    name: 'pull from a server that sends a login page',
    argv: ['pull', MODEL],
    setUp: () => {
      server.misbehave = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login required</html>');
        return true;
      };
    },
    code: 1,
    first:
      /^cuecard models pull: 127\.0\.0\.1:\d+ returned a web page \(text\/html\), not the archive/,
  },
  {
    name: 'verify with nothing installed',
    argv: ['verify'],
    code: 1,
    first:
      /^cuecard models verify: no speech recognition model is installed\. Install one with: cuecard models pull NAME/,
  },
  {
    name: 'verify of an unknown model',
    argv: ['verify', 'no-such-model'],
    code: 1,
    first: /^cuecard models verify: Unknown speech recognition model "no-such-model"/,
  },
  {
    name: 'verify with two names',
    argv: ['verify', 'a', 'b'],
    code: 2,
    first: /^cuecard models verify: expected at most one model NAME$/,
  },
  {
    name: 'list with an option',
    argv: ['list', '--json'],
    code: 2,
    first: /^cuecard models list: Unknown option '--json'/,
  },
  {
    name: 'an unknown subcommand',
    argv: ['frobnicate'],
    code: 2,
    first: /^cuecard models: unknown subcommand "frobnicate"$/,
  },
];

describe.skipIf(!hasBzip2)('cuecard models', () => {
  it.each(FAILURES)('reports $name as "cuecard models …:" on stderr', async (failure) => {
    failure.setUp?.();
    const result = await models(...failure.argv);
    expect(result.code).toBe(failure.code);
    expect(result.err.split('\n')[0]).toMatch(failure.first);
    expect(`${result.out}\n${result.err}`).not.toMatch(/^Error/m);
    if (failure.code === 2) expect(result.err).toMatch(/\nusage: cuecard models list\n/);
  });

  it('an unknown subcommand through the main entry point exits 2 with the usage', async () => {
    const err: string[] = [];
    const code = await main(['models', 'frobnicate'], { out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^cuecard models: unknown subcommand "frobnicate"\nusage:/);
  });

  it('lists, pulls and verifies, with progress on stderr and results on stdout', async () => {
    const listed = await models('list');
    expect(listed.out).toMatch(
      /^test-zipformer {2}\[en\] {2}size unknown {2}\(not installed, default\)/,
    );
    expect(listed.out).toContain(`Models folder: ${modelsDir()}`);

    const pulled = await models('pull', MODEL);
    expect(pulled.code).toBe(0);
    expect(pulled.err).toMatch(/^download: 100% of 27 KB$/m);
    expect(pulled.out).toMatch(
      /^Installed test-zipformer in .*\nsha256 [0-9a-f]{64} \(no published checksum; recorded for later downloads\)$/,
    );
    expect(await models('verify')).toMatchObject({ code: 0, out: 'test-zipformer: OK' });
    expect(await models('pull', MODEL)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^test-zipformer is already installed in .* and verifies$/),
    });
  });

  it.each(INSTALLED_MODEL_DAMAGES)('the fix verify prints for $name works', async (damage) => {
    expect((await models('pull', MODEL)).code).toBe(0);
    const installed = await resolveModel(MODEL, {
      manifest: manifestFor(server.baseUrl),
      modelsDir: modelsDir(),
    });
    damage.apply(installed.dir);

    const verified = await models('verify', MODEL);
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/^test-zipformer: FAILED$/m);
    expect(verified.out).toMatch(damage.problem);
    const fix = suggestedCommand(verified.out);
    expect(fix).toEqual(['models', 'pull', MODEL]);

    const fixed = await models(...(fix ?? []).slice(1));
    expect(fixed.code).toBe(0);
    expect(fixed.err).toMatch(/test-zipformer failed verification .*; installing it again/);
    expect(fixed.out).toMatch(/^Installed test-zipformer/);
    expect(await models('verify', MODEL)).toMatchObject({ code: 0, out: 'test-zipformer: OK' });
  });

  it('pull --force installs again a model that verifies', async () => {
    await models('pull', MODEL);
    const forced = await models('pull', MODEL, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/^Installed test-zipformer/);
    expect(server.requests).toHaveLength(2);
  });

  it('the --sha256 command it suggests for a changed archive installs it', async () => {
    await models('pull', MODEL);
    server.files.set(`/${ARCHIVE}`, await buildArchive({ 'README.md': Buffer.from('v2') }));
    const refused = await models('pull', MODEL, '--force');
    expect(refused.code).toBe(1);
    const accept = suggestedCommand(refused.err);
    expect(accept?.slice(0, 4)).toEqual(['models', 'pull', MODEL, '--sha256']);
    const accepted = await models(...(accept ?? []).slice(1), '--force');
    expect(accepted.code).toBe(0);
    expect(accepted.out).toMatch(/recorded for later downloads/);
  });

  it('pull --no-wait says another download is running; without it, pull waits for it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      mkdirSync(modelsDir(), { recursive: true });
      writeFileSync(
        path.join(modelsDir(), `${MODEL}.lock`),
        JSON.stringify({
          pid: holder.pid,
          hostname: os.hostname(),
          startedAt: new Date().toISOString(),
          token: 'other',
        }),
      );
      const busy = await models('pull', MODEL, '--no-wait');
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(
        new RegExp(
          `^cuecard models pull: Another download of ${MODEL} is running \\(pid ${holder.pid} on this computer`,
        ),
      );
      expect((await models('list')).out).toMatch(/being downloaded by pid \d+/);
      expect(await models('verify', MODEL)).toMatchObject({
        code: 1,
        out: expect.stringMatching(/BUSY\n.*verify again when it has finished/),
      });

      const waiting = models('pull', MODEL);
      setTimeout(() => holder.kill(), 200);
      const done = await waiting;
      expect(done.code).toBe(0);
      expect(done.err).toMatch(/^Waiting for another download of test-zipformer \(pid \d+/);
    } finally {
      holder.kill();
      await exited;
    }
  });
});

describe('the cuecard program with the shipped manifest', () => {
  const mirrorDir = () => path.join(dataDir, 'mirror');

  it('refuses a broken archive in the mirror folder, keeps nothing, and says the same each time', async () => {
    mkdirSync(mirrorDir());
    const broken = Buffer.alloc(100_000, 0x5a);
    writeFileSync(path.join(mirrorDir(), `${DEFAULT_MODEL}.tar.bz2`), broken);
    const env = { CUECARD_MODEL_MIRROR: mirrorDir() };
    const expected = new RegExp(
      `^cuecard models pull: The mirror file .*${DEFAULT_MODEL}.tar.bz2 cannot be used: it is 100 KB ` +
        `\\(100000 bytes\\), but the release archive has ${DEFAULT_ARCHIVE_BYTES} bytes\\. Replace ` +
        'that file with the release archive from https://github.com/',
    );
    for (const attempt of [1, 2]) {
      const result = await cuecard(env, 'models', 'pull', DEFAULT_MODEL);
      expect(result.code, `attempt ${attempt}`).toBe(1);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).not.toMatch(/Error:|No magic number|run: cuecard models pull/i);
    }
    const downloads = path.join(dataDir, 'models', 'asr', 'downloads');
    expect(existsSync(downloads) ? readdirSync(downloads) : []).toEqual([]);
    expect(existsSync(path.join(dataDir, 'models', 'asr', 'checksums.json'))).toBe(false);
  });

  it.skipIf(!hasBzip2)(
    'stops on Ctrl-C with exit code 130, keeps the partial download and frees the lock',
    async () => {
      server.misbehave = (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/x-bzip2',
          'content-length': DEFAULT_ARCHIVE_BYTES,
        });
        res.write(Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(1020, 1)]));
        return true;
      };
      const child = spawn(process.execPath, [CUECARD_BIN, 'models', 'pull', DEFAULT_MODEL], {
        env: { ...process.env, CUECARD_DATA_DIR: dataDir, CUECARD_MODEL_MIRROR: server.baseUrl },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exitCode = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await expect.poll(() => stderr, { timeout: 15_000 }).toMatch(/download: 0% of 511 MB/);
      child.kill('SIGINT');
      expect(await exitCode).toBe(130);
      expect(stderr).toMatch(
        /cuecard models pull: The download of .* was stopped\. The partial download \(1 KB\) is kept in .*\.part; the next `cuecard models pull .*` from the same source resumes it\./,
      );
      const asr = path.join(dataDir, 'models', 'asr');
      expect(readdirSync(asr).filter((name) => name.endsWith('.lock'))).toEqual([]);
      expect(readdirSync(path.join(asr, 'downloads')).sort()).toEqual([
        `${DEFAULT_MODEL}.tar.bz2.part`,
        `${DEFAULT_MODEL}.tar.bz2.part.json`,
      ]);
    },
  );
});
