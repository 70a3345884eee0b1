/**
 * Fetching one model archive over HTTP(S) into a `.part` file. Follows redirects, resumes an
 * earlier partial download with a Range request (guarded by If-Range, and only from the URL it
 * came from), refuses web pages, and gives up with a clear message when the host does not
 * answer or stops sending. Never throws anything but `ModelDownloadError`, `ModelSourceError`
 * or the caller's abort reason.
 *
 * Next to `NAME.tar.bz2.part` lives `NAME.tar.bz2.part.json`: the URL the bytes came from and
 * the server's ETag / Last-Modified, so that a resume never glues two different files together.
 */
import { createWriteStream } from 'node:fs';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Network timeouts of a download, in milliseconds. */
export interface DownloadTimeouts {
  /** To connect and receive the response headers. */
  connectMs: number;
  /** Without a single byte of the body arriving. */
  idleMs: number;
}

/**
 * The network failed (unreachable host, timeout, cut connection, HTTP error). Whatever was
 * downloaded is kept for the next attempt; the message says so.
 */
export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
  readonly code = 'model_download';
}

/**
 * The source answered with something that is not the archive (a web page, a file of the wrong
 * size). Nothing of it is kept.
 */
export class ModelSourceError extends Error {
  override readonly name = 'ModelSourceError';
  readonly code = 'model_source';
}

export interface DownloadRequest {
  /** Model name, for the messages. */
  model: string;
  url: string;
  partFile: string;
  /** The archive's size from the manifest, when it publishes one. */
  expectedBytes: number | null;
  timeouts: DownloadTimeouts;
  /** Advice for a source that does not serve the archive ("check CUECARD_MODEL_MIRROR …"). */
  sourceAdvice: string;
  signal?: AbortSignal;
  onBytes?: (receivedBytes: number, totalBytes: number | null) => void;
  onNotice?: (message: string) => void;
}

export interface DownloadOutcome {
  /** Bytes fetched by this call (less than the archive when it resumed). */
  fetchedBytes: number;
}

interface PartInfo {
  url: string;
  etag: string | null;
  lastModified: string | null;
}

const MAX_REDIRECTS = 10;
const BZIP2_MAGIC = Buffer.from('BZh');

/** "27 bytes", "950 KB", "511 MB", "1.20 GB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} KB`;
  if (bytes < 1e9) return `${Math.round(bytes / 1e6)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** "27 bytes" or "21 KB (21102 bytes)": exact, and readable when large. */
export function exactBytes(bytes: number): string {
  return bytes < 1000 ? formatBytes(bytes) : `${formatBytes(bytes)} (${bytes} bytes)`;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** The first `bytes` bytes of `file` (fewer when it is shorter). */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Why `head` (the first bytes of a file) cannot start a .tar.bz2 archive, or null. */
export function notBzip2Reason(head: Buffer): string | null {
  if (head.length >= 3 && head.subarray(0, 3).equals(BZIP2_MAGIC)) return null;
  const text = head.toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<')) return 'it is a web page (HTML), not a .tar.bz2 archive';
  if (text.startsWith('version https://git-lfs')) {
    return 'it is a Git LFS pointer file, not the archive it points to';
  }
  if (head.length === 0) return 'it is empty';
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it is not a bzip2 archive (it starts with bytes ${hex}, not "BZh")`;
}

/** "The partial download (…) is kept in FILE; …" or "Nothing was downloaded." */
function partialNote(request: DownloadRequest, bytes: number): string {
  if (bytes === 0) return 'Nothing was downloaded.';
  return (
    `The partial download (${formatBytes(bytes)}) is kept in ${request.partFile}; ` +
    `the next \`cuecard models pull ${request.model}\` from the same source resumes it.`
  );
}

function hostOf(url: URL, original: URL): string {
  return url.host === original.host ? url.host : `${url.host} (redirected from ${original.host})`;
}

