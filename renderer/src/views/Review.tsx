/**
 * After the call: the list of calls with search across transcripts, and a call page with its
 * summary, next steps, follow-up e-mail, and the timeline of what was said and shown.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallDetail, CallListItem } from '../../../main/contract/api';
import type {
  CallEvent,
  CueEvent,
  FeedbackEvent,
  IntentEvent,
} from '../../../main/contract/events';
import { formatClock } from '../components/CueCard';
import { useEngine } from '../engine-context';

export function CallList() {
  const { t } = useTranslation();
  const engine = useEngine();
  const [query, setQuery] = useState('');
  const [calls, setCalls] = useState<CallListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      const trimmed = query.trim();
      const result = await engine.invoke('calls.list', trimmed ? { query: trimmed } : {});
      if (cancelled) return;
      setCalls(result.ok ? result.value : []);
      setError(result.ok ? null : result.error.message);
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [engine, query]);

  return (
    <div className="page review" data-testid="review">
      <h1>{t('review.title')}</h1>
      <input
        type="search"
        className="search"
        placeholder={t('review.search')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        data-testid="review-search"
      />
      {error && <p className="error">{error}</p>}
      {calls?.length === 0 && (
        <p className="muted">
          {query.trim() ? t('review.noMatch', { query: query.trim() }) : t('review.empty')}
        </p>
      )}
      <ul className="call-list">
        {calls?.map((call) => (
          <li key={call.id}>
            <a
              href={`#/review/${encodeURIComponent(call.id)}`}
              className="call-row"
              data-testid="call-row"
              data-call-id={call.id}
            >
              <span className="call-title">{call.title}</span>
              <span className="call-meta">
                {new Date(call.startedAt).toLocaleString()} · {formatDuration(call.durationS, t)} ·{' '}
                <span data-testid="call-status" data-status={call.status}>
                  {t(`review.status.${call.status}`)}
                </span>
                {call.competitors.length > 0 && ` · ${call.competitors.join(', ')}`}
              </span>
              {call.snippet && (
                <span className="snippet" data-testid="call-snippet">
                  “{call.snippet}”
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function formatDuration(
  seconds: number,
  t: (key: string, options?: Record<string, unknown>) => string,
) {
  const whole = Math.round(seconds);
  return t('review.duration', { minutes: Math.floor(whole / 60), seconds: whole % 60 });
}

export function CallPage({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const engine = useEngine();
  const [call, setCall] = useState<CallDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void engine.invoke('calls.get', { callId }).then((result) => {
      if (cancelled) return;
      setCall(result.ok ? result.value : null);
      setError(result.ok ? null : result.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [engine, callId]);

  const timeline = useMemo(() => buildTimeline(call?.events ?? []), [call]);

  if (error) {
    return (
      <div className="page call-page">
        <a href="#/review">← {t('review.back')}</a>
        <p className="error" data-testid="call-error">
          {t('review.notFound')} {error}
        </p>
      </div>
    );
  }
  if (!call) return <div className="page call-page muted">…</div>;
  const summary = call.summary;
  const copyEmail = async () => {
    if (!summary) return;
    const text = `${summary.followUpEmail.subject}\n\n${summary.followUpEmail.body}`;
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch (copyError) {
      setError((copyError as Error).message);
    }
  };

  return (
    <div className="page call-page" data-testid="call-page" data-call-id={call.id}>
      <a href="#/review" className="back">
        ← {t('review.back')}
      </a>
      <h1>{call.title}</h1>
      <p className="muted">
        {new Date(call.startedAt).toLocaleString()} · {formatDuration(call.durationS, t)} ·{' '}
        <span data-testid="call-status" data-status={call.status}>
          {t(`review.status.${call.status}`)}
        </span>
      </p>
      <div className="call-columns">
        <section className="summary" data-testid="call-summary">
          <h2>{t('review.summary')}</h2>
          {!summary && <p className="muted">{t('review.noSummary')}</p>}
          {summary && (
            <>
              <dl>
                <dt>{t('review.competitors')}</dt>
                <dd>{summary.competitors.join(', ') || '—'}</dd>
                <dt>{t('review.objections')}</dt>
                <dd>
                  {summary.objections
                    .map((o) => t(`intent.${o}`, { defaultValue: o }))
                    .join(', ') || '—'}
                </dd>
                <dt>{t('review.stakeholders')}</dt>
                <dd>{summary.stakeholders.join(', ') || '—'}</dd>
              </dl>
              <p className="muted">
                {t(summary.talkRatio.unknown ? 'review.talkRatioUnknown' : 'review.talkRatio', {
                  rep: Math.round(summary.talkRatio.rep * 100),
                  customer: Math.round(summary.talkRatio.customer * 100),
                  unknown: Math.round((summary.talkRatio.unknown ?? 0) * 100),
                })}
              </p>
              <h3>{t('review.nextSteps')}</h3>
              <ul data-testid="next-steps">
                {summary.nextSteps.map((step) => (
                  <li key={`${step.utteranceId}-${step.text}`}>
                    {step.text}
                    {step.when && <span className="when"> — {step.when}</span>}
                  </li>
                ))}
              </ul>
              <h3>{t('review.email')}</h3>
              <div className="email" data-testid="follow-up-email">
                <p className="email-subject">{summary.followUpEmail.subject}</p>
                <pre className="email-body">{summary.followUpEmail.body}</pre>
                <button type="button" onClick={copyEmail} data-testid="copy-email">
                  {copied ? t('review.copied') : t('review.copy')}
                </button>
              </div>
            </>
          )}
        </section>
        <section className="timeline" data-testid="timeline">
          <h2>{t('review.timeline')}</h2>
          {timeline.map((item) => (
            <TimelineRow key={item.key} item={item} />
          ))}
        </section>
      </div>
    </div>
  );
}

type TimelineItem =
  | {
      key: string;
      t: number;
      kind: 'utterance';
      event: Extract<CallEvent, { type: 'utterance' }>;
      intents: IntentEvent[];
    }
  | { key: string; t: number; kind: 'cue'; event: CueEvent; feedback: FeedbackEvent[] }
  | { key: string; t: number; kind: 'alert'; text: string }
  | { key: string; t: number; kind: 'escalation'; state: string; note: string };

/** Orders a stored call's events into timeline rows: utterances with their intents, cues with their feedback. */
export function buildTimeline(events: readonly CallEvent[]): TimelineItem[] {
  const intents = new Map<string, IntentEvent[]>();
  const feedback = new Map<string, FeedbackEvent[]>();
  for (const event of events) {
    if (event.type === 'intent')
      intents.set(event.utteranceId, [...(intents.get(event.utteranceId) ?? []), event]);
    if (event.type === 'feedback')
      feedback.set(event.cueId, [...(feedback.get(event.cueId) ?? []), event]);
  }
  const items: TimelineItem[] = [];
  for (const event of events) {
    if (event.type === 'utterance') {
      items.push({
        key: `u-${event.id}`,
        t: event.start,
        kind: 'utterance',
        event,
        intents: intents.get(event.id) ?? [],
      });
    } else if (event.type === 'cue') {
      // A confirmed tentative cue is the same cue: keep its row where it was first shown.
      if (items.some((item) => item.key === `c-${event.id}`)) continue;
      items.push({
        key: `c-${event.id}`,
        t: event.t,
        kind: 'cue',
        event,
        feedback: feedback.get(event.id) ?? [],
      });
    } else if (event.type === 'manager_alert') {
      items.push({ key: `a-${event.id}`, t: event.t, kind: 'alert', text: event.message });
    } else if (event.type === 'escalation') {
      items.push({
        key: `e-${event.id}-${event.state}`,
        t: event.t,
        kind: 'escalation',
        state: event.state,
        note: event.note,
      });
    }
  }
  return items.sort((a, b) => a.t - b.t);
}

