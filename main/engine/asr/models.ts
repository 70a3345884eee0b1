/**
 * Streaming ASR models: which exist (`models/asr-manifest.json`), downloading them from the
 * official sherpa-onnx release archives (or a mirror), checking and unpacking them into the user
 * data folder, and finding their files for the recognizer.
 *
 * Layout under `<data dir>/models/asr/`:
 *   downloads/NAME.tar.bz2.part  an unfinished download, resumed from the same URL; its source
 *                                is in NAME.tar.bz2.part.json
 *   downloads/NAME.tar.bz2       a complete download not yet unpacked (checked again before use)
 *   NAME.lock                    held by the process downloading NAME (see model-lock.ts)
 *   checksums.json               sha256 of archives the manifest publishes none for, recorded
 *                                once an archive unpacked and verified, and required from then on
 *   NAME/                        the model's files, plus `.cuecard-model.json` with their sha256
 *
 * A download that fails a check (size, format, checksum, unpacking, model files) is removed;
 * only a download cut by the network is kept, to be resumed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import unbzip2 from 'unbzip2-stream';
import { z } from 'zod';
import type { ModelStatus as ContractModelStatus } from '../../contract/api';
import manifestJson from '../../../models/asr-manifest.json' with { type: 'json' };
import { createLogger } from '../log';
import { defaultDataDir } from '../store/paths';
import { ModelFileError } from './onnx-file';
import { EnvError, envValue, MAX_TIMEOUT_S, timeoutSeconds } from '../env';
import {
  type DownloadTimeouts,
  discardPart,
  downloadToPart,
  exactBytes,
  notBzip2Reason,
  readHead,
} from './model-download';
import { acquireLock, describeHolder, type LockHolder, liveLockHolder } from './model-lock';
import type { TransducerModelPaths } from './recognizer';

export { ModelDownloadError, ModelSourceError } from './model-download';
export { LockBusyError as ModelBusyError } from './model-lock';

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

/**
 * A downloaded archive failed a check (size, format, unpacking, model files). The download was
 * removed; `problem` is the short reason, the message adds where it came from and what to do.
 */
export class ModelArchiveError extends Error {
  override readonly name: string = 'ModelArchiveError';
  readonly code: string = 'model_archive';
  constructor(
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}

/** A download whose sha256 does not match the published, given or recorded one. Removed. */
export class ModelChecksumError extends ModelArchiveError {
  override readonly name = 'ModelChecksumError';
  override readonly code = 'model_checksum';
}

/** Where Cuecard keeps user data: CUECARD_DATA_DIR, else the platform's usual folder. */
export function cuecardDataDir(): string {
  return defaultDataDir();
}

export interface ModelStoreOptions {
  /** Folder holding the models; default `<data dir>/models/asr`. */
  modelsDir?: string;
  /** URL prefix (http/https/file) or local folder holding the archives; default CUECARD_MODEL_MIRROR. */
  mirror?: string;
  manifest?: AsrManifest;
}

interface Store {
  manifest: AsrManifest;
  modelsDir: string;
  mirror: string | null;
}

function storeOf(options: ModelStoreOptions): Store {
  const manifest = options.manifest ?? loadManifest();
  const modelsDir = options.modelsDir ?? path.join(cuecardDataDir(), 'models', 'asr');
  const mirror = options.mirror ?? process.env.CUECARD_MODEL_MIRROR?.trim() ?? '';
  return { manifest, modelsDir, mirror: mirror || null };
}

/** The folder holding the models (`<data dir>/models/asr` unless `modelsDir` says otherwise). */
export function modelsFolder(options: ModelStoreOptions = {}): string {
  return storeOf(options).modelsDir;
}

function findEntry(manifest: AsrManifest, name: string): ModelEntry {
  const entry = manifest.models.find((model) => model.name === name);
  if (!entry) {
    const known = manifest.models.map((model) => model.name).join(', ');
    throw new Error(`Unknown speech recognition model "${name}". Known models: ${known}`);
  }
  return entry;
}

const lockFileOf = (store: Store, entry: ModelEntry) =>
  path.join(store.modelsDir, `${entry.name}.lock`);

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

/** The install record of the model in `modelDir`; null when it is missing or unreadable. */
async function readInstalledRecord(modelDir: string): Promise<InstalledRecord | null> {
  const record = await readJson<InstalledRecord>(path.join(modelDir, RECORD_FILE));
  return record && typeof record.files === 'object' && record.files !== null ? record : null;
}

/** Writes `file` whole or not at all (a crash never leaves half a JSON file). */
async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, file);
}