async function readPartInfo(file: string): Promise<PartInfo | null> {
  try {
    const info = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Partial<PartInfo>;
    if (typeof info.url !== 'string') return null;
    return { url: info.url, etag: info.etag ?? null, lastModified: info.lastModified ?? null };
  } catch {
    return null;
  }
}

/** Removes a partial download and its sidecar. */
export async function discardPart(partFile: string): Promise<void> {
  await rm(partFile, { force: true });
  await rm(`${partFile}.json`, { force: true });
}

/**
 * Bytes kept from an earlier attempt that can be resumed from `request.url`: none, with the
 * reason, when they came from elsewhere, are too many, or do not start like the archive. Such
 * bytes stay on disk until the new download starts writing.
 */
async function resumableBytes(
  request: DownloadRequest,
): Promise<{ bytes: number; info: PartInfo | null; unusable: string | null }> {
  const bytes = await fileSize(request.partFile);
  if (bytes === 0) return { bytes: 0, info: null, unusable: null };
  const info = await readPartInfo(request.partFile);
  let reason: string | null = null;
  if (!info || info.url !== request.url)
    reason = `it came from ${info?.url ?? 'an unknown source'}`;
  else if (request.expectedBytes !== null && bytes > request.expectedBytes)
    reason = 'it is larger than the archive';
  else if (bytes >= 3) reason = notBzip2Reason(await readHead(request.partFile, 64));
  if (reason === null) return { bytes, info, unusable: null };
  return { bytes: 0, info: null, unusable: `the partial one ${reason}` };
}

class ConnectTimeout extends Error {}

interface OpenedResponse {
  request: ClientRequest;
  response: IncomingMessage;
  url: URL;
}

/** GETs `start`, following redirects; resolves once response headers arrived. */
async function openResponse(
  start: URL,
  headers: Record<string, string>,
  request: DownloadRequest,
): Promise<OpenedResponse> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const opened = await openOnce(url, headers, request);
    const { response } = opened;
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (status < 300 || status >= 400 || status === 304 || !location) return opened;
    response.resume();
    opened.request.destroy();
    if (hop >= MAX_REDIRECTS) {
      throw new ModelDownloadError(`${start.host} redirected more than ${MAX_REDIRECTS} times.`);
    }
    url = new URL(location, url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ModelDownloadError(`${start.host} redirected to an unsupported URL ${url.href}.`);
    }
  }
}

function openOnce(
  url: URL,
  headers: Record<string, string>,
  request: DownloadRequest,
): Promise<OpenedResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    // No keep-alive pool: the connection closes with the response and nothing lingers.
    const outgoing = client.get(url, { headers, signal: request.signal, agent: false });
    const timer = setTimeout(
      () => outgoing.destroy(new ConnectTimeout()),
      request.timeouts.connectMs,
    );
    outgoing.once('response', (response) => {
      clearTimeout(timer);
      // Errors after this point reach the response stream; keep the request from crashing us.
      outgoing.on('error', () => {});
      resolve({ request: outgoing, response, url });
    });
    outgoing.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function networkError(
  error: unknown,
  url: URL,
  request: DownloadRequest,
  keptBytes: number,
): Error {
  if (request.signal?.aborted) return request.signal.reason as Error;
  const original = new URL(request.url);
  if (error instanceof ConnectTimeout) {
    return new ModelDownloadError(
      `No answer from ${hostOf(url, original)} within ${seconds(request.timeouts.connectMs)}. ` +
        'Check the network, or set CUECARD_MODEL_MIRROR to a mirror you can reach ' +
        '(the limit is set with --connect-timeout or CUECARD_MODEL_CONNECT_TIMEOUT_S). ' +
        partialNote(request, keptBytes),
    );
  }
  if (error instanceof ModelDownloadError || error instanceof ModelSourceError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code ? `${code}: ${(error as Error).message}` : (error as Error).message;
  return new ModelDownloadError(
    `Cannot reach ${hostOf(url, original)} (${reason}). ` +
      'Check the network, or set CUECARD_MODEL_MIRROR to a mirror you can reach. ' +
      partialNote(request, keptBytes),
  );
}

function httpStatusError(
  response: IncomingMessage,
  url: URL,
  request: DownloadRequest,
  kept: number,
) {
  const status = response.statusCode ?? 0;
  const host = hostOf(url, new URL(request.url));
  const what = `${host} answered HTTP ${status} ${response.statusMessage ?? ''}`.trim();
  if (status === 404 || status === 410) {
    return new ModelSourceError(
      `${what} for ${url.href}: it has no such file. ${request.sourceAdvice}`,
    );
  }
  if (status === 401 || status === 403 || status === 407) {
    return new ModelSourceError(
      `${what} for ${url.href}: it wants a login or refuses the download. ${request.sourceAdvice}`,
    );
  }
  return new ModelDownloadError(
    `${what} for ${url.href}. Try again later. ${partialNote(request, kept)}`,
  );
}

/** `bytes START-END/TOTAL` → { start, total }. */
function parseContentRange(
  value: string | undefined,
): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value ?? '');
  if (!match) return null;
  return { start: Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) };
}

