/**
 * The browser transport: a localhost HTTP + WebSocket server that serves the built renderer and
 * exposes the same `EngineApi` as the Electron bridge.
 *
 * - `POST /api/<command>` with a JSON body -> `Result` JSON.
 * - `GET /ws?token=...` upgrades to a WebSocket that pushes one `PushMessage` per text frame.
 * - Everything else is a static file of the renderer build.
 *
 * Every request needs the per-session token (query `token`, `Authorization: Bearer`, or the
 * cookie the first authorised page load sets); without it the answer is 401.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { type EngineApi, parseCommand, type Result } from '../contract/api';
import { createLogger } from '../engine/log';
import { SECURITY_HEADERS } from './csp';

const log = createLogger('ui-server');

/** Largest accepted request body, in bytes. */
const MAX_BODY_BYTES = 1_000_000;
const TOKEN_COOKIE = 'cuecard_token';
const HOST = '127.0.0.1';

export interface UiServerOptions {
  engine: EngineApi;
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Folder of the built renderer (`index.html` and `assets/`). */
  staticDir: string;
  /** Session token; a random 32-byte hex string when absent. */
  token?: string;
}

export interface UiServer {
  /** Page address including the token, e.g. `http://127.0.0.1:5123/?token=...`. */
  url: string;
  /** Address without the token, e.g. `http://127.0.0.1:5123`. */
  origin: string;
  token: string;
  port: number;
  /** Closes sockets, subscriptions and the listener; resolves once everything is released. */
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1. Rejects when the port cannot be bound. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  if (!existsSync(options.staticDir)) {
    log.warn({ staticDir: options.staticDir }, 'startUiServer: renderer build not found');
  }
  const serveStatic = sirv(options.staticDir, {
    dev: false,
    etag: true,
    single: true,
    setHeaders: (res) => applySecurityHeaders(res),
  });
  const sockets = new Set<Socket>();
  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let port = 0;

  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    applySecurityHeaders(res);
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendJson(res, 421, failure('bad_host', 'unexpected Host header'));
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const presented = presentedToken(req, url);
    if (!presented || !tokensEqual(presented, token)) {
      return sendJson(res, 401, failure('unauthorized', 'missing or wrong session token'));
    }
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (url.pathname.startsWith('/api/')) {
      void handleApi(
        req,
        res,
        url.pathname.slice('/api/'.length),
        options.engine,
        allowedOrigins(),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, failure('method_not_allowed', `${req.method} ${url.pathname}`));
    }
    serveStatic(req, res, () => sendJson(res, 404, failure('not_found', url.pathname)));
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const origin = req.headers.origin;
    const presented = presentedToken(req, url);
    const refused =
      url.pathname !== '/ws'
        ? '404 Not Found'
        : !allowedHosts().has(req.headers.host ?? '') ||
            (origin !== undefined && !allowedOrigins().has(origin))
          ? '403 Forbidden'
          : !presented || !tokensEqual(presented, token)
            ? '401 Unauthorized'
            : null;
    if (refused) {
      socket.end(`HTTP/1.1 ${refused}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      const unsubscribe = options.engine.subscribe((message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      });
      ws.on('close', () => {
        unsubscribe();
        clients.delete(ws);
      });
      ws.on('error', (error) => log.warn({ err: error.message }, 'ws: client error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  log.info({ port }, 'startUiServer: listening');

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      log.info({ port }, 'close: server stopped');
    })();
    return closing;
  };

  return { url: `${origin}/?token=${token}`, origin, token, port, close };
}

async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  command: string,
  engine: EngineApi,
  allowedOrigins: Set<string>,
): Promise<void> {
  if (req.method !== 'POST') {
    return sendJson(res, 405, failure('method_not_allowed', `use POST for /api/${command}`));
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins.has(origin)) {
    return sendJson(res, 403, failure('bad_origin', `requests from ${origin} are refused`));
  }
  const body = await readBody(req);
  if (!body.ok) return sendJson(res, body.error.code === 'too_large' ? 413 : 400, body);
  const parsed = parseCommand(command, body.value);
  if (!parsed.ok) {
    return sendJson(res, parsed.error.code === 'unknown_command' ? 404 : 400, parsed);
  }
  try {
    const result = await engine.invoke(parsed.value.command, parsed.value.args as never);
    sendJson(res, 200, result);
  } catch (error) {
    // EngineApi promises never to throw; this guards the socket if one does anyway.
    log.error({ command, err: (error as Error).message }, 'handleApi: engine threw');
    sendJson(res, 500, failure('engine_error', `${command}: ${(error as Error).message}`));
  }
}

function readBody(req: IncomingMessage): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES && !done) {
        done = true;
        resolve(failure('too_large', `request body over ${MAX_BODY_BYTES} bytes`));
        req.resume();
      } else if (!done) {
        chunks.push(chunk);
      }
    });
    req.on('error', (error) => {
      if (!done) resolve(failure('bad_request', error.message));
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({ ok: true, value: {} });
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch (error) {
        resolve(failure('bad_json', `request body: ${(error as Error).message}`));
      }
    });
  });
}

function presentedToken(req: IncomingMessage, url: URL): string | null {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return value.join('=');
  }
  return null;
}

function tokensEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
}

function failure(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
