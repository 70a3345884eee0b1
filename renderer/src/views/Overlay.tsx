/**
 * The overlay a rep reads in glances during a call: status and timer, the Start/Stop button,
 * level meters, the newest cue large, older cues collapsed, alerts, and the live transcript at
 * the bottom. Live calls and replays look the same.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CueCard, formatClock } from '../components/CueCard';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { LevelMeter } from '../components/LevelMeter';
import { Transcript } from '../components/Transcript';
import { useCallState, useConnection, useEngine, useNow } from '../engine-context';
import {
  applyLocalFeedback,
  type CallState,
  callSeconds,
  channelHealth,
  visibleCues,
} from '../state/call-state';

export function Overlay() {
  const { t } = useTranslation();
  const [state, update] = useCallState();
  const connection = useConnection();
  const now = useNow(500);
  const cues = visibleCues(state);
  const [expanded, setExpanded] = useState<string | null>(null);
  const openId = expanded && cues.some((v) => v.cue.id === expanded) ? expanded : cues[0]?.cue.id;
  const [startError, setStartError] = useState<string | null>(null);

  return (
    <div className="overlay" data-testid="overlay" data-call-status={state.status}>
      <header className="overlay-bar">
        <span className={`status-dot ${state.status}`} />
        <span className="status-label" data-testid="call-status">
          {t(`status.${state.status}`)}
        </span>
        <span className="call-timer" data-testid="call-timer">
          {formatClock(callSeconds(state, now))}
        </span>
        <span className="spacer" />
        <CallButton state={state} onStartError={setStartError} />
        <EscalateButton state={state} />
        <LanguageSwitch />
      </header>
      {connection !== 'open' && (
        <div className="banner warn" role="status" data-testid="connection-banner">
          {t(connection === 'connecting' ? 'status.connecting' : 'status.disconnected')}
        </div>
      )}
      {startError && state.status !== 'live' && (
        <div className="banner error" role="alert" data-testid="start-error">
          <strong>{t('call.cannotStart')}</strong> · {startError}
          <button
            type="button"
            className="linklike dismiss-banner"
            aria-label={t('cue.dismiss')}
            onClick={() => setStartError(null)}
          >
            ×
          </button>
        </div>
      )}
      <div className="levels">
        <LevelMeter channel="rep" health={channelHealth(state, 'rep', now)} />
        <LevelMeter channel="customer" health={channelHealth(state, 'customer', now)} />
      </div>
      {state.alerts.length > 0 && (
        <div className="banner alert" data-testid="manager-alert">
          <strong>{t('alert.managerNotified')}</strong> · {state.alerts.at(-1)?.message}
        </div>
      )}
      {state.problems.map((problem) => (
        <div
          className={`banner ${problem.fatal ? 'error' : 'warn'}`}
          key={`${problem.code}-${problem.t}`}
          role="alert"
          data-testid="problem"
        >
          {problem.message}
        </div>
      ))}
      <main className="cue-deck" data-testid="cue-deck">
        {cues.length === 0 && <p className="muted empty-cues">{t('cue.empty')}</p>}
        {cues.map((view) => (
          <CueCard
            key={view.cue.id}
            view={view}
            collapsed={view.cue.id !== openId && !view.pinned}
            onExpand={() => setExpanded(view.cue.id)}
            managerNotified={state.alerts.some((alert) => alert.cueId === view.cue.id)}
            onLocalAction={(action) => update((s) => applyLocalFeedback(s, view.cue.id, action))}
          />
        ))}
      </main>
      <section className="overlay-transcript">
        <Transcript lines={state.lines} maxLines={6} />
      </section>
    </div>
  );
}

/**
 * Starts a live call from the devices chosen in Settings when none runs, and stops the running
 * one. A refusal (no device, no model, …) goes to `onStartError` as the engine words it.
 */
function CallButton(props: { state: CallState; onStartError: (message: string | null) => void }) {
  const { t } = useTranslation();
  const engine = useEngine();
  const [pending, setPending] = useState<'starting' | 'stopping' | null>(null);
  const live = props.state.status === 'live';
  const onClick = async () => {
    if (live) {
      setPending('stopping');
      const result = await engine.invoke('call.stop', {});
      setPending(null);
      if (!result.ok) props.onStartError(result.error.message);
      return;
    }
    setPending('starting');
    props.onStartError(null);
    const result = await engine.invoke('call.startLive', {});
    setPending(null);
    if (!result.ok) props.onStartError(result.error.message);
  };
  return (
    <button
      type="button"
      className={`call-button ${live ? 'stop' : 'start'}`}
      disabled={pending !== null}
      onClick={onClick}
      data-testid="call-button"
      data-action={live ? 'stop' : 'start'}
    >
      {pending ? t(`call.${pending}`) : t(live ? 'call.stop' : 'call.start')}
    </button>
  );
}

type EscalateUi = 'idle' | 'sending' | 'requested' | 'failed';

function EscalateButton({ state }: { state: CallState }) {
  const { t } = useTranslation();
  const engine = useEngine();
  const [ui, setUi] = useState<EscalateUi>('idle');
  const [error, setError] = useState<string | null>(null);
  const escalation = state.escalation?.state;
  // A new call starts with a fresh button.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the call id is the trigger
  useEffect(() => {
    setUi('idle');
    setError(null);
  }, [state.callId]);
  const shown = ui === 'sending' || ui === 'failed' ? ui : (escalation ?? ui);
  const label = shown === 'idle' ? t('escalate.button') : t(`escalate.${shown}`);
  const onClick = async () => {
    setUi('sending');
    const result = await engine.invoke('call.escalate', { note: '' });
    setUi(result.ok ? 'requested' : 'failed');
    setError(result.ok ? null : result.error.message);
  };
  return (
    <button
      type="button"
      className={`escalate ${shown}`}
      disabled={state.status !== 'live' || ui === 'sending'}
      onClick={onClick}
      title={error ?? undefined}
      data-testid="escalate"
      data-state={shown}
    >
      {label}
    </button>
  );
}
