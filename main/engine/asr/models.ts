/**
 * Streaming ASR models: which exist (`models/asr-manifest.json`), downloading them from the
 * official sherpa-onnx release archives (or a mirror), checking and unpacking them into the user
 * data folder, and finding their files for the recognizer.
 *
 * Layout under `<data dir>/models/asr/`:
 *   downloads/NAME.tar.bz2.part  an unfinished download, resumed with an HTTP Range request
 *   checksums.json               sha256 of each archive, recorded at its first complete download
 *                                when the manifest has none, and required to match from then on
 *   NAME/                        the model's files, plus `.cuecard-model.json` with their sha256
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import unbzip2 from 'unbzip2-stream';
import { z } from 'zod';
import type { ModelStatus as ContractModelStatus } from '../../contract/api';
import manifestJson from '../../../models/asr-manifest.json' with { type: 'json' };
import { createLogger } from '../log';
import type { TransducerModelPaths } from './recognizer';

const log = createLogger('models');

const ModelEntrySchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  languages: z.array(z.enum(['en', 'zh'])).min(1),
  license: z.string(),
  archive: z.string().regex(/\.tar\.bz2$/),
  url: z.string().url(),
  sizeBytes: z.number().int().positive().nullable(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  directory: z.string().min(1),
  files: z.object({
    encoder: z.string(),
    decoder: z.string(),
    joiner: z.string(),
    tokens: z.string(),
  }),
});
const ManifestSchema = z.object({
  version: z.literal(1),
  default: z.string(),
  models: z.array(ModelEntrySchema).min(1),
});

/** One downloadable model as the manifest describes it. */
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type AsrManifest = z.infer<typeof ManifestSchema>;

/** The manifest shipped with Cuecard, checked against its schema. */
export function loadManifest(raw: unknown = manifestJson): AsrManifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`models/asr-manifest.json: field ${issue.path.join('.')}: ${issue.message}`);
  }
  if (!parsed.data.models.some((model) => model.name === parsed.data.default)) {
    throw new Error(
      `models/asr-manifest.json: field default: no model named ${parsed.data.default}`,
    );
  }
  return parsed.data;
}

/** A model is not installed. The message names the command that installs it. */
export class ModelMissingError extends Error {
  override readonly name = 'ModelMissingError';
  constructor(
    readonly model: string,
    detail: string,
  ) {
    super(
      `Speech recognition model ${model} is not installed (${detail}). Run: cuecard models pull ${model}`,
    );
  }
}

/** A download whose sha256 does not match the published or recorded one. The file is removed. */
export class ModelChecksumError extends Error {
  override readonly name = 'ModelChecksumError';
}

/** Where Cuecard keeps user data: CUECARD_DATA_DIR, else the platform's usual folder. */
export function cuecardDataDir(): string {
  const configured = process.env.CUECARD_DATA_DIR?.trim();
  if (configured) return path.resolve(configured);
  if (process.platform === 'darwin')
    return path.join(os.homedir(), 'Library', 'Application Support', 'Cuecard');
  if (process.platform === 'win32') {
    return path.join(
      process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'),
      'Cuecard',
    );
  }
  const xdg = process.env.XDG_CONFIG_HOME?.trim();
  return path.join(xdg ? xdg : path.join(os.homedir(), '.config'), 'cuecard');
}

export interface ModelStoreOptions {
  /** Folder holding the models; default `<data dir>/models/asr`. */
  modelsDir?: string;
  /** URL prefix (http/https/file) or local folder holding the archives; default CUECARD_MODEL_MIRROR. */
  mirror?: string;
  manifest?: AsrManifest;
}

function storeOf(options: ModelStoreOptions) {
  const manifest = options.manifest ?? loadManifest();
  const modelsDir = options.modelsDir ?? path.join(cuecardDataDir(), 'models', 'asr');
  const mirror = options.mirror ?? process.env.CUECARD_MODEL_MIRROR?.trim() ?? '';
  return { manifest, modelsDir, mirror: mirror || null };
}

