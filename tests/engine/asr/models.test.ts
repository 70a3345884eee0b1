import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  listModels,
  loadManifest,
  ModelArchiveError,
  ModelBusyError,
  ModelChecksumError,
  ModelDownloadError,
  ModelMissingError,
  ModelSourceError,
  modelForLang,
  type PullOptions,
  pullModel,
  resolveModel,
  verifyModel,
} from '../../../main/engine/asr/models';
import {
  ARCHIVE,
  type ArchiveServer,
  buildArchive,
  bzip2,
  CONTENTS,
  FILES,
  hasBzip2,
  INSTALLED_MODEL_DAMAGES,
  MODEL,
  manifestFor,
  neverAnswer,
  sha256,
  stallAfter,
  startArchiveServer,
} from './model-fixtures';

if (!hasBzip2)
  console.warn(
    'SKIPPED model download tests: the bzip2 program is needed to build the test archive',
  );

let archive: Buffer;
let server: ArchiveServer;
let modelsDir: string;

beforeAll(async () => {
  if (!hasBzip2) return;
  archive = await buildArchive();
  server = await startArchiveServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-models-'));
  if (!server) return;
  server.reset();
  server.files.set(`/${ARCHIVE}`, archive);
});
afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

const downloadsDir = () => path.join(modelsDir, 'downloads');
const partFile = () => path.join(downloadsDir(), `${ARCHIVE}.part`);
/** Every file left in downloads/ (empty when nothing is kept). */
const leftInDownloads = () => (existsSync(downloadsDir()) ? readdirSync(downloadsDir()) : []);
const recordedChecksums = (): Record<string, unknown> => {
  const file = path.join(modelsDir, 'checksums.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
};
/** Anything in the models folder besides downloads/, checksums.json and installed models. */
const strayEntries = () =>
  readdirSync(modelsDir).filter((name) => name.startsWith('.') || name.endsWith('.lock'));

function options(extra: PullOptions = {}): PullOptions {
  return { manifest: manifestFor(server.baseUrl), modelsDir, mirror: '', ...extra };
}

async function expectInstalledFromGoodSource(pull: PullOptions) {
  const result = await pullModel(MODEL, pull);
  expect(result.state).toBe('installed');
  const resolved = await resolveModel(MODEL, pull);
  expect(readFileSync(resolved.tokens).equals(CONTENTS[FILES.tokens])).toBe(true);
  expect((await verifyModel(MODEL, pull))[0].ok).toBe(true);
  return result;
}

describe.skipIf(!hasBzip2)('model manager downloads from a local HTTP server', () => {
  it('installs a model whose archive matches the published checksum and size, reporting progress', async () => {
    const manifest = manifestFor(server.baseUrl, {
      sha256: sha256(archive),
      sizeBytes: archive.length,
    });
    const progress: number[] = [];
    const result = await pullModel(MODEL, {
      manifest,
      modelsDir,
      mirror: '',
      onProgress: (p) => p.phase === 'download' && progress.push(p.receivedBytes),
    });
    expect(result.state).toBe('installed');
    expect(result.checksumRecorded).toBe(false);
    expect(progress.at(-1)).toBe(archive.length);

    const resolved = await resolveModel(MODEL, { manifest, modelsDir });
    for (const [kind, file] of Object.entries(FILES)) {
      const full = resolved[kind as keyof typeof FILES];
      expect(readFileSync(full).equals(CONTENTS[file])).toBe(true);
    }
    expect(existsSync(path.join(resolved.dir, 'test_wavs'))).toBe(false);
    expect(leftInDownloads()).toEqual([]);
    expect(strayEntries()).toEqual([]);
    expect((await listModels({ manifest, modelsDir }))[0].state).toBe('installed');
    expect((await verifyModel(MODEL, { manifest, modelsDir }))[0].ok).toBe(true);
  });

  it('resumes an interrupted download with a Range request and records the checksum', async () => {
    const cut = Math.floor(archive.length / 2);
    server.misbehave = (_req, res) => {
      server.misbehave = null;
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 50));
      return true;
    };
    const error = await pullModel(MODEL, options()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as Error).message).toMatch(
      new RegExp(`connection to ${server.host} broke .*partial download .* is kept in .*\\.part`),
    );
    const partial = statSync(partFile()).size;
    expect(partial).toBe(cut);
    expect(recordedChecksums()).toEqual({});

    server.files.set(`/${ARCHIVE}`, archive);
    const result = await pullModel(MODEL, options());
    expect(server.requests.map((r) => r.range)).toEqual([undefined, `bytes=${partial}-`]);
    expect(result.downloadedBytes).toBe(archive.length - partial);
    expect(result.checksumRecorded).toBe(true);
    expect(result.archiveSha256).toBe(sha256(archive));
    expect(recordedChecksums()).toMatchObject({
      version: 2,
      archives: { [ARCHIVE]: { sha256: sha256(archive) } },
    });
    expect(leftInDownloads()).toEqual([]);
  });

  it('installs from a mirror folder without touching the network', async () => {
    const mirrorDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-mirror-'));
    try {
      writeFileSync(path.join(mirrorDir, ARCHIVE), archive);
      const manifest = manifestFor('http://127.0.0.1:9/unreachable', { sha256: sha256(archive) });
      const result = await pullModel(MODEL, { manifest, modelsDir, mirror: mirrorDir });
      expect(result.state).toBe('installed');
      expect(server.requests).toHaveLength(0);
      expect((await verifyModel(MODEL, { manifest, modelsDir }))[0].ok).toBe(true);
    } finally {
      rmSync(mirrorDir, { recursive: true, force: true });
    }
  });

  it('fetches from an http mirror prefix given as CUECARD_MODEL_MIRROR, following redirects', async () => {
    server.misbehave = (req, res) => {
      if (!req.url?.startsWith('/moved/')) return false;
      res.writeHead(302, { location: `/${ARCHIVE}` });
      res.end();
      return true;
    };
    const manifest = manifestFor('http://127.0.0.1:9/unreachable', { sha256: sha256(archive) });
    process.env.CUECARD_MODEL_MIRROR = `${server.baseUrl}/moved/`;
    try {
      await pullModel(MODEL, { manifest, modelsDir });
    } finally {
      delete process.env.CUECARD_MODEL_MIRROR;
    }
    expect(server.requests.map((r) => r.path)).toEqual([`/moved/${ARCHIVE}`, `/${ARCHIVE}`]);
    expect((await listModels({ manifest, modelsDir }))[0].installed).toBe(true);
  });

  it('picks an installed model for the call language, else names the default to pull', async () => {
    const base = manifestFor(server.baseUrl, { sha256: sha256(archive) });
    const bilingual = {
      ...base.models[0],
      name: 'bilingual',
      languages: ['zh', 'en'] as ('zh' | 'en')[],
    };
    const manifest = loadManifest({
      ...base,
      default: 'bilingual',
      models: [bilingual, base.models[0]],
    });
    const pull = { manifest, modelsDir, mirror: '' };
    expect(await modelForLang('en', pull)).toBe('bilingual');
    await pullModel(MODEL, pull);
    expect(await modelForLang('en', pull)).toBe(MODEL);
    expect(await modelForLang('auto', pull)).toBe(MODEL);
    expect(await modelForLang('zh', pull)).toBe('bilingual');
  });
});

