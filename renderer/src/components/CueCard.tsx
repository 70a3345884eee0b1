/**
 * Cue cards: a battlecard (their claims against our facts, questions to ask) or a talk-track
 * (one phrasing at a time, large, with its evidence). Each card can be pinned, dismissed and
 * rated; ratings and actions go to the engine as `cue.feedback`.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BattlecardContent, CueEvent, TalkTrackContent } from '../../../main/contract/events';
import { useEngine } from '../engine-context';
import type { CueView } from '../state/call-state';

export type CueAction = 'helpful' | 'not_helpful' | 'pinned' | 'dismissed';

export interface CueCardProps {
  view: CueView;
  /** Collapsed cards show only their header; a click expands them. */
  collapsed?: boolean;
  onExpand?: () => void;
  /** True when the rule that showed this cue also notified the manager. */
  managerNotified?: boolean;
  /** Applied at once in the UI, before the engine confirms. */
  onLocalAction?: (action: CueAction) => void;
}

export function CueCard(props: CueCardProps) {
  const { view, collapsed = false, onExpand, onLocalAction, managerNotified = false } = props;
  const { t } = useTranslation();
  const { cue } = view;
  const kindLabel = cue.kind === 'battlecard' ? t('cue.battlecard') : t('cue.talkTrack');
  return (
    <article
      className={`cue-card cue-${cue.kind}${view.pinned ? ' pinned' : ''}${collapsed ? ' collapsed' : ''}`}
      data-testid="cue-card"
      data-cue-id={cue.id}
      data-kind={cue.kind}
      data-intent={cue.intent ?? ''}
      data-competitor={cue.competitor ?? ''}
      data-rule={cue.rule}
      data-manager-notified={managerNotified ? 'true' : 'false'}
    >
      <header className="cue-header">
        <span className="cue-kind">{kindLabel}</span>
        {collapsed ? (
          <button
            type="button"
            className="cue-title linklike"
            onClick={onExpand}
            data-testid="cue-expand"
          >
            {cue.title}
          </button>
        ) : (
          <h2 className="cue-title">{cue.title}</h2>
        )}
        {managerNotified && <span className="chip alert">{t('alert.managerNotified')}</span>}
        <span className="cue-time">{formatClock(cue.t)}</span>
      </header>
      {!collapsed && cue.kind === 'battlecard' && cue.battlecard && (
        <BattlecardBody content={cue.battlecard} />
      )}
      {!collapsed && cue.kind === 'talk_track' && cue.talkTrack && (
        <TalkTrackBody content={cue.talkTrack} cueId={cue.id} />
      )}
      {!collapsed && <CueActions cue={cue} view={view} onLocalAction={onLocalAction} />}
    </article>
  );
}

export function BattlecardBody({ content }: { content: BattlecardContent }) {
  const { t } = useTranslation();
  const rows = Math.max(content.theirClaims.length, content.ourFacts.length);
  return (
    <div className="battlecard" data-testid="battlecard">
      <div className="claims-grid">
        <div className="claims-head them">{t('cue.theirClaims')}</div>
        <div className="claims-head us">{t('cue.ourFacts')}</div>
        {Array.from({ length: rows }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows pair claims and facts by position
          <div className="claims-row" key={`row-${i}`}>
            <div className="claim them" data-testid="their-claim">
              {content.theirClaims[i] ?? ''}
            </div>
            <div className="claim us" data-testid="our-fact">
              {content.ourFacts[i] ?? ''}
            </div>
          </div>
        ))}
      </div>
      {content.landmines.length > 0 && (
        <section className="landmines">
          <h3>{t('cue.landmines')}</h3>
          <ul>
            {content.landmines.map((question) => (
              <li key={question} data-testid="landmine">
                {question}
              </li>
            ))}
          </ul>
        </section>
      )}
      {content.avoid.length > 0 && (
        <p className="avoid">
          <strong>{t('cue.avoid')}:</strong> {content.avoid.join(' · ')}
        </p>
      )}
    </div>
  );
}

export function TalkTrackBody({ content, cueId }: { content: TalkTrackContent; cueId: string }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const count = content.phrasings.length;
  if (count === 0) return null;
  const step = (delta: number) => setIndex((i) => (i + delta + count) % count);
  return (
    <div className="talk-track" data-testid="talk-track">
      <p className="phrasing" data-testid="phrasing" lang="" key={`${cueId}-${index}`}>
        {content.phrasings[index]}
      </p>
      {count > 1 && (
        <div className="phrasing-nav">
          <button
            type="button"
            onClick={() => step(-1)}
            aria-label={t('cue.previous')}
            data-testid="phrasing-prev"
          >
            ‹
          </button>
          <span data-testid="phrasing-index">
            {t('cue.phrasingOf', { index: index + 1, count })}
          </span>
          <button
            type="button"
            onClick={() => step(1)}
            aria-label={t('cue.next')}
            data-testid="phrasing-next"
          >
            ›
          </button>
        </div>
      )}
      {content.evidence.length > 0 && (
        <ul className="evidence" aria-label={t('cue.evidence')}>
          {content.evidence.map((item) => (
            <li key={item} data-testid="evidence">
              {item}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CueActions(props: {
  cue: CueEvent;
  view: CueView;
  onLocalAction?: (action: CueAction) => void;
}) {
  const { t } = useTranslation();
  const engine = useEngine();
  const [error, setError] = useState<string | null>(null);
  const act = async (action: CueAction) => {
    props.onLocalAction?.(action);
    const result = await engine.invoke('cue.feedback', { cueId: props.cue.id, action });
    setError(result.ok ? null : result.error.message);
  };
  const { feedback, pinned } = props.view;
  return (
    <footer className="cue-actions">
      <button
        type="button"
        className={feedback === 'helpful' ? 'chosen' : ''}
        aria-pressed={feedback === 'helpful'}
        onClick={() => act('helpful')}
        data-testid="cue-helpful"
      >
        ✓ {t('cue.helpful')}
      </button>
      <button
        type="button"
        className={feedback === 'not_helpful' ? 'chosen' : ''}
        aria-pressed={feedback === 'not_helpful'}
        onClick={() => act('not_helpful')}
        data-testid="cue-not-helpful"
      >
        ✗ {t('cue.notHelpful')}
      </button>
      <span className="spacer" />
      <button
        type="button"
        aria-pressed={pinned}
        onClick={() => act('pinned')}
        data-testid="cue-pin"
      >
        {pinned ? t('cue.unpin') : t('cue.pin')}
      </button>
      <button
        type="button"
        onClick={() => act('dismissed')}
        data-testid="cue-dismiss"
        aria-label={t('cue.dismiss')}
      >
        ✕
      </button>
      {feedback && !error && <span className="thanks">{t('cue.thanks')}</span>}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </footer>
  );
}

/** Call time as m:ss. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