function TimelineRow({ item }: { item: TimelineItem }) {
  const { t } = useTranslation();
  switch (item.kind) {
    case 'utterance':
      return (
        <div
          className={`tl-row tl-utterance ${item.event.speaker}`}
          data-testid="timeline-utterance"
        >
          <span className="tl-time">{formatClock(item.t)}</span>
          <span className="who">{item.event.name ?? t(`transcript.${item.event.speaker}`)}</span>
          <span className="what">{item.event.text}</span>
          {item.intents.map((intent) => (
            <span className="chip intent" key={intent.label} data-testid="timeline-intent">
              {t(`intent.${intent.label}`, { defaultValue: intent.label })}
            </span>
          ))}
        </div>
      );
    case 'cue': {
      const last = item.feedback
        .filter((f) => f.action === 'helpful' || f.action === 'not_helpful')
        .at(-1);
      return (
        <div
          className={`tl-row tl-cue ${item.event.kind}`}
          data-testid="timeline-cue"
          data-kind={item.event.kind}
        >
          <span className="tl-time">{formatClock(item.t)}</span>
          <span className="chip cue">
            {item.event.kind === 'battlecard' ? t('cue.battlecard') : t('cue.talkTrack')}
          </span>
          <span className="what">{item.event.title}</span>
          {last && (
            <span className={`chip feedback ${last.action}`} data-testid="timeline-feedback">
              {last.action === 'helpful' ? `✓ ${t('cue.helpful')}` : `✗ ${t('cue.notHelpful')}`}
            </span>
          )}
        </div>
      );
    }
    case 'alert':
      return (
        <div className="tl-row tl-alert" data-testid="timeline-alert">
          <span className="tl-time">{formatClock(item.t)}</span>
          <span className="chip alert">{t('alert.managerNotified')}</span>
          <span className="what">{item.text}</span>
        </div>
      );
    case 'escalation':
      return (
        <div className="tl-row tl-escalation" data-testid="timeline-escalation">
          <span className="tl-time">{formatClock(item.t)}</span>
          <span className="chip escalation">
            {t('review.escalation', {
              state: t(`escalate.${item.state}`, { defaultValue: item.state }),
            })}
          </span>
          {item.note && <span className="what">{item.note}</span>}
        </div>
      );
  }
}