/** A source that does not serve the release archive, and what the error must say about it. */
interface BadSource {
  name: string;
  /** What the HTTP server (or the mirror file) serves instead of the archive. */
  body: () => Promise<Buffer>;
  contentType?: string;
  message: RegExp;
}

const randomBytes = (size: number) => {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7919 + (i >> 3)) & 0xff;
  return out;
};

/** Every bad source fails the size check first when the manifest publishes the size. */
const BAD_SOURCES: BadSource[] = [
  {
    name: 'random bytes',
    body: async () => randomBytes(100_000),
    message: /not a bzip2 archive|but the release archive has \d+ bytes/,
  },
  {
    name: 'a 27-byte login page served as text/html',
    body: async () => Buffer.from('<html>login required</html>'),
    contentType: 'text/html; charset=utf-8',
    message: /web page|but the release archive has \d+ bytes/,
  },
  {
    name: 'a login page served as an octet stream',
    body: async () => Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'),
    contentType: 'application/octet-stream',
    message: /web page \(HTML\)|but the release archive has \d+ bytes/,
  },
  {
    name: 'a Git LFS pointer instead of the archive',
    body: async () =>
      Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${'0'.repeat(64)}\n`),
    message: /Git LFS pointer|but the release archive has \d+ bytes/,
  },
  {
    name: 'a bzip2 file that is not a tar archive',
    body: async () => bzip2(randomBytes(5000)),
    message: /damaged and cannot be unpacked|but the release archive has \d+ bytes/,
  },
  {
    name: 'the archive cut short',
    body: async () => archive.subarray(0, Math.floor(archive.length / 2)),
    message: /damaged and cannot be unpacked|but the release archive has \d+ bytes/,
  },
  {
    name: 'the archive with bytes flipped in the middle',
    body: async () => {
      const damaged = Buffer.from(archive);
      for (let i = 0; i < 64; i++) damaged[Math.floor(damaged.length / 2) + i] ^= 0xff;
      return damaged;
    },
    message: /damaged and cannot be unpacked/,
  },
  {
    name: 'an archive without the joiner',
    body: () => buildArchive({ [FILES.joiner]: null }),
    message:
      /does not contain test-zipformer\/joiner.int8.onnx|but the release archive has \d+ bytes/,
  },
  {
    name: 'an archive whose encoder is a Git LFS pointer',
    body: () =>
      buildArchive({
        [FILES.encoder]: Buffer.from('version https://git-lfs.github.com/spec/v1\n'),
      }),
    message: /encoder.int8.onnx is a Git LFS pointer|but the release archive has \d+ bytes/,
  },
  {
    name: 'an archive whose tokens.txt is empty',
    body: () => buildArchive({ [FILES.tokens]: Buffer.alloc(0) }),
    message: /tokens.txt is empty|but the release archive has \d+ bytes/,
  },
];

const SOURCE_KINDS = ['http', 'mirror folder'] as const;
const SIZE_KNOWLEDGE = ['the manifest publishes the size', 'the manifest has no size'] as const;

describe.skipIf(!hasBzip2)('a download that fails its checks never blocks later pulls', () => {
  const cases = BAD_SOURCES.flatMap((bad) =>
    SOURCE_KINDS.flatMap((source) => SIZE_KNOWLEDGE.map((size) => ({ bad, source, size }))),
  );

  it.each(cases)('$bad.name over $source ($size)', async ({ bad, source, size }) => {
    const body = await bad.body();
    const sizeBytes = size === SIZE_KNOWLEDGE[0] ? archive.length : null;
    const manifest = manifestFor(server.baseUrl, { sizeBytes });
    const mirrorDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-mirror-'));
    try {
      let mirror = '';
      if (source === 'mirror folder') {
        writeFileSync(path.join(mirrorDir, ARCHIVE), body);
        mirror = mirrorDir;
      } else {
        server.misbehave = (_req, res) => {
          res.writeHead(200, {
            'content-type': bad.contentType ?? 'application/x-bzip2',
            'content-length': body.length,
          });
          res.end(body);
          return true;
        };
      }

      const error = await pullModel(MODEL, { manifest, modelsDir, mirror }).catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toMatch(bad.message);
      // It names the source, and it never advises a pull that would fail the same way.
      expect(message).toContain(source === 'http' ? server.host : path.join(mirrorDir, ARCHIVE));
      expect(message).not.toMatch(/run:? cuecard models pull/i);
      expect(error instanceof ModelArchiveError || error instanceof ModelSourceError).toBe(true);

      expect(leftInDownloads()).toEqual([]);
      expect(recordedChecksums()).toEqual({});
      expect(strayEntries()).toEqual([]);
      expect(existsSync(path.join(modelsDir, MODEL))).toBe(false);
      if (source === 'mirror folder')
        expect(readFileSync(path.join(mirrorDir, ARCHIVE)).equals(body)).toBe(true);

      // Once the source serves the archive, the next pull installs it and records its checksum.
      server.misbehave = null;
      const result = await expectInstalledFromGoodSource({ manifest, modelsDir, mirror: '' });
      expect(result.archiveSha256).toBe(sha256(archive));
      expect(recordedChecksums()).toMatchObject({
        archives: { [ARCHIVE]: { sha256: sha256(archive) } },
      });
    } finally {
      rmSync(mirrorDir, { recursive: true, force: true });
    }
  });

  it('says the mirror returned a web page when it answers with text/html', async () => {
    server.misbehave = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': 27 });
      res.end('<html>login required</html>');
      return true;
    };
    await expect(pullModel(MODEL, options({ mirror: server.baseUrl }))).rejects.toThrow(
      new RegExp(
        `${server.host} returned a web page \\(text/html\\), not the archive.*` +
          `CUECARD_MODEL_MIRROR \\(${server.baseUrl}\\) does not serve the release archive`,
      ),
    );
    expect(leftInDownloads()).toEqual([]);
  });

  it('refuses a response of the wrong size before downloading its body', async () => {
    const manifest = manifestFor(server.baseUrl, { sizeBytes: archive.length + 1 });
    const error = await pullModel(MODEL, { manifest, modelsDir, mirror: '' }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelSourceError);
    expect(error.message).toMatch(
      new RegExp(
        `${server.host} offers ${ARCHIVE} with .* but the release archive has ${archive.length + 1} bytes`,
      ),
    );
    expect(leftInDownloads()).toEqual([]);
  });

  it('uses a complete archive left by an interrupted run only if it passes the checks', async () => {
    mkdirSync(downloadsDir(), { recursive: true });
    writeFileSync(path.join(downloadsDir(), ARCHIVE), randomBytes(2000));
    const notices: string[] = [];
    await expectInstalledFromGoodSource(options({ onNotice: (n) => notices.push(n) }));
    expect(notices.join('\n')).toMatch(
      /left by an earlier download was not usable .* downloading it again/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('ignores a checksum that Cuecard 0.1 recorded for a download that never unpacked', async () => {
    writeFileSync(
      path.join(modelsDir, 'checksums.json'),
      JSON.stringify({ [ARCHIVE]: sha256(randomBytes(100_000)) }),
    );
    await expectInstalledFromGoodSource(options());
    expect(recordedChecksums()).toEqual({
      version: 2,
      archives: { [ARCHIVE]: expect.objectContaining({ sha256: sha256(archive) }) },
    });
  });

  it('keeps requiring a recorded checksum, and the command it suggests accepts the new archive', async () => {
    await pullModel(MODEL, options());
    const changed = await buildArchive({ 'README.md': Buffer.from('re-uploaded') });
    server.files.set(`/${ARCHIVE}`, changed);

    const error = await pullModel(MODEL, options({ force: true })).catch((e) => e);
    expect(error).toBeInstanceOf(ModelChecksumError);
    expect(error.message).toMatch(
      new RegExp(
        `from ${server.host} has sha256 ${sha256(changed)}, but the archive installed .* had ${sha256(archive)}`,
      ),
    );
    expect(leftInDownloads()).toEqual([]);
    const suggested = /cuecard models pull (\S+) --sha256 ([0-9a-f]{64})$/.exec(error.message);
    expect(suggested?.[1]).toBe(MODEL);

    const accepted = await pullModel(MODEL, options({ force: true, sha256: suggested?.[2] }));
    expect(accepted.archiveSha256).toBe(sha256(changed));
    expect(accepted.checksumRecorded).toBe(true);
    await expect(pullModel(MODEL, options({ force: true }))).resolves.toMatchObject({
      state: 'installed',
    });
  });

  it('keeps a published checksum authoritative over a recorded one and over --sha256', async () => {
    const manifest = manifestFor(server.baseUrl, { sha256: 'a'.repeat(64) });
    writeFileSync(
      path.join(modelsDir, 'checksums.json'),
      JSON.stringify({ version: 2, archives: { [ARCHIVE]: { sha256: sha256(archive) } } }),
    );
    const pull = { manifest, modelsDir, mirror: '' };
    const error = await pullModel(MODEL, pull).catch((e) => e);
    expect(error).toBeInstanceOf(ModelChecksumError);
    expect(error.message).toMatch(/but the published checksum is a{64}\. The download was removed/);
    expect(error.message).not.toMatch(/cuecard models pull/);
    await expect(pullModel(MODEL, { ...pull, sha256: sha256(archive) })).rejects.toThrow(
      /publishes sha256 a{64} .* --sha256 cannot replace it/,
    );
    expect(leftInDownloads()).toEqual([]);
    expect(existsSync(path.join(modelsDir, MODEL))).toBe(false);
  });

  it('starts over instead of resuming a partial download that came from another source', async () => {
    mkdirSync(downloadsDir(), { recursive: true });
    writeFileSync(partFile(), Buffer.from('<html>proxy error</html>'));
    writeFileSync(`${partFile()}.json`, JSON.stringify({ url: 'http://elsewhere/x.tar.bz2' }));
    const notices: string[] = [];
    await expectInstalledFromGoodSource(options({ onNotice: (n) => notices.push(n) }));
    expect(server.requests.map((r) => r.range)).toEqual([undefined]);
    expect(notices.join('\n')).toMatch(/Starting the download of test-zipformer over: .*elsewhere/);
  });

  it('starts over when the file on the server changed since the partial download', async () => {
    server.misbehave = stallAfter(archive, 5000);
    await expect(pullModel(MODEL, options({ idleTimeoutMs: 200 }))).rejects.toThrow(
      /stopped sending/,
    );
    // The stalled response had no ETag; give the kept part one the server no longer has.
    const info = JSON.parse(readFileSync(`${partFile()}.json`, 'utf8'));
    writeFileSync(`${partFile()}.json`, JSON.stringify({ ...info, etag: '"old"' }));
    server.misbehave = null;
    const changed = await buildArchive({ 'README.md': Buffer.from('new upload') });
    server.files.set(`/${ARCHIVE}`, changed);
    const result = await expectInstalledFromGoodSource(options());
    expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=5000-', ifRange: '"old"' });
    expect(result.archiveSha256).toBe(sha256(changed));
  });
});

interface Stall {
  name: string;
  misbehave: () => import('./model-fixtures').Misbehaviour;
  keptBytes: number;
  message: (host: string) => RegExp;
}

const STALLS: Stall[] = [
  {
    name: 'the host accepts the connection and never answers',
    misbehave: () => neverAnswer,
    keptBytes: 0,
    message: (host) => new RegExp(`No answer from ${host} within 0.3 s.*Nothing was downloaded`),
  },
  {
    name: 'the host sends the headers and then nothing',
    misbehave: () => stallAfter(archive, 0),
    keptBytes: 0,
    message: (host) => new RegExp(`${host} stopped sending: no data for 0.3 s after 0 bytes`),
  },
  {
    name: 'the host sends the headers and 1 KB, then nothing',
    misbehave: () => stallAfter(archive, 1024),
    keptBytes: 1024,
    message: (host) =>
      new RegExp(
        `${host} stopped sending: no data for 0.3 s after 1 KB .*partial download \\(1 KB\\) is ` +
          'kept in .*\\.part; the next `cuecard models pull test-zipformer` from the same source resumes it',
      ),
  },
  {
    name: 'the host a redirect leads to stalls',
    misbehave: () => {
      const stall = stallAfter(archive, 1024);
      return (req, res) => {
        if (req.url === `/${ARCHIVE}`) {
          res.writeHead(302, { location: `http://localhost:${new URL(server.baseUrl).port}/slow` });
          res.end();
          return true;
        }
        return stall(req, res);
      };
    },
    keptBytes: 1024,
    message: () => /localhost:\d+ \(redirected from 127\.0\.0\.1:\d+\) stopped sending/,
  },
];

