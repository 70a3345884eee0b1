import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tarStream from 'tar-stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AsrManifest,
  listModels,
  loadManifest,
  ModelChecksumError,
  ModelMissingError,
  modelForLang,
  modelsCommand,
  pullModel,
  resolveModel,
  verifyModel,
} from '../../../main/engine/asr/models';

const hasBzip2 = spawnSync('bzip2', ['--help']).error === undefined;
if (!hasBzip2)
  console.warn(
    'SKIPPED model download tests: the bzip2 program is needed to build the test archive',
  );

const MODEL = 'test-zipformer';
const FILES = {
  encoder: 'encoder.int8.onnx',
  decoder: 'decoder.onnx',
  joiner: 'joiner.int8.onnx',
  tokens: 'tokens.txt',
};

/** Distinct, non-compressible-ish contents per file so mix-ups are visible. */
function fileContents(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const CONTENTS: Record<string, Buffer> = {
  [FILES.encoder]: fileContents(1, 300_000),
  [FILES.decoder]: fileContents(2, 50_000),
  [FILES.joiner]: fileContents(3, 40_000),
  [FILES.tokens]: Buffer.from('<blk> 0\n<sos/eos> 1\nHELLO 2\n'),
};

async function buildArchive(extra: Record<string, Buffer> = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => {
    pack.on('end', () => resolve());
  });
  const entries = { ...CONTENTS, 'test_wavs/0.wav': Buffer.alloc(1000, 7), ...extra };
  for (const [name, data] of Object.entries(entries))
    pack.entry({ name: `${MODEL}/${name}` }, data);
  pack.finalize();
  await done;
  const compressed = spawnSync('bzip2', ['-c'], {
    input: Buffer.concat(chunks),
    maxBuffer: 1 << 26,
  });
  return compressed.stdout;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function manifestFor(baseUrl: string, sha: string | null): AsrManifest {
  return loadManifest({
    version: 1,
    default: MODEL,
    models: [
      {
        name: MODEL,
        description: 'test model',
        languages: ['en'],
        license: 'test',
        archive: `${MODEL}.tar.bz2`,
        url: `${baseUrl}/${MODEL}.tar.bz2`,
        sizeBytes: null,
        sha256: sha,
        directory: MODEL,
        files: FILES,
      },
    ],
  });
}

interface ServerState {
  body: Buffer;
  /** Close the connection after this many body bytes on the next full (non-Range) response. */
  cutAfterBytes: number | null;
  requests: { range: string | undefined }[];
}

describe.skipIf(!hasBzip2)('model manager downloads from a local HTTP server', () => {
  let archive: Buffer;
  let server: http.Server;
  let baseUrl: string;
  const state: ServerState = { body: Buffer.alloc(0), cutAfterBytes: null, requests: [] };
  let modelsDir: string;

  beforeAll(async () => {
    archive = await buildArchive();
    server = http.createServer((req, res) => {
      const range = req.headers.range;
      state.requests.push({ range });
      const body = state.body;
      const match = range ? /^bytes=(\d+)-$/.exec(range) : null;
      if (match) {
        const from = Number(match[1]);
        if (from >= body.length) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}` });
          res.end();
          return;
        }
        res.writeHead(206, {
          'content-length': body.length - from,
          'content-range': `bytes ${from}-${body.length - 1}/${body.length}`,
        });
        res.end(body.subarray(from));
        return;
      }
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
      if (state.cutAfterBytes !== null) {
        const cut = state.cutAfterBytes;
        state.cutAfterBytes = null;
        res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 50));
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-models-'));
    state.body = archive;
    state.cutAfterBytes = null;
    state.requests = [];
  });
  afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

  it('installs a model whose archive matches the published checksum, reporting progress', async () => {
    const manifest = manifestFor(baseUrl, sha256(archive));
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
    expect(existsSync(path.join(modelsDir, 'downloads', `${MODEL}.tar.bz2`))).toBe(false);
    expect((await listModels({ manifest, modelsDir }))[0].state).toBe('installed');
    expect((await verifyModel(MODEL, { manifest, modelsDir }))[0].ok).toBe(true);
  });

  it('rejects an archive with the wrong checksum and removes the download', async () => {
    const manifest = manifestFor(baseUrl, 'a'.repeat(64));
    const attempt = pullModel(MODEL, { manifest, modelsDir, mirror: '' });
    await expect(attempt).rejects.toBeInstanceOf(ModelChecksumError);
    await expect(pullModel(MODEL, { manifest, modelsDir, mirror: '' })).rejects.toThrow(
      /sha256 .* but the published checksum is a{64}.*removed.*cuecard models pull test-zipformer/,
    );
    expect(existsSync(path.join(modelsDir, 'downloads', `${MODEL}.tar.bz2`))).toBe(false);
    expect(existsSync(path.join(modelsDir, 'downloads', `${MODEL}.tar.bz2.part`))).toBe(false);
    await expect(resolveModel(MODEL, { manifest, modelsDir })).rejects.toThrow(
      /not installed.*Run: cuecard models pull test-zipformer/,
    );
  });

  it('resumes an interrupted download with a Range request and records the checksum', async () => {
    const manifest = manifestFor(baseUrl, null);
    state.cutAfterBytes = Math.floor(archive.length / 2);
    await expect(pullModel(MODEL, { manifest, modelsDir, mirror: '' })).rejects.toThrow(
      /interrupted after \d+ bytes.*again to resume/,
    );
    const partFile = path.join(modelsDir, 'downloads', `${MODEL}.tar.bz2.part`);
    const partial = statSync(partFile).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(archive.length);

    const result = await pullModel(MODEL, { manifest, modelsDir, mirror: '' });
    expect(state.requests.map((r) => r.range)).toEqual([undefined, `bytes=${partial}-`]);
    expect(result.downloadedBytes).toBe(archive.length - partial);
    expect(result.checksumRecorded).toBe(true);
    expect(result.archiveSha256).toBe(sha256(archive));
    const recorded = JSON.parse(readFileSync(path.join(modelsDir, 'checksums.json'), 'utf8'));
    expect(recorded[`${MODEL}.tar.bz2`]).toBe(sha256(archive));
    const resolved = await resolveModel(MODEL, { manifest, modelsDir });
    expect(readFileSync(resolved.encoder).equals(CONTENTS[FILES.encoder])).toBe(true);

    // From now on a different archive under the same name is refused.
    state.body = await buildArchive({ 'extra.txt': Buffer.from('changed') });
    await expect(
      pullModel(MODEL, { manifest, modelsDir, mirror: '', force: true }),
    ).rejects.toThrow(/checksum.*recorded in/);
  });

  it('installs from a mirror folder without touching the network', async () => {
    const mirrorDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-mirror-'));
    try {
      writeFileSync(path.join(mirrorDir, `${MODEL}.tar.bz2`), archive);
      const manifest = manifestFor('http://127.0.0.1:9/unreachable', sha256(archive));
      const result = await pullModel(MODEL, { manifest, modelsDir, mirror: mirrorDir });
      expect(result.state).toBe('installed');
      expect(state.requests).toHaveLength(0);
      expect((await verifyModel(MODEL, { manifest, modelsDir }))[0].ok).toBe(true);
    } finally {
      rmSync(mirrorDir, { recursive: true, force: true });
    }
  });

  it('fetches from an http mirror prefix given as CUECARD_MODEL_MIRROR', async () => {
    const manifest = manifestFor('http://127.0.0.1:9/unreachable', sha256(archive));
    process.env.CUECARD_MODEL_MIRROR = `${baseUrl}/`;
    try {
      await pullModel(MODEL, { manifest, modelsDir });
    } finally {
      delete process.env.CUECARD_MODEL_MIRROR;
    }
    expect(state.requests).toHaveLength(1);
    expect((await listModels({ manifest, modelsDir }))[0].installed).toBe(true);
  });

  it('picks an installed model for the call language, else names the default to pull', async () => {
    const base = manifestFor(baseUrl, sha256(archive));
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
    const options = { manifest, modelsDir, mirror: '' };
    expect(await modelForLang('en', options)).toBe('bilingual');
    await pullModel(MODEL, options);
    expect(await modelForLang('en', options)).toBe(MODEL);
    expect(await modelForLang('auto', options)).toBe(MODEL);
    expect(await modelForLang('zh', options)).toBe('bilingual');
  });

  it('runs `cuecard models list | pull | verify` with readable output and exit codes', async () => {
    const manifest = manifestFor(baseUrl, sha256(archive));
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(`out: ${l}`),
      err: (l: string) => lines.push(`err: ${l}`),
    };
    const options = { manifest, modelsDir, mirror: '' };

    expect(await modelsCommand(['list'], io, options)).toBe(0);
    expect(lines.join('\n')).toMatch(/test-zipformer .*not installed, default/);
    expect(await modelsCommand(['verify'], io, options)).toBe(1);
    expect(await modelsCommand(['pull'], io, options)).toBe(2);
    expect(await modelsCommand(['frobnicate'], io, options)).toBe(2);

    lines.length = 0;
    expect(await modelsCommand(['pull', MODEL], io, options)).toBe(0);
    expect(lines.join('\n')).toMatch(/err: download: 100%/);
    expect(lines.join('\n')).toMatch(
      /out: Installed test-zipformer in .*\nout: sha256 [0-9a-f]{64} \(matches\)/,
    );
    expect(await modelsCommand(['verify', MODEL], io, options)).toBe(0);

    // A damaged file is found by verify.
    const resolved = await resolveModel(MODEL, options);
    writeFileSync(resolved.joiner, Buffer.alloc(CONTENTS[FILES.joiner].length, 1));
    lines.length = 0;
    expect(await modelsCommand(['verify'], io, options)).toBe(1);
    expect(lines.join('\n')).toMatch(
      /FAILED\n.*joiner.int8.onnx: sha256 differs.*\n.*Fix: cuecard models pull test-zipformer/,
    );
    expect((await verifyModel(MODEL, options))[0].state).toBe('corrupt');

    lines.length = 0;
    expect(await modelsCommand(['pull', 'no-such-model'], io, options)).toBe(1);
    expect(lines.join('\n')).toMatch(/Unknown speech recognition model "no-such-model"/);
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
    const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-models-'));
    try {
      const missing = resolveModel(undefined, { modelsDir });
      await expect(missing).rejects.toBeInstanceOf(ModelMissingError);
      await expect(resolveModel(undefined, { modelsDir })).rejects.toThrow(
        'Run: cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
      );
    } finally {
      rmSync(modelsDir, { recursive: true, force: true });
    }
  });

  it('reports a manifest field that is wrong by name', () => {
    expect(() => loadManifest({ version: 1, default: 'x', models: [{ name: 'x' }] })).toThrow(
      /asr-manifest.json: field models.0.description/,
    );
  });
});