function strongEtag(value: string | undefined): string | null {
  return value && !value.startsWith('W/') ? value : null;
}

/**
 * Downloads `request.url` into `request.partFile`, resuming it when it holds bytes from the same
 * URL. Resolves when the part file holds the whole archive.
 */
export async function downloadToPart(request: DownloadRequest): Promise<DownloadOutcome> {
  return downloadAttempt(request, true);
}

async function downloadAttempt(
  request: DownloadRequest,
  mayRestart: boolean,
): Promise<DownloadOutcome> {
  const original = new URL(request.url);
  const { bytes: have, info, unusable } = await resumableBytes(request);
  const headers: Record<string, string> = {
    'user-agent': 'cuecard-model-manager',
    'accept-encoding': 'identity',
  };
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    const validator = info?.etag ?? info?.lastModified;
    if (validator) headers['if-range'] = validator;
  }

  let opened: OpenedResponse;
  try {
    opened = await openResponse(original, headers, request);
  } catch (error) {
    throw networkError(error, original, request, have);
  }
  const { response, url } = opened;
  const status = response.statusCode ?? 0;
  const host = hostOf(url, original);
  const restart = async (why: string) => {
    response.resume();
    opened.request.destroy();
    await discardPart(request.partFile);
    if (!mayRestart) throw new ModelDownloadError(`${host}: ${why}. ${partialNote(request, 0)}`);
    request.onNotice?.(`Starting the download of ${request.model} over: ${why}.`);
    return downloadAttempt(request, false);
  };

  if (status === 416 && have > 0) {
    const total = Number(
      /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1] ?? Number.NaN,
    );
    response.resume();
    opened.request.destroy();
    if (total === have) return { fetchedBytes: 0 };
    return restart(`the server cannot resume at byte ${have}`);
  }
  const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
  if (status >= 200 && status < 300 && contentType.startsWith('text/html')) {
    response.resume();
    opened.request.destroy();
    throw new ModelSourceError(
      `${host} returned a web page (${contentType.split(';')[0]}), not the archive, for ` +
        `${url.href}: often a login, proxy or "file not found" page. Open the address in a browser ` +
        `to see it. ${request.sourceAdvice} ${partialNote(request, have)}`,
    );
  }
  if (status < 200 || status >= 300) {
    response.resume();
    opened.request.destroy();
    throw httpStatusError(response, url, request, have);
  }

  let start = 0;
  let total: number | null = null;
  const length = Number(response.headers['content-length'] ?? Number.NaN);
  if (status === 206) {
    const range = parseContentRange(response.headers['content-range']);
    if (!range || range.start !== have) return restart('the server sent another part of the file');
    start = have;
    total = range.total;
  } else {
    if (have > 0) request.onNotice?.(`${host} sends ${request.model} from the start again.`);
    total = Number.isFinite(length) ? length : null;
  }
  if (unusable) request.onNotice?.(`Starting the download of ${request.model} over: ${unusable}.`);
  if (total !== null && request.expectedBytes !== null && total !== request.expectedBytes) {
    response.resume();
    opened.request.destroy();
    await discardPart(request.partFile);
    throw new ModelSourceError(
      `${host} offers ${fileNameOf(url)} with ${exactBytes(total)}, but the ` +
        `release archive has ${request.expectedBytes} bytes: it is a different file. ` +
        request.sourceAdvice,
    );
  }

  const partInfo: PartInfo = {
    url: request.url,
    etag: strongEtag(response.headers.etag),
    lastModified: response.headers['last-modified'] ?? null,
  };
  await writeFile(`${request.partFile}.json`, `${JSON.stringify(partInfo)}\n`);

  const limit = total ?? request.expectedBytes;
  let received = start;
  let stalled = false;
  let tooLong = false;
  const watchdog = bodyWatchdog(request.timeouts.idleMs, {
    onIdle: () => {
      stalled = true;
      opened.request.destroy();
    },
    onChunk: (size) => {
      received += size;
      if (limit !== null && received > limit) {
        tooLong = true;
        opened.request.destroy();
        return;
      }
      request.onBytes?.(received, limit);
    },
  });
  const output = createWriteStream(request.partFile, { flags: start > 0 ? 'a' : 'w' });
  try {
    await pipeline(response, watchdog, output, { signal: request.signal });
  } catch (error) {
    const kept = await fileSize(request.partFile);
    if (request.signal?.aborted) {
      throw new ModelDownloadError(
        `The download of ${request.model} was stopped. ${partialNote(request, kept)}`,
      );
    }
    if (tooLong) {
      await discardPart(request.partFile);
      throw new ModelSourceError(
        `${host} sent more than the ${limit} bytes of the archive: it is a different file. ` +
          request.sourceAdvice,
      );
    }
    if (stalled) {
      throw new ModelDownloadError(
        `${host} stopped sending: no data for ${seconds(request.timeouts.idleMs)} after ` +
          `${formatBytes(received)}${limit ? ` of ${formatBytes(limit)}` : ''} ` +
          '(the limit is set with --idle-timeout or CUECARD_MODEL_IDLE_TIMEOUT_S). ' +
          partialNote(request, kept),
      );
    }
    const errno = error as NodeJS.ErrnoException;
    if (errno.syscall && errno.code !== 'ECONNRESET' && errno.code !== 'EPIPE') {
      throw new ModelDownloadError(
        `Cannot write ${request.partFile} (${errno.code}: ${errno.message}). Free disk space or ` +
          `fix the folder's permissions. ${partialNote(request, kept)}`,
      );
    }
    throw new ModelDownloadError(
      `The connection to ${host} broke after ${formatBytes(received)} (${errno.message}). ` +
        partialNote(request, kept),
    );
  } finally {
    opened.request.destroy();
  }

  if (limit !== null && received < limit) {
    throw new ModelDownloadError(
      `${host} closed the connection after ${formatBytes(received)} of ${formatBytes(limit)}. ` +
        partialNote(request, await fileSize(request.partFile)),
    );
  }
  return { fetchedBytes: received - start };
}

function fileNameOf(url: URL): string {
  return url.pathname.split('/').pop() || url.href;
}

/**
 * Passes the body through, counting it, and calls `onIdle` when no chunk arrived for `idleMs`.
 * Its timer is cleared when the stream ends or is destroyed.
 */
function bodyWatchdog(
  idleMs: number,
  handlers: { onIdle: () => void; onChunk: (size: number) => void },
): Transform {
  const timer = setTimeout(handlers.onIdle, idleMs);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      timer.refresh();
      handlers.onChunk(chunk.length);
      callback(null, chunk);
    },
    flush(callback) {
      clearTimeout(timer);
      callback();
    },
    destroy(error, callback) {
      clearTimeout(timer);
      callback(error);
    },
  });
}
