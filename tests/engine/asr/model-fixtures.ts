/**
 * What the model-manager tests download: a small .tar.bz2 laid out like a sherpa-onnx release
 * archive, a manifest naming it, and a real local HTTP server that serves it (with Range and
 * If-Range) or misbehaves on request.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import tarStream from 'tar-stream';
import { type AsrManifest, loadManifest } from '../../../main/engine/asr/models';

export const hasBzip2 = spawnSync('bzip2', ['--help']).error === undefined;

export const MODEL = 'test-zipformer';
export const ARCHIVE = `${MODEL}.tar.bz2`;
export const FILES = {
  encoder: 'encoder.int8.onnx',
  decoder: 'decoder.onnx',
  joiner: 'joiner.int8.onnx',
  tokens: 'tokens.txt',
};

/** Distinct contents per file that start like an ONNX model (field 1, ir_version 7). */
function onnxLike(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  out[0] = 0x08;
  out[1] = 0x07;
  return out;
}

export const CONTENTS: Record<string, Buffer> = {
  [FILES.encoder]: onnxLike(1, 300_000),
  [FILES.decoder]: onnxLike(2, 50_000),
  [FILES.joiner]: onnxLike(3, 40_000),
  [FILES.tokens]: Buffer.from('<blk> 0\n<sos/eos> 1\nHELLO 2\n'),
};

export function bzip2(data: Buffer): Buffer {
  return spawnSync('bzip2', ['-c'], { input: data, maxBuffer: 1 << 26 }).stdout;
}

export function tarOf(entries: Record<string, Buffer>): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<Buffer>((resolve) => {
    pack.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const [name, data] of Object.entries(entries)) pack.entry({ name }, data);
  pack.finalize();
  return done;
}

/**
 * The test model's archive. `files` replaces or adds model files (a value of null leaves the
 * file out).
 */
export async function buildArchive(files: Record<string, Buffer | null> = {}): Promise<Buffer> {
  const merged: Record<string, Buffer | null> = {
    ...CONTENTS,
    'test_wavs/0.wav': Buffer.alloc(1000, 7),
    ...files,
  };
  const entries: Record<string, Buffer> = {};
  for (const [name, data] of Object.entries(merged)) {
    if (data) entries[`${MODEL}/${name}`] = data;
  }
  return bzip2(await tarOf(entries));
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A manifest with the test model (and `extra` models) whose URL points at `baseUrl`. */
export function manifestFor(
  baseUrl: string,
  published: { sha256?: string | null; sizeBytes?: number | null } = {},
  extra: string[] = [],
): AsrManifest {
  const entry = (name: string) => ({
    name,
    description: `test model ${name}`,
    languages: ['en'],
    license: 'test',
    archive: `${name}.tar.bz2`,
    url: `${baseUrl}/${name}.tar.bz2`,
    sizeBytes: published.sizeBytes ?? null,
    sha256: published.sha256 ?? null,
    directory: MODEL,
    files: FILES,
  });
  return loadManifest({
    version: 1,
    default: MODEL,
    models: [entry(MODEL), ...extra.map(entry)],
  });
}

export interface ServedRequest {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
}

/**
 * Decides the response to one request; return false to let the server serve `files` as usual.
 */
export type Misbehaviour = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface ArchiveServer {
  baseUrl: string;
  /** `127.0.0.1:PORT`, as messages name it. */
  host: string;
  /** Served by URL path (`/test-zipformer.tar.bz2`), with Range, If-Range and a strong ETag. */
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  /** Set per test; cleared by `reset`. */
  misbehave: Misbehaviour | null;
  /** Sockets the server has open (a client that gave up must have closed its own). */
  openSockets(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startArchiveServer(): Promise<ArchiveServer> {
  const sockets = new Set<Socket>();
  const state: Pick<ArchiveServer, 'files' | 'requests' | 'misbehave'> = {
    files: new Map(),
    requests: [],
    misbehave: null,
  };
  const server = http.createServer((req, res) => {
    state.requests.push({
      path: req.url ?? '',
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
    });
    if (state.misbehave?.(req, res)) return;
    serveFile(state.files.get(req.url ?? ''), req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    reset() {
      state.files.clear();
      state.requests.length = 0;
      state.misbehave = null;
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

function serveFile(
  body: Buffer | undefined,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  const etag = `"${sha256(body).slice(0, 16)}"`;
  const headers = { 'content-type': 'application/x-bzip2', etag, 'accept-ranges': 'bytes' };
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const ifRange = req.headers['if-range'];
  if (match && (!ifRange || ifRange === etag)) {
    const from = Number(match[1]);
    if (from >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` });
      res.end();
      return;
    }
    res.writeHead(206, {
      ...headers,
      'content-length': body.length - from,
      'content-range': `bytes ${from}-${body.length - 1}/${body.length}`,
    });
    res.end(body.subarray(from));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(body);
}

/** Sends the headers of `body` and its first `bytes` bytes, then nothing more. */
export function stallAfter(body: Buffer, bytes: number): Misbehaviour {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-bzip2', 'content-length': body.length });
    if (bytes > 0) res.write(body.subarray(0, bytes));
    else res.flushHeaders();
    return true;
  };
}

/** Reads the request and never answers. */
export const neverAnswer: Misbehaviour = () => true;

/** One way an installed model gets damaged, and the problem `verify` must report for it. */
export interface InstalledModelDamage {
  name: string;
  /** Damages the model installed in `dir`. */
  apply: (dir: string) => void;
  problem: RegExp;
}

export const INSTALLED_MODEL_DAMAGES: InstalledModelDamage[] = [
  {
    name: 'a line appended to tokens.txt',
    apply: (dir) => writeFileSync(path.join(dir, FILES.tokens), 'x\n', { flag: 'a' }),
    problem: /tokens.txt: size differs/,
  },
  {
    name: 'the joiner overwritten with bytes of the same length',
    apply: (dir) =>
      writeFileSync(path.join(dir, FILES.joiner), Buffer.alloc(CONTENTS[FILES.joiner].length, 1)),
    problem: /joiner.int8.onnx: sha256 differs/,
  },
  {
    name: 'the encoder deleted',
    apply: (dir) => rmSync(path.join(dir, FILES.encoder)),
    problem: /encoder.int8.onnx: missing/,
  },
  {
    name: 'the install record garbled',
    apply: (dir) => writeFileSync(path.join(dir, '.cuecard-model.json'), '{"name": '),
    problem: /\.cuecard-model\.json is unreadable/,
  },
];