function findEntry(manifest: AsrManifest, name: string): ModelEntry {
  const entry = manifest.models.find((model) => model.name === name);
  if (!entry) {
    const known = manifest.models.map((model) => model.name).join(', ');
    throw new Error(`Unknown speech recognition model "${name}". Known models: ${known}`);
  }
  return entry;
}

interface InstalledRecord {
  name: string;
  archiveSha256: string;
  installedAt: string;
  files: Record<string, { size: number; sha256: string }>;
}

const RECORD_FILE = '.cuecard-model.json';

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * State of one model on this machine, as the UI contract shows it (`sizeBytes` is the download
 * size, 0 when unknown), plus details for the CLI.
 */
export interface ModelStatus extends ContractModelStatus {
  languages: ('en' | 'zh')[];
  description: string;
  installed: boolean;
  isDefault: boolean;
  dir: string;
}

/** Every model in the manifest and whether it is installed. */
export async function listModels(options: ModelStoreOptions = {}): Promise<ModelStatus[]> {
  const store = storeOf(options);
  return store.manifest.models.map((entry) => {
    const dir = path.join(store.modelsDir, entry.name);
    const installed = existsSync(path.join(dir, RECORD_FILE));
    return {
      name: entry.name,
      languages: entry.languages,
      description: entry.description,
      sizeBytes: entry.sizeBytes ?? 0,
      state: installed ? 'installed' : 'missing',
      installed,
      isDefault: entry.name === store.manifest.default,
      dir,
    };
  });
}

/** Paths of an installed model's files. */
export interface ResolvedModel extends TransducerModelPaths {
  name: string;
  dir: string;
  languages: ('en' | 'zh')[];
}

/**
 * Paths of the installed model `name` (default: the manifest's default). Throws
 * `ModelMissingError` naming `cuecard models pull NAME` when it is not installed or incomplete.
 */
export async function resolveModel(
  name?: string,
  options: ModelStoreOptions = {},
): Promise<ResolvedModel> {
  const store = storeOf(options);
  const entry = findEntry(store.manifest, name ?? store.manifest.default);
  const dir = path.join(store.modelsDir, entry.name);
  if (!existsSync(path.join(dir, RECORD_FILE)))
    throw new ModelMissingError(entry.name, `nothing at ${dir}`);
  const resolved: ResolvedModel = {
    name: entry.name,
    dir,
    languages: entry.languages,
    encoder: path.join(dir, entry.files.encoder),
    decoder: path.join(dir, entry.files.decoder),
    joiner: path.join(dir, entry.files.joiner),
    tokens: path.join(dir, entry.files.tokens),
  };
  for (const file of [resolved.encoder, resolved.decoder, resolved.joiner, resolved.tokens]) {
    if (!existsSync(file)) throw new ModelMissingError(entry.name, `${file} is missing`);
  }
  return resolved;
}

/**
 * The model to use for a call language: an installed English-only model for 'en' when there is
 * one; else the default model when installed; else another installed model that knows the
 * language; else the default (so the error names the model to pull).
 */
export async function modelForLang(
  lang: 'en' | 'zh' | 'auto',
  options: ModelStoreOptions = {},
): Promise<string> {
  const models = await listModels(options);
  const installed = models.filter((model) => model.installed);
  if (lang === 'en') {
    const english = installed.find((m) => m.languages.length === 1 && m.languages[0] === 'en');
    if (english) return english.name;
  }
  const fits = (model: ModelStatus) => lang === 'auto' || model.languages.includes(lang);
  const fallback = storeOf(options).manifest.default;
  const preferred = models.find((model) => model.name === fallback);
  if (preferred?.installed && fits(preferred)) return preferred.name;
  return installed.find(fits)?.name ?? fallback;
}

/**
 * Progress of `pullModel`, usable as a UI `ModelStatus` (state 'downloading', `progress` 0..1
 * of the current phase). Bytes are of the archive; `totalBytes` is null when unknown.
 */
