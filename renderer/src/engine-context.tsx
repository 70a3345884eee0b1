/**
 * React access to the engine (either transport) and the hooks the views share.
 */
import { createContext, type ReactNode, useContext, useEffect, useReducer, useState } from 'react';
import type { EngineApi } from '../../main/contract/api';
import type { CallEvent } from '../../main/contract/events';
import {
  applyCallEvent,
  type CallState,
  initialCallState,
  replayCallEvents,
} from './state/call-state';
import type { ConnectionState, Transport } from './transport';

const EngineContext = createContext<EngineApi | null>(null);
const ConnectionContext = createContext<ConnectionState>('open');

export function EngineProvider(props: { engine: EngineApi | Transport; children: ReactNode }) {
  const [connection, setConnection] = useState<ConnectionState>('open');
  useEffect(() => {
    const transport = props.engine as Partial<Transport>;
    return transport.onConnection?.(setConnection);
  }, [props.engine]);
  return (
    <EngineContext.Provider value={props.engine}>
      <ConnectionContext.Provider value={connection}>{props.children}</ConnectionContext.Provider>
    </EngineContext.Provider>
  );
}

export function useEngine(): EngineApi {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine: no EngineProvider above this component');
  return engine;
}

export function useConnection(): ConnectionState {
  return useContext(ConnectionContext);
}

type CallAction =
  | { type: 'event'; event: CallEvent; nowWallMs: number }
  | { type: 'reset'; state: CallState }
  | { type: 'local'; update: (state: CallState) => CallState };

function callReducer(state: CallState, action: CallAction): CallState {
  switch (action.type) {
    case 'event':
      return applyCallEvent(state, action.event, action.nowWallMs);
    case 'reset':
      return action.state;
    case 'local':
      return action.update(state);
  }
}

/**
 * The current call, kept up to date from push messages. Catches up with `call.snapshot` on
 * mount and whenever the push connection reopens.
 */
export function useCallState(): [CallState, (update: (state: CallState) => CallState) => void] {
  const engine = useEngine();
  const reconnected = useConnection() === 'open';
  const [state, dispatch] = useReducer(callReducer, initialCallState);

  // Catching up again after a reconnect is the point of the `reconnected` dependency.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    let cancelled = false;
    const pending: CallEvent[] = [];
    let caughtUp = false;
    const unsubscribe = engine.subscribe((message) => {
      if (message.kind !== 'event') return;
      if (!caughtUp) pending.push(message.event);
      else dispatch({ type: 'event', event: message.event, nowWallMs: Date.now() });
    });
    void engine.invoke('call.snapshot', {}).then((result) => {
      if (cancelled) return;
      const events = result.ok ? result.value.events : [];
      const seen = new Set(events.map((e) => JSON.stringify(e)));
      const fresh = pending.filter((e) => !seen.has(JSON.stringify(e)));
      dispatch({ type: 'reset', state: replayCallEvents([...events, ...fresh]) });
      caughtUp = true;
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [engine, reconnected]);

  return [state, (update) => dispatch({ type: 'local', update })];
}

/** The wall clock, refreshed every `intervalMs` milliseconds. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