/**
 * State of one model on this machine, as the UI contract shows it (`sizeBytes` is the download
 * size, 0 when unknown; state 'downloading' while some process holds its lock), plus details
 * for the CLI.
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
  return Promise.all(
    store.manifest.models.map(async (entry): Promise<ModelStatus> => {
      const dir = path.join(store.modelsDir, entry.name);
      const installed = existsSync(path.join(dir, RECORD_FILE));
      const downloader = await liveLockHolder(lockFileOf(store, entry));
      return {
        name: entry.name,
        languages: entry.languages,
        description: entry.description,
        sizeBytes: entry.sizeBytes ?? 0,
        state: downloader ? 'downloading' : installed ? 'installed' : 'missing',
        message: downloader ? `being downloaded by ${describeHolder(downloader)}` : undefined,
        installed,
        isDefault: entry.name === store.manifest.default,
        dir,
      };
    }),
  );
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
  // The install record says how big each file was; a file cut short or replaced since then is
  // caught here, cheaply, before anything tries to load it (`models verify` also checks sha256).
  const record = await readInstalledRecord(dir);
  const fix = `Run: cuecard models pull ${entry.name} --force`;
  if (!record) {
    const recordFile = path.join(dir, RECORD_FILE);
    throw new ModelFileError(recordFile, `${recordFile}: the install record is unreadable. ${fix}`);
  }
  for (const name of Object.values(entry.files)) {
    const expected = record.files[name]?.size;
    const full = path.join(dir, name);
    const actual = (await stat(full)).size;
    if (typeof expected === 'number' && actual !== expected) {
      throw new ModelFileError(
        full,
        `${full} is ${actual} bytes, but was ${expected} when installed (damaged or changed). ${fix}`,
      );
    }
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
 * of the current phase). Bytes are of the archive; `totalBytes` is null when unknown. Phase
 * 'wait' means another process is downloading the model; 'check' that the installed files are
 * being verified.
 */
export interface PullProgress extends ContractModelStatus {
  phase: 'wait' | 'check' | 'download' | 'verify' | 'extract';
  receivedBytes: number;
  totalBytes: number | null;
}

type ProgressReport = Pick<PullProgress, 'phase' | 'receivedBytes' | 'totalBytes' | 'message'>;
type Reporter = (report: ProgressReport) => void;

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
        report.message ??
        (fraction === undefined ? report.phase : `${report.phase} ${Math.floor(fraction * 100)}%`),
    });
  };
}

export interface PullOptions extends ModelStoreOptions {
  onProgress?: (progress: PullProgress) => void;
  /** Sentences for a person: waiting for another download, repairing, starting over. */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  /** Download and unpack again even when the installed model verifies. */
  force?: boolean;
  /**
   * The archive's sha256 when the manifest publishes none: the download must match it, and it
   * replaces a recorded one. Refused when it differs from a published checksum.
   */
  sha256?: string;
  /** Wait while another process downloads this model (default); false throws `ModelBusyError`. */
  wait?: boolean;
  /** Milliseconds to connect and get response headers; default CUECARD_MODEL_CONNECT_TIMEOUT_S, else 30 s. */
  connectTimeoutMs?: number;
  /** Milliseconds without body bytes before giving up; default CUECARD_MODEL_IDLE_TIMEOUT_S, else 60 s. */
  idleTimeoutMs?: number;
  /** How often to look at another process's lock while waiting, in milliseconds. */
  lockPollMs?: number;
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
  /** Why an installed model was installed again (its verification problems); else empty. */
  repaired: string[];
}

const DEFAULT_CONNECT_TIMEOUT_S = 30;
const DEFAULT_IDLE_TIMEOUT_S = 60;