export interface PullProgress extends ContractModelStatus {
  phase: 'download' | 'verify' | 'extract';
  receivedBytes: number;
  totalBytes: number | null;
}

type ProgressReport = Pick<PullProgress, 'phase' | 'receivedBytes' | 'totalBytes'>;

function progressReporter(entry: ModelEntry, onProgress?: (progress: PullProgress) => void) {
  if (!onProgress) return undefined;
  return (report: ProgressReport) => {
    const fraction = report.totalBytes
      ? Math.min(1, report.receivedBytes / report.totalBytes)
      : undefined;
    onProgress({
      ...report,
      name: entry.name,
      languages: entry.languages,
      sizeBytes: entry.sizeBytes ?? report.totalBytes ?? 0,
      state: 'downloading',
      progress: fraction,
      message:
        fraction === undefined ? report.phase : `${report.phase} ${Math.floor(fraction * 100)}%`,
    });
  };
}

export interface PullOptions extends ModelStoreOptions {
  onProgress?: (progress: PullProgress) => void;
  /** Internal: `onProgress` wrapped by `progressReporter`. */
  report?: (progress: ProgressReport) => void;
  signal?: AbortSignal;
  /** Download again even when the model is installed. */
  force?: boolean;
}

/** Result of `pullModel`; also the installed model's UI `ModelStatus`. */
export interface PullResult extends ContractModelStatus {
  dir: string;
  archiveSha256: string;
  /** True when the archive had no published checksum and this download's was recorded. */
  checksumRecorded: boolean;
  /** Bytes fetched by this call (less than the archive when a download was resumed). */
  downloadedBytes: number;
  alreadyInstalled: boolean;
}

async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function progressCounter(
  start: number,
  total: number | null,
  phase: PullProgress['phase'],
  onProgress?: (progress: ProgressReport) => void,
): Transform {
  let received = start;
  let lastReport = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      const now = Date.now();
      if (onProgress && now - lastReport >= 100) {
        lastReport = now;
        onProgress({ phase, receivedBytes: received, totalBytes: total });
      }
      callback(null, chunk);
    },
    flush(callback) {
      onProgress?.({ phase, receivedBytes: received, totalBytes: total });
      callback();
    },
  });
}