describe.skipIf(!hasBzip2)('a stalled download gives up and resumes later', () => {
  it.each(STALLS)('$name', async (stall) => {
    server.misbehave = stall.misbehave();
    const started = Date.now();
    const error = await pullModel(
      MODEL,
      options({ connectTimeoutMs: 300, idleTimeoutMs: 300 }),
    ).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect(error.message).toMatch(stall.message(server.host));
    expect(existsSync(partFile()) ? statSync(partFile()).size : 0).toBe(stall.keptBytes);
    expect(strayEntries()).toEqual([]);
    // The client closed its connection rather than leaving it open.
    await expect.poll(() => server.openSockets(), { timeout: 2000 }).toBe(0);

    server.misbehave = null;
    server.requests.length = 0;
    const result = await expectInstalledFromGoodSource(options());
    expect(result.downloadedBytes).toBe(archive.length - stall.keptBytes);
    expect(server.requests.at(-1)?.range).toBe(
      stall.keptBytes ? `bytes=${stall.keptBytes}-` : undefined,
    );
  });

  it('takes its timeouts from CUECARD_MODEL_CONNECT_TIMEOUT_S and CUECARD_MODEL_IDLE_TIMEOUT_S', async () => {
    server.misbehave = stallAfter(archive, 10);
    process.env.CUECARD_MODEL_IDLE_TIMEOUT_S = '0.25';
    try {
      await expect(pullModel(MODEL, options())).rejects.toThrow(/no data for 0.25 s/);
      server.misbehave = neverAnswer;
      process.env.CUECARD_MODEL_CONNECT_TIMEOUT_S = '0.2';
      await expect(pullModel(MODEL, options())).rejects.toThrow(/No answer from .* within 0.2 s/);
      process.env.CUECARD_MODEL_CONNECT_TIMEOUT_S = 'soon';
      await expect(pullModel(MODEL, options())).rejects.toThrow(
        'CUECARD_MODEL_CONNECT_TIMEOUT_S=soon: must be a number of seconds above 0 and at most 86400',
      );
    } finally {
      delete process.env.CUECARD_MODEL_IDLE_TIMEOUT_S;
      delete process.env.CUECARD_MODEL_CONNECT_TIMEOUT_S;
    }
  });

  it('names the host it cannot connect to, and keeps a partial download from elsewhere', async () => {
    server.misbehave = stallAfter(archive, 2048);
    await expect(pullModel(MODEL, options({ idleTimeoutMs: 200 }))).rejects.toThrow();
    const manifest = manifestFor('http://127.0.0.1:9');
    const error = await pullModel(MODEL, { manifest, modelsDir, mirror: '' }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect(error.message).toMatch(/^Cannot reach 127.0.0.1:9 \(ECONNREFUSED.*CUECARD_MODEL_MIRROR/);
    // Those bytes came from the first server; they are still there to resume from it.
    expect(statSync(partFile()).size).toBe(2048);
    server.misbehave = null;
    expect((await pullModel(MODEL, options())).downloadedBytes).toBe(archive.length - 2048);
  });
});

describe.skipIf(!hasBzip2)('pull repairs an installed model that fails verification', () => {
  it.each(INSTALLED_MODEL_DAMAGES)('$name', async (damage) => {
    const first = await pullModel(MODEL, options());
    damage.apply(first.dir);
    expect((await verifyModel(MODEL, options()))[0].ok).toBe(false);

    const notices: string[] = [];
    const repaired = await pullModel(MODEL, options({ onNotice: (n) => notices.push(n) }));
    expect(repaired.alreadyInstalled).toBe(false);
    expect(repaired.repaired.join('\n')).toMatch(damage.problem);
    expect(notices.join('\n')).toMatch(/failed verification .*; installing it again/);
    expect((await verifyModel(MODEL, options()))[0].ok).toBe(true);
    for (const [file, contents] of Object.entries(CONTENTS))
      expect(readFileSync(path.join(first.dir, file)).equals(contents)).toBe(true);
  });

  it('leaves a model that verifies alone, unless forced', async () => {
    await pullModel(MODEL, options());
    expect(await pullModel(MODEL, options())).toMatchObject({ alreadyInstalled: true });
    expect(server.requests).toHaveLength(1);
    expect(await pullModel(MODEL, options({ force: true }))).toMatchObject({
      alreadyInstalled: false,
      repaired: [],
    });
    expect(server.requests).toHaveLength(2);
  });
});

/** Starts a process that sleeps; resolves with its pid and a function that ends it. */
function sleeper(): { pid: number; end: () => Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    end: async () => {
      child.kill();
      await exited;
    },
  };
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? -1;
}

function writeLock(pid: number, extra: Record<string, unknown> = {}) {
  const lock = path.join(modelsDir, `${MODEL}.lock`);
  writeFileSync(
    lock,
    JSON.stringify({
      pid,
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
      token: 'other',
      ...extra,
    }),
  );
  return lock;
}

describe.skipIf(!hasBzip2)('two pulls of one model at once', () => {
  it('the second pull waits for the first and then finds the model installed', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.misbehave = (req, res) => {
      void gate.then(() => {
        server.misbehave = null;
        const body = server.files.get(req.url ?? '') as Buffer;
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      });
      return true;
    };
    const notices: string[] = [];
    const first = pullModel(MODEL, options());
    await expect.poll(() => server.requests.length).toBe(1);
    const second = pullModel(MODEL, options({ lockPollMs: 20, onNotice: (n) => notices.push(n) }));
    await expect.poll(() => notices.length).toBe(1);
    expect(notices[0]).toMatch(
      new RegExp(`Waiting for another download of ${MODEL} \\(pid ${process.pid} on this computer`),
    );
    expect((await listModels(options()))[0].state).toBe('downloading');
    expect((await verifyModel(MODEL, options()))[0]).toMatchObject({ state: 'downloading' });
    release();

    expect(await first).toMatchObject({ alreadyInstalled: false });
    expect(await second).toMatchObject({ alreadyInstalled: true });
    expect(server.requests).toHaveLength(1);
    expect(strayEntries()).toEqual([]);
  });

  it('with wait: false the second pull says another download is running and touches nothing', async () => {
    const holder = sleeper();
    try {
      const lock = writeLock(holder.pid);
      const error = await pullModel(MODEL, options({ wait: false })).catch((e) => e);
      expect(error).toBeInstanceOf(ModelBusyError);
      expect(error.message).toMatch(
        new RegExp(
          `Another download of ${MODEL} is running \\(pid ${holder.pid} on this computer, since .*\\)\\. ` +
            'Wait for it to finish, or stop it and pull again',
        ),
      );
      expect(existsSync(lock)).toBe(true);
      expect(server.requests).toHaveLength(0);
    } finally {
      await holder.end();
    }
  });

  it('waits while a live process holds the lock and goes on when that process ends', async () => {
    const holder = sleeper();
    try {
      writeLock(holder.pid);
      const notices: string[] = [];
      const pull = pullModel(MODEL, options({ lockPollMs: 20, onNotice: (n) => notices.push(n) }));
      await expect.poll(() => notices.length).toBe(1);
      expect(server.requests).toHaveLength(0);
      await holder.end();
      expect(await pull).toMatchObject({ state: 'installed', alreadyInstalled: false });
    } finally {
      await holder.end();
    }
  });

  it('takes over a lock left by a process that has exited', async () => {
    writeLock(await exitedPid());
    await expectInstalledFromGoodSource(options({ wait: false }));
    expect(strayEntries()).toEqual([]);
  });

  it('takes over a lock nobody has touched for minutes (its pid may belong to another program now)', async () => {
    const holder = sleeper();
    try {
      const lock = writeLock(holder.pid);
      const longAgo = new Date(Date.now() - 10 * 60_000);
      utimesSync(lock, longAgo, longAgo);
      await expectInstalledFromGoodSource(options({ wait: false }));
    } finally {
      await holder.end();
    }
  });

  it('names the other computer and the lock file when the lock was taken on another host', async () => {
    const lock = writeLock(1, { hostname: 'build-7' });
    const error = await pullModel(MODEL, options({ wait: false })).catch((e) => e);
    expect(error.message).toMatch(
      new RegExp(`pid 1 on host build-7.*If nothing is downloading on build-7, delete ${lock}`),
    );
  });

  it('leaves no timer or connection behind, whether a pull succeeds, stalls or waits', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    server.misbehave = stallAfter(archive, 1024);
    await expect(pullModel(MODEL, options({ idleTimeoutMs: 100 }))).rejects.toThrow();
    server.misbehave = null;
    await Promise.all([pullModel(MODEL, options()), pullModel(MODEL, options({ lockPollMs: 10 }))]);
    expect(timers()).toBeLessThanOrEqual(before);
    await expect.poll(() => server.openSockets(), { timeout: 2000 }).toBe(0);
  });

  it('pulls of two different models at once both record their checksums', async () => {
    const manifest = manifestFor(server.baseUrl, {}, ['second-model']);
    server.files.set('/second-model.tar.bz2', archive);
    const pull = { manifest, modelsDir, mirror: '' };
    await Promise.all([pullModel(MODEL, pull), pullModel('second-model', pull)]);
    const { archives } = recordedChecksums() as { archives: Record<string, unknown> };
    expect(Object.keys(archives).sort()).toEqual(['second-model.tar.bz2', ARCHIVE]);
    expect(strayEntries()).toEqual([]);
  });
});

describe('the shipped ASR model manifest', () => {
  it('lists the bilingual default and the English model from the official release archives', () => {
    const manifest = loadManifest();
    expect(manifest.default).toBe('sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20');
    const names = manifest.models.map((m) => m.name);
    expect(names).toContain('sherpa-onnx-streaming-zipformer-en-2023-06-26');
    for (const model of manifest.models) {
      expect(model.url).toBe(
        `https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${model.archive}`,
      );
    }
  });

  it('says which command installs a missing model', async () => {
    const missing = resolveModel(undefined, { modelsDir });
    await expect(missing).rejects.toBeInstanceOf(ModelMissingError);
    await expect(resolveModel(undefined, { modelsDir })).rejects.toThrow(
      'Run: cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
    );
  });

  it('reports a manifest field that is wrong by name', () => {
    expect(() => loadManifest({ version: 1, default: 'x', models: [{ name: 'x' }] })).toThrow(
      /asr-manifest.json: field models.0.description/,
    );
  });
});
