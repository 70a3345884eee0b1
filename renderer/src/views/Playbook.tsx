/**
 * The playbook as loaded: battlecards, talk-tracks with their record, rules, and any errors
 * with their file and line.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlaybookView as PlaybookData } from '../../../main/contract/api';
import { useEngine } from '../engine-context';

export function PlaybookView() {
  const { t, i18n } = useTranslation();
  const engine = useEngine();
  const [playbook, setPlaybook] = useState<PlaybookData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void engine.invoke('playbook.get', {}).then((result) => {
      setPlaybook(result.ok ? result.value : null);
      setError(result.ok ? null : result.error.message);
    });
  }, [engine]);

  if (error) return <p className="page error">{error}</p>;
  if (!playbook) return <div className="page muted">…</div>;
  const lang = i18n.language === 'zh' ? 'zh' : 'en';
  return (
    <div className="page playbook" data-testid="playbook">
      <h1>{t('playbook.title')}</h1>
      <p className="muted">
        {t('playbook.folder')}: <code>{playbook.dir}</code>
      </p>
      {playbook.errors.length > 0 && (
        <section className="playbook-errors" data-testid="playbook-errors">
          <h2>{t('playbook.errors')}</h2>
          <ul>
            {playbook.errors.map((problem) => (
              <li
                key={`${problem.file}:${problem.line}:${problem.field}:${problem.message}`}
                data-testid="playbook-error"
              >
                <code>
                  {problem.file}
                  {problem.line !== null && `:${problem.line}`}
                  {problem.line !== null && problem.column !== undefined && `:${problem.column}`}
                </code>{' '}
                <strong>{problem.field}</strong> — {problem.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2>{t('playbook.battlecards')}</h2>
      <div className="grid">
        {playbook.battlecards.map((card) => (
          <article className="panel" key={card.id} data-testid="playbook-battlecard">
            <h3>{card.competitor}</h3>
            <p className="muted">{card.aliases.join(' · ')}</p>
            <h4>{t('cue.theirClaims')}</h4>
            <ul>
              {card.theirClaims.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
            <h4>{t('cue.ourFacts')}</h4>
            <ul>
              {card.ourFacts.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
            <h4>{t('cue.landmines')}</h4>
            <ul>
              {card.landmines.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          </article>
        ))}
      </div>
      <h2>{t('playbook.talkTracks')}</h2>
      <div className="grid">
        {playbook.talkTracks.map((track) => (
          <article className="panel" key={track.id} data-testid="playbook-talk-track">
            <h3>{track.title[lang] ?? track.title.en ?? track.id}</h3>
            {track.intent && (
              <span className="chip intent">
                {t(`intent.${track.intent}`, { defaultValue: track.intent })}
              </span>
            )}
            <p className="muted" data-testid="talk-track-record">
              {t('playbook.record', track.record)}
            </p>
            <ol>
              {(track.phrasings[lang] ?? track.phrasings.en ?? []).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ol>
            {track.evidence.length > 0 && (
              <>
                <h4>{t('cue.evidence')}</h4>
                <ul>
                  {track.evidence.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </>
            )}
          </article>
        ))}
      </div>
      <h2>{t('playbook.rules')}</h2>
      <ul className="rules">
        {playbook.rules.map((rule) => (
          <li key={rule.id}>
            <code>{rule.id}</code> — {rule.description}
          </li>
        ))}
      </ul>
    </div>
  );
}