/** Where the archive comes from: a URL to fetch, or a local file to copy. */
function sourceOf(entry: ModelEntry, mirror: string | null): { url: string } | { file: string } {
  if (!mirror) return { url: entry.url };
  if (/^https?:\/\//i.test(mirror))
    return { url: `${mirror.replace(/\/+$/, '')}/${entry.archive}` };
  if (/^file:\/\//i.test(mirror))
    return { file: path.join(new URL(mirror).pathname, entry.archive) };
  return { file: path.join(path.resolve(mirror), entry.archive) };
}

/** Downloads into `partFile`, resuming it when it exists. Returns the bytes fetched now. */
async function download(
  url: string,
  partFile: string,
  entry: ModelEntry,
  options: PullOptions,
): Promise<number> {
  const have = await fileSize(partFile);
  const headers: Record<string, string> = { 'user-agent': 'cuecard-model-manager' };
  if (have > 0) headers.range = `bytes=${have}-`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new Error(
      `Cannot reach ${url}: ${(error as Error).message}. Check the network or set CUECARD_MODEL_MIRROR.`,
    );
  }

  if (response.status === 416 && have > 0) {
    // The part file may already hold the whole archive; the checksum step decides.
    const total = Number(
      /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? Number.NaN,
    );
    await response.body?.cancel();
    if (total === have) return 0;
    await rm(partFile, { force: true });
    return download(url, partFile, entry, options);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`Download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
  }

  const resumed = response.status === 206 && have > 0;
  const start = resumed ? have : 0;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(length) ? start + length : entry.sizeBytes;
  if (have > 0 && !resumed)
    log.info({ model: entry.name }, 'download: server ignored the Range request, starting over');
  else if (resumed) log.info({ model: entry.name, from: have }, 'download: resuming');

  const body = Readable.fromWeb(
    response.body as import('node:stream/web').ReadableStream<Uint8Array>,
  );
  const counter = progressCounter(start, total, 'download', options.report);
  let fetched = 0;
  counter.on('data', (chunk: Uint8Array) => {
    fetched += chunk.length;
  });
  try {
    await pipeline(body, counter, createWriteStream(partFile, { flags: resumed ? 'a' : 'w' }), {
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new Error(
      `Download of ${url} was interrupted after ${start + fetched} bytes (${(error as Error).message}). ` +
        `Run the same command again to resume.`,
    );
  }
  if (Number.isFinite(length) && fetched !== length) {
    throw new Error(
      `Download of ${url} ended after ${start + fetched} of ${start + length} bytes. Run it again to resume.`,
    );
  }
  return fetched;
}

/** Unpacks the model's files from a .tar.bz2 archive into `targetDir`; returns their sha256. */
async function extractModelFiles(
  archive: string,
  entry: ModelEntry,
  targetDir: string,
  options: PullOptions,
): Promise<InstalledRecord['files']> {
  const wanted = new Map(
    Object.values(entry.files).map((file) => [`${entry.directory}/${file}`, file]),
  );
  const found: InstalledRecord['files'] = {};
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const entryName = header.name.replace(/^\.\//, '');
    const target = wanted.get(entryName);
    if (header.type !== 'file' || !target) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const hash = createHash('sha256');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    pipeline(stream, hasher, createWriteStream(path.join(targetDir, target)))
      .then(() => {
        found[target] = { size, sha256: hash.digest('hex') };
        next();
      })
      .catch(next);
  });
  const total = await fileSize(archive);
  try {
    await pipeline(
      createReadStream(archive),
      progressCounter(0, total, 'extract', options.report),
      unbzip2(),
      extract,
      { signal: options.signal },
    );
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new Error(
      `Cannot unpack ${archive}: ${(error as Error).message}. The archive may be damaged.`,
    );
  }
  const missing = [...wanted.values()].filter((file) => !found[file]);
  if (missing.length) {
    throw new Error(
      `${path.basename(archive)} does not contain ${missing.map((f) => `${entry.directory}/${f}`).join(', ')}`,
    );
  }
  return found;
}

/**
 * Downloads (or copies from the mirror), checks and unpacks model `name`. Resumes an earlier
 * partial download. Rejects with `ModelChecksumError` (the bad file is removed) or an Error that
 * says what failed; never leaves a half-unpacked model in place.
 */
export async function pullModel(name: string, pullOptions: PullOptions = {}): Promise<PullResult> {
  const store = storeOf(pullOptions);
  const entry = findEntry(store.manifest, name);
  const options = { ...pullOptions, report: progressReporter(entry, pullOptions.onProgress) };
  const status = { name: entry.name, languages: entry.languages, sizeBytes: entry.sizeBytes ?? 0 };
  const modelDir = path.join(store.modelsDir, entry.name);
  const recordFile = path.join(modelDir, RECORD_FILE);
  const existing = await readJson<InstalledRecord>(recordFile);
  if (existing && !options.force) {
    return {
      ...status,
      state: 'installed',
      dir: modelDir,
      archiveSha256: existing.archiveSha256,
      checksumRecorded: false,
      downloadedBytes: 0,
      alreadyInstalled: true,
    };
  }

  const downloads = path.join(store.modelsDir, 'downloads');
  await mkdir(downloads, { recursive: true });
  const archive = path.join(downloads, entry.archive);
  const partFile = `${archive}.part`;
  const source = sourceOf(entry, store.mirror);

  // 1. Fetch the archive (or reuse a complete one from an earlier run).
  let downloadedBytes = 0;
  if (!existsSync(archive)) {
    if ('file' in source) {
      if (!existsSync(source.file)) {
        throw new Error(`The mirror folder has no ${entry.archive} (looked for ${source.file}).`);
      }
      const total = await fileSize(source.file);
      await pipeline(
        createReadStream(source.file),
        progressCounter(0, total, 'download', options.report),
        createWriteStream(partFile),
        { signal: options.signal },
      );
      downloadedBytes = total;
    } else {
      downloadedBytes = await download(source.url, partFile, entry, options);
    }
    await rename(partFile, archive);
  }

  // 2. Check it against the published checksum, or the one recorded at the first download.
  const checksumsFile = path.join(store.modelsDir, 'checksums.json');
  const recorded = (await readJson<Record<string, string>>(checksumsFile)) ?? {};
  const expected = entry.sha256 ?? recorded[entry.archive] ?? null;
  options.report?.({ phase: 'verify', receivedBytes: 0, totalBytes: await fileSize(archive) });
  const actual = await sha256OfFile(archive, options.signal);
  if (expected && actual !== expected) {
    await rm(archive, { force: true });
    const origin = entry.sha256
      ? 'the published checksum'
      : `the checksum recorded in ${checksumsFile}`;
    throw new ModelChecksumError(
      `${entry.archive} has sha256 ${actual} but ${origin} is ${expected}. ` +
        `The download was removed; run: cuecard models pull ${entry.name}`,
    );
  }
  let checksumRecorded = false;
  if (!expected) {
    recorded[entry.archive] = actual;
    await writeFile(checksumsFile, `${JSON.stringify(recorded, null, 2)}\n`);
    checksumRecorded = true;
    log.warn(
      { model: entry.name, sha256: actual },
      'pullModel: no published checksum, recorded this one',
    );
  }

  // 3. Unpack into a staging folder, then move it into place in one step.
  const staging = path.join(store.modelsDir, `.staging-${entry.name}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const files = await extractModelFiles(archive, entry, staging, options);
    const record: InstalledRecord = {
      name: entry.name,
      archiveSha256: actual,
      installedAt: new Date().toISOString(),
      files,
    };
    await writeFile(path.join(staging, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await rm(modelDir, { recursive: true, force: true });
    await rename(staging, modelDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(archive, { force: true });
  log.info({ model: entry.name, dir: modelDir }, 'pullModel: installed');
  return {
    ...status,
    state: 'installed',
    dir: modelDir,
    archiveSha256: actual,
    checksumRecorded,
    downloadedBytes,
    alreadyInstalled: false,
  };
}

/** Outcome of verifying one model; state 'corrupt' when a file changed since install. */
export interface VerifyResult extends ContractModelStatus {
  ok: boolean;
  installed: boolean;
  /** One line per problem found (missing file, size or checksum mismatch). */
  problems: string[];
}

/**
 * Re-hashes installed models' files against what was recorded when they were unpacked:
 * model `name`, or every installed model when `name` is omitted.
 */
export async function verifyModel(
  name?: string,
  options: ModelStoreOptions = {},
): Promise<VerifyResult[]> {
  const names = name
    ? [name]
    : (await listModels(options)).filter((m) => m.installed).map((m) => m.name);
  const results: VerifyResult[] = [];
  for (const each of names) results.push(await verifyOne(each, options));
  return results;
}

async function verifyOne(name: string, options: ModelStoreOptions): Promise<VerifyResult> {
  const store = storeOf(options);
  const entry = findEntry(store.manifest, name);
  const base = { name: entry.name, languages: entry.languages, sizeBytes: entry.sizeBytes ?? 0 };
  const modelDir = path.join(store.modelsDir, entry.name);
  const record = await readJson<InstalledRecord>(path.join(modelDir, RECORD_FILE));
  if (!record) {
    return { ...base, state: 'missing', ok: false, installed: false, problems: ['not installed'] };
  }
  const problems: string[] = [];
  for (const file of Object.values(entry.files)) {
    const expected = record.files[file];
    const full = path.join(modelDir, file);
    if (!expected) problems.push(`${file}: not recorded at install time`);
    else if (!existsSync(full)) problems.push(`${file}: missing`);
    else if ((await fileSize(full)) !== expected.size)
      problems.push(`${file}: size differs from install time`);
    else if ((await sha256OfFile(full)) !== expected.sha256)
      problems.push(`${file}: sha256 differs from install time`);
  }
  const ok = problems.length === 0;
  return {
    ...base,
    state: ok ? 'installed' : 'corrupt',
    ok,
    installed: true,
    problems,
    message: problems.join('; ') || undefined,
  };
}

/** Where `modelsCommand` writes: one call per line, without the newline. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'size unknown';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

const MODELS_USAGE = 'Usage: cuecard models list | pull NAME | verify [NAME]';

/**
 * The `cuecard models` subcommands. `argv` is what follows `models`. Resolves to the exit code:
 * 0 success, 1 failure (download, checksum, verification), 2 bad usage.
 */
export async function modelsCommand(
  argv: string[],
  io: CliIo,
  options: ModelStoreOptions & { signal?: AbortSignal } = {},
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'list' || command === undefined) {
      const models = await listModels(options);
      for (const model of models) {
        const flags = [
          model.installed ? 'installed' : 'not installed',
          model.isDefault ? 'default' : '',
        ]
          .filter(Boolean)
          .join(', ');
        io.out(
          `${model.name}  [${model.languages.join('+')}]  ${formatBytes(model.sizeBytes)}  (${flags})`,
        );
        io.out(`    ${model.description}`);
      }
      io.out(`Models folder: ${storeOf(options).modelsDir}`);
      return 0;
    }

    if (command === 'pull') {
      const name = rest[0];
      if (!name || rest.length > 1) {
        io.err(
          `${MODELS_USAGE}\nNAME is one of: ${(await listModels(options)).map((m) => m.name).join(', ')}`,
        );
        return 2;
      }
      let lastPercent = -1;
      let lastPhase = '';
      const result = await pullModel(name, {
        ...options,
        onProgress: ({ phase, receivedBytes, totalBytes }) => {
          const percent = totalBytes ? Math.floor((receivedBytes / totalBytes) * 20) * 5 : -1;
          if (phase !== lastPhase || (percent !== lastPercent && percent >= 0)) {
            io.err(
              `${phase}: ${totalBytes ? `${Math.min(100, percent)}% of ${formatBytes(totalBytes)}` : formatBytes(receivedBytes)}`,
            );
          }
          lastPhase = phase;
          lastPercent = percent;
        },
      });
      if (result.alreadyInstalled) io.out(`${result.name} is already installed in ${result.dir}`);
      else {
        io.out(`Installed ${result.name} in ${result.dir}`);
        io.out(
          result.checksumRecorded
            ? `sha256 ${result.archiveSha256} (no published checksum; recorded for later downloads)`
            : `sha256 ${result.archiveSha256} (matches)`,
        );
      }
      return 0;
    }

    if (command === 'verify') {
      if (rest.length > 1) {
        io.err(MODELS_USAGE);
        return 2;
      }
      const names = rest.length
        ? rest
        : (await listModels(options)).filter((m) => m.installed).map((m) => m.name);
      if (names.length === 0) {
        io.out(
          'No speech recognition model is installed. Run: cuecard models pull NAME (see cuecard models list)',
        );
        return 1;
      }
      let failed = false;
      for (const name of names) {
        const [result] = await verifyModel(name, options);
        if (result.ok) io.out(`${name}: OK`);
        else {
          failed = true;
          io.out(`${name}: FAILED`);
          for (const problem of result.problems) io.out(`    ${problem}`);
          io.out(`    Fix: cuecard models pull ${name}`);
        }
      }
      return failed ? 1 : 0;
    }

    io.err(MODELS_USAGE);
    return 2;
  } catch (error) {
    io.err(`Error: ${(error as Error).message}`);
    return 1;
  }
}