function secondsFromEnv(variable: string, fallbackS: number): number {
  const raw = envValue(variable);
  if (!raw) return fallbackS * 1000;
  const value = timeoutSeconds(raw);
  if (value === null) {
    throw new EnvError(
      variable,
      `${variable}=${raw}: must be a number of seconds above 0 and at most ${MAX_TIMEOUT_S}`,
    );
  }
  return value * 1000;
}

function downloadTimeouts(options: PullOptions): DownloadTimeouts {
  return {
    connectMs:
      options.connectTimeoutMs ??
      secondsFromEnv('CUECARD_MODEL_CONNECT_TIMEOUT_S', DEFAULT_CONNECT_TIMEOUT_S),
    idleMs:
      options.idleTimeoutMs ??
      secondsFromEnv('CUECARD_MODEL_IDLE_TIMEOUT_S', DEFAULT_IDLE_TIMEOUT_S),
  };
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
  onProgress?: Reporter,
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

/** Where the archive being checked came from, for messages. */
type ArchiveOrigin =
  | { kind: 'url'; url: string; mirror: string | null }
  | { kind: 'folder'; file: string }
  | { kind: 'leftover' };

function originPhrase(origin: ArchiveOrigin): string {
  switch (origin.kind) {
    case 'url':
      return `from ${new URL(origin.url).host}`;
    case 'folder':
      return `copied from ${origin.file}`;
    case 'leftover':
      return 'left by an earlier download';
    default: {
      const unreachable: never = origin;
      return unreachable;
    }
  }
}

/** What to do about a source that does not serve the release archive. */
function sourceAdvice(origin: ArchiveOrigin, entry: ModelEntry): string {
  const official = new URL(entry.url).host;
  switch (origin.kind) {
    case 'url':
      return origin.mirror
        ? `The mirror in CUECARD_MODEL_MIRROR (${origin.mirror}) does not serve the release ` +
            `archive: fix the mirror, or unset CUECARD_MODEL_MIRROR to download from ${official}.`
        : `Something between this computer and ${official} (a proxy or a login page) changed ` +
            `the download: set CUECARD_MODEL_MIRROR to a mirror, or to a folder holding ${entry.archive}.`;
    case 'folder':
      return `Replace that file with the release archive from ${entry.url}.`;
    case 'leftover':
      return 'The next pull downloads the archive again.';
    default: {
      const unreachable: never = origin;
      return unreachable;
    }
  }
}

/** The first problem that keeps `file` from being this model's archive, or null. */
async function archiveFileProblem(file: string, entry: ModelEntry): Promise<string | null> {
  const size = await fileSize(file);
  if (entry.sizeBytes !== null && size !== entry.sizeBytes) {
    return `it is ${exactBytes(size)}, but the release archive has ` + `${entry.sizeBytes} bytes`;
  }
  return notBzip2Reason(await readHead(file, 64));
}

interface ExpectedChecksum {
  sha256: string;
  origin: 'published' | 'given' | 'recorded';
  /** For 'recorded': when and from where that archive was installed. */
  recordedAt?: string;
  recordedFrom?: string;
}

interface RecordedChecksum {
  sha256: string;
  recordedAt: string;
  source: string;
}

interface ChecksumsFile {
  version: 2;
  archives: Record<string, RecordedChecksum>;
}

const checksumsFileOf = (store: Store) => path.join(store.modelsDir, 'checksums.json');

/**
 * The recorded checksum of `entry`'s archive, or null. Cuecard 0.1 wrote a flat
 * `{archive: sha256}` file before unpacking, so such an entry may be the checksum of a bad
 * download: it is trusted only when the installed model came from that very archive.
 */
async function recordedChecksum(store: Store, entry: ModelEntry): Promise<RecordedChecksum | null> {
  const file = await readJson<Record<string, unknown>>(checksumsFileOf(store));
  if (!file || typeof file !== 'object') return null;
  if (file.version === 2) {
    const recorded = (file as unknown as ChecksumsFile).archives?.[entry.archive];
    return recorded && /^[0-9a-f]{64}$/.test(String(recorded.sha256)) ? recorded : null;
  }
  const legacy = file[entry.archive];
  if (typeof legacy !== 'string') return null;
  const installed = await readJson<InstalledRecord>(
    path.join(store.modelsDir, entry.name, RECORD_FILE),
  );
  if (installed?.archiveSha256 !== legacy) {
    log.warn({ model: entry.name }, 'recordedChecksum: ignoring an unconfirmed 0.1 entry');
    return null;
  }
  return { sha256: legacy, recordedAt: installed.installedAt, source: 'an earlier install' };
}

async function recordChecksum(store: Store, entry: ModelEntry, value: RecordedChecksum) {
  const lock = await acquireLock(path.join(store.modelsDir, 'checksums.lock'), { pollMs: 50 });
  try {
    const raw = await readJson<Record<string, unknown>>(checksumsFileOf(store));
    const archives: Record<string, RecordedChecksum> = {};
    if (raw?.version === 2) Object.assign(archives, (raw as unknown as ChecksumsFile).archives);
    else {
      for (const other of store.manifest.models) {
        const kept = await recordedChecksum(store, other);
        if (kept) archives[other.archive] = kept;
      }
    }
    archives[entry.archive] = value;
    await writeJsonAtomically(checksumsFileOf(store), { version: 2, archives });
  } finally {
    await lock.release();
  }
}

function validSha256(value: string): string {
  const lower = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(lower)) {
    throw new Error(`A sha256 is 64 hexadecimal digits (got "${value}")`);
  }
  return lower;
}

