/**
 * How the renderer reaches the engine: the preload bridge (`window.cuecard`) inside Electron,
 * otherwise HTTP + WebSocket to the local UI server with the token from the page address.
 */
import type {
  CommandName,
  CuecardBridge,
  EngineApi,
  PushMessage,
  Result,
} from '../../main/contract/api';

declare global {
  interface Window {
    cuecard?: CuecardBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport extends EngineApi {
  readonly kind: 'bridge' | 'http';
  /** Calls `listener` with the push connection's state now and on each change. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  dispose(): void;
}

/** Wraps the preload bridge; its connection is always open. */
export function bridgeTransport(bridge: CuecardBridge): Transport {
  return {
    kind: 'bridge',
    invoke: (command, args) => bridge.invoke(command, args),
    subscribe: (listener) => bridge.subscribe(listener),
    onConnection(listener) {
      listener('open');
      return () => {};
    },
    dispose() {},
  };
}

export interface HttpTransportOptions {
  /** Page origin, e.g. `http://127.0.0.1:5123`. */
  origin: string;
  token: string;
  fetchImpl?: typeof fetch;
  WebSocketImpl?: typeof WebSocket;
  /** Longest wait between reconnection attempts, in milliseconds. */
  maxRetryMs?: number;
}

/**
 * HTTP for commands (`POST /api/<command>`), one WebSocket for push messages that reconnects
 * with growing delays (0.5 s doubling up to `maxRetryMs`) until `dispose()`.
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  const fetchImpl = options.fetchImpl ?? fetch.bind(globalThis);
  const WebSocketImpl = options.WebSocketImpl ?? WebSocket;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  const listeners = new Set<(message: PushMessage) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of [...connectionListeners]) listener(next);
  };

  const connect = () => {
    if (disposed) return;
    const wsUrl = `${options.origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(options.token)}`;
    const ws = new WebSocketImpl(wsUrl);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      setState('open');
    };
    ws.onmessage = (event: MessageEvent) => {
      let message: PushMessage;
      try {
        message = JSON.parse(String(event.data)) as PushMessage;
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(message);
    };
    // A failed connection also closes; the close handler retries.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (disposed) return;
      setState('closed');
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  };
  connect();

  return {
    kind: 'http',
    async invoke(command: CommandName, args: unknown): Promise<Result<never>> {
      try {
        const response = await fetchImpl(`${options.origin}/api/${command}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
          body: JSON.stringify(args ?? {}),
        });
        return (await response.json()) as Result<never>;
      } catch (error) {
        return {
          ok: false,
          error: { code: 'network', message: `${command}: ${(error as Error).message}` },
        };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      listeners.clear();
      connectionListeners.clear();
    },
  };
}

/**
 * The transport for this page: the bridge when the preload script exposed one, else HTTP with
 * `?token=` from the address. Returns null when neither is available (opened without a token).
 */
export function pickTransport(win: Pick<Window, 'cuecard' | 'location'>): Transport | null {
  if (win.cuecard) return bridgeTransport(win.cuecard);
  const token = new URLSearchParams(win.location.search).get('token');
  if (!token || !win.location.origin.startsWith('http')) return null;
  return httpTransport({ origin: win.location.origin, token });
}