async function expectedChecksum(
  store: Store,
  entry: ModelEntry,
  given: string | undefined,
): Promise<ExpectedChecksum | null> {
  if (entry.sha256) return { sha256: entry.sha256, origin: 'published' };
  if (given) return { sha256: given, origin: 'given' };
  const recorded = await recordedChecksum(store, entry);
  if (!recorded) return null;
  return {
    sha256: recorded.sha256,
    origin: 'recorded',
    recordedAt: recorded.recordedAt,
    recordedFrom: recorded.source,
  };
}

function checksumError(
  entry: ModelEntry,
  actual: string,
  expected: ExpectedChecksum,
  origin: ArchiveOrigin,
): ModelChecksumError {
  const what = `${entry.archive} ${originPhrase(origin)} has sha256 ${actual}`;
  if (expected.origin === 'published') {
    return new ModelChecksumError(
      'its sha256 differs from the published one',
      `${what}, but the published checksum is ${expected.sha256}. The download was removed. ` +
        sourceAdvice(origin, entry),
    );
  }
  if (expected.origin === 'given') {
    return new ModelChecksumError(
      'its sha256 differs from --sha256',
      `${what}, but --sha256 asked for ${expected.sha256}. The download was removed. ` +
        'Check the value you gave.',
    );
  }
  const when = expected.recordedAt ? new Date(expected.recordedAt).toLocaleString() : 'earlier';
  return new ModelChecksumError(
    'its sha256 differs from the recorded one',
    `${what}, but the archive installed ${when} from ${expected.recordedFrom} had ` +
      `${expected.sha256}: this source serves a different file. The download was removed. ` +
      `If you trust this source, accept its archive with: ` +
      `cuecard models pull ${entry.name} --sha256 ${actual}`,
  );
}

function archiveError(
  entry: ModelEntry,
  origin: ArchiveOrigin,
  problem: string,
): ModelArchiveError {
  return new ModelArchiveError(
    problem,
    `${entry.archive} ${originPhrase(origin)} cannot be used: ${problem}. ` +
      `The download was removed. ${sourceAdvice(origin, entry)}`,
  );
}

/** A failure of this computer's disk or permissions, not of the archive. */
function isLocalFileError(error: unknown): error is NodeJS.ErrnoException {
  return typeof (error as NodeJS.ErrnoException)?.syscall === 'string';
}

function localFileError(error: NodeJS.ErrnoException, what: string): Error {
  return new Error(
    `Cannot ${what} (${error.code}: ${error.message}). Free disk space or fix the folder's ` +
      'permissions, then pull again.',
  );
}

/** An ONNX ModelProto starts with field 1 (ir_version) as a small varint. */
const looksLikeOnnx = (head: Buffer) => head[0] === 0x08 && head[1] >= 1 && head[1] <= 30;

/** Unpacks the model's files from a .tar.bz2 archive into `targetDir`; returns their sha256. */
async function extractModelFiles(
  archive: string,
  entry: ModelEntry,
  origin: ArchiveOrigin,
  targetDir: string,
  options: { report?: Reporter; signal?: AbortSignal },
): Promise<InstalledRecord['files']> {
  const wanted = new Map(
    Object.values(entry.files).map((file) => [`${entry.directory}/${file}`, file]),
  );
  const found: InstalledRecord['files'] = {};
  const heads = new Map<string, Buffer>();
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
        if (size === 0) heads.set(target, Buffer.from(chunk.subarray(0, 64)));
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
    if (isLocalFileError(error)) throw localFileError(error, `unpack into ${targetDir}`);
    throw archiveError(
      entry,
      origin,
      `it is damaged and cannot be unpacked (${(error as Error).message})`,
    );
  }

  const missing = [...wanted.values()].filter((file) => !found[file]);
  if (missing.length) {
    const names = missing.map((file) => `${entry.directory}/${file}`).join(', ');
    throw archiveError(entry, origin, `it does not contain ${names}`);
  }
  for (const [kind, file] of Object.entries(entry.files)) {
    const head = heads.get(file) ?? Buffer.alloc(0);
    if (found[file].size === 0) throw archiveError(entry, origin, `its ${file} is empty`);
    if (kind === 'tokens') continue;
    if (!looksLikeOnnx(head)) {
      const reason = head.toString('latin1').startsWith('version https://git-lfs')
        ? 'a Git LFS pointer, not the model'
        : 'not an ONNX model';
      throw archiveError(entry, origin, `its ${file} is ${reason}`);
    }
  }
  return found;
}

/** What is wrong with an installed model (empty when it verifies), and its install record. */
async function inspectInstalled(
  entry: ModelEntry,
  modelDir: string,
): Promise<{ record: InstalledRecord | null; problems: string[] }> {
  const record = await readInstalledRecord(modelDir);
  if (!record) {
    const problem = existsSync(path.join(modelDir, RECORD_FILE))
      ? `${RECORD_FILE} is unreadable`
      : 'not installed';
    return { record: null, problems: [problem] };
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
  return { record, problems };
}

type PullContext = PullOptions & {
  report?: Reporter;
  timeouts: DownloadTimeouts;
  givenSha256?: string;
};

/**
 * Downloads (or copies from the mirror), checks and unpacks model `name`, and resolves once it
 * is installed and verified. An installed model that verifies is left alone (unless `force`);
 * one that does not is installed again. Resumes a download the network cut; removes one that
 * fails a check. Waits while another process downloads the same model (unless `wait` is
 * false). Rejects with `ModelArchiveError` / `ModelChecksumError` (the bad download was
 * removed), `ModelSourceError` (the source served no archive), `ModelDownloadError` (the
 * network failed; what arrived is kept), `ModelBusyError`, or an Error saying what failed;
 * never leaves a half-unpacked model in place.
 */
export async function pullModel(name: string, pullOptions: PullOptions = {}): Promise<PullResult> {
  const store = storeOf(pullOptions);
  const entry = findEntry(store.manifest, name);
  const givenSha256 = pullOptions.sha256 ? validSha256(pullOptions.sha256) : undefined;
  if (givenSha256 && entry.sha256 && givenSha256 !== entry.sha256) {
    throw new Error(
      `The manifest publishes sha256 ${entry.sha256} for ${entry.archive}; --sha256 cannot replace it`,
    );
  }
  const context: PullContext = {
    ...pullOptions,
    givenSha256,
    report: progressReporter(entry, pullOptions.onProgress),
    timeouts: downloadTimeouts(pullOptions),
  };

  await mkdir(store.modelsDir, { recursive: true });
  const lockFile = lockFileOf(store, entry);
  const lock = await acquireLock(lockFile, {
    wait: pullOptions.wait ?? true,
    signal: pullOptions.signal,
    pollMs: pullOptions.lockPollMs,
    busyMessage: (holder) => busyMessage(entry, holder, lockFile),
    onWait: (holder) => {
      const message = `Waiting for another download of ${entry.name} (${describeHolder(holder)}) to finish.`;
      pullOptions.onNotice?.(message);
      context.report?.({ phase: 'wait', receivedBytes: 0, totalBytes: null, message });
    },
  });
  try {
    return await pullLocked(store, entry, context);
  } finally {
    await lock.release();
  }
}

function busyMessage(entry: ModelEntry, holder: LockHolder | null, lockFile: string): string {
  const running = `Another download of ${entry.name} is running (${describeHolder(holder)}).`;
  if (holder && holder.hostname !== os.hostname()) {
    return `${running} If nothing is downloading on ${holder.hostname}, delete ${lockFile}.`;
  }
  return `${running} Wait for it to finish, or stop it and pull again.`;
}

async function pullLocked(
  store: Store,
  entry: ModelEntry,
  options: PullContext,
): Promise<PullResult> {
  const status = { name: entry.name, languages: entry.languages, sizeBytes: entry.sizeBytes ?? 0 };
  const modelDir = path.join(store.modelsDir, entry.name);

  // 1. An installed model that verifies is done; one that does not is installed again.
  let repaired: string[] = [];
  if (!options.force && existsSync(modelDir)) {
    options.report?.({ phase: 'check', receivedBytes: 0, totalBytes: null });
    const installed = await inspectInstalled(entry, modelDir);
    if (installed.record && installed.problems.length === 0) {
      return {
        ...status,
        state: 'installed',
        dir: modelDir,
        archiveSha256: installed.record.archiveSha256,
        checksumRecorded: false,
        downloadedBytes: 0,
        alreadyInstalled: true,
        repaired: [],
      };
    }
    if (existsSync(path.join(modelDir, RECORD_FILE))) repaired = installed.problems;
    if (repaired.length)
      options.onNotice?.(
        `${entry.name} failed verification (${repaired.join('; ')}); installing it again.`,
      );
  }

  const downloads = path.join(store.modelsDir, 'downloads');
  await mkdir(downloads, { recursive: true });
  const archive = path.join(downloads, entry.archive);
  const expected = await expectedChecksum(store, entry, options.givenSha256);

  // 2. A complete archive left by an interrupted run is used if it passes every check.
  let installed: { sha256: string } | null = null;
  let downloadedBytes = 0;
  if (existsSync(archive)) {
    try {
      installed = await checkAndInstall(
        store,
        entry,
        archive,
        { kind: 'leftover' },
        expected,
        options,
      );
    } catch (error) {
      if (!(error instanceof ModelArchiveError)) throw error;
      options.onNotice?.(
        `The archive left by an earlier download was not usable (${error.problem}); downloading it again.`,
      );
    }
  }

  // 3. Otherwise fetch it, check it and unpack it.
  if (!installed) {
    const fetched = await fetchArchive(store, entry, archive, options);
    downloadedBytes = fetched.downloadedBytes;
    installed = await checkAndInstall(store, entry, archive, fetched.origin, expected, options);
  }

  // 4. Only an archive that unpacked and verified has its checksum recorded.
  let checksumRecorded = false;
  if (!expected || expected.origin === 'given') {
    const source = sourceOf(entry, store.mirror);
    await recordChecksum(store, entry, {
      sha256: installed.sha256,
      recordedAt: new Date().toISOString(),
      source: 'url' in source ? source.url : source.file,
    });
    checksumRecorded = true;
    log.info({ model: entry.name, sha256: installed.sha256 }, 'pullModel: recorded the checksum');
  }
  await rm(archive, { force: true });
  log.info({ model: entry.name, dir: modelDir }, 'pullModel: installed');
  return {
    ...status,
    state: 'installed',
    dir: modelDir,
    archiveSha256: installed.sha256,
    checksumRecorded,
    downloadedBytes,
    alreadyInstalled: false,
    repaired,
  };
}

/** Puts the whole archive at `archive`, from the mirror folder or over the network. */
async function fetchArchive(
  store: Store,
  entry: ModelEntry,
  archive: string,
  options: PullContext,
): Promise<{ origin: ArchiveOrigin; downloadedBytes: number }> {
  const partFile = `${archive}.part`;
  const source = sourceOf(entry, store.mirror);

  if ('file' in source) {
    const origin: ArchiveOrigin = { kind: 'folder', file: source.file };
    if (!existsSync(source.file)) {
      throw new Error(
        `The mirror folder has no ${entry.archive} (looked for ${source.file}). ` +
          `Put the release archive from ${entry.url} there, or unset CUECARD_MODEL_MIRROR.`,
      );
    }
    // A wrong file in the mirror folder is refused before anything is copied.
    const problem = await archiveFileProblem(source.file, entry);
    if (problem) {
      throw new ModelArchiveError(
        problem,
        `The mirror file ${source.file} cannot be used: ${problem}. ${sourceAdvice(origin, entry)}`,
      );
    }
    await discardPart(partFile);
    const total = await fileSize(source.file);
    try {
      await pipeline(
        createReadStream(source.file),
        progressCounter(0, total, 'download', options.report),
        createWriteStream(partFile),
        { signal: options.signal },
      );
    } catch (error) {
      await rm(partFile, { force: true });
      if (!options.signal?.aborted && isLocalFileError(error)) {
        throw localFileError(error, `copy ${source.file} to ${partFile}`);
      }
      throw error;
    }
    await rename(partFile, archive);
    return { origin, downloadedBytes: total };
  }

  const origin: ArchiveOrigin = { kind: 'url', url: source.url, mirror: store.mirror };
  let lastReport = 0;
  const { fetchedBytes } = await downloadToPart({
    model: entry.name,
    url: source.url,
    partFile,
    expectedBytes: entry.sizeBytes,
    timeouts: options.timeouts,
    sourceAdvice: sourceAdvice(origin, entry),
    signal: options.signal,
    onNotice: options.onNotice,
    onBytes: (receivedBytes, totalBytes) => {
      const now = Date.now();
      if (now - lastReport < 100 && receivedBytes !== totalBytes) return;
      lastReport = now;
      options.report?.({ phase: 'download', receivedBytes, totalBytes });
    },
  });
  await rm(`${partFile}.json`, { force: true });
  await rename(partFile, archive);
  return { origin, downloadedBytes: fetchedBytes };
}

/**
 * Checks `archive` (size, format, checksum), unpacks it into a staging folder, checks the model
 * files and moves them into place. Removes the archive when it fails a check.
 */
async function checkAndInstall(
  store: Store,
  entry: ModelEntry,
  archive: string,
  origin: ArchiveOrigin,
  expected: ExpectedChecksum | null,
  options: PullContext,
): Promise<{ sha256: string }> {
  const modelDir = path.join(store.modelsDir, entry.name);
  const staging = path.join(store.modelsDir, `.staging-${entry.name}`);
  try {
    const problem = await archiveFileProblem(archive, entry);
    if (problem) throw archiveError(entry, origin, problem);

    options.report?.({ phase: 'verify', receivedBytes: 0, totalBytes: await fileSize(archive) });
    const actual = await sha256OfFile(archive, options.signal);
    if (expected && actual !== expected.sha256)
      throw checksumError(entry, actual, expected, origin);

    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const files = await extractModelFiles(archive, entry, origin, staging, options);
    const record: InstalledRecord = {
      name: entry.name,
      archiveSha256: actual,
      installedAt: new Date().toISOString(),
      files,
    };
    await writeFile(path.join(staging, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    try {
      await rm(modelDir, { recursive: true, force: true });
      await rename(staging, modelDir);
    } catch (error) {
      if (isLocalFileError(error)) throw localFileError(error, `replace ${modelDir}`);
      throw error;
    }
    return { sha256: actual };
  } catch (error) {
    if (error instanceof ModelArchiveError) await rm(archive, { force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Outcome of verifying one model; state 'corrupt' when a file changed since install,
 * 'downloading' while another process is installing it.
 */
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
  const downloader = await liveLockHolder(lockFileOf(store, entry));
  if (downloader) {
    const problem = `being downloaded by ${describeHolder(downloader)}`;
    return {
      ...base,
      state: 'downloading',
      ok: false,
      installed: false,
      problems: [problem],
      message: problem,
    };
  }
  const modelDir = path.join(store.modelsDir, entry.name);
  const { record, problems } = await inspectInstalled(entry, modelDir);
  const ok = record !== null && problems.length === 0;
  const installed = existsSync(path.join(modelDir, RECORD_FILE));
  return {
    ...base,
    state: ok ? 'installed' : installed ? 'corrupt' : 'missing',
    ok,
    installed,
    problems,
    message: problems.join('; ') || undefined,
  };
}
