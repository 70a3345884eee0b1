/**
 * One channel's level meter, with a clear warning when the channel is silent or lost.
 */
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelHealth } from '../state/call-state';

/** Meter range in dBFS: -70 shows empty, 0 full. */
const FLOOR_DB = -70;

export function LevelMeter({ channel, health }: { channel: Channel; health: ChannelHealth }) {
  const { t } = useTranslation();
  const label = t(`level.${channel}`);
  const rmsDb = health.kind === 'ok' || health.kind === 'silent' ? health.rmsDb : FLOOR_DB;
  const fill = Math.round(Math.min(1, Math.max(0, (rmsDb - FLOOR_DB) / -FLOOR_DB)) * 100);
  const warning =
    health.kind === 'silent'
      ? t('level.silent', { channel: label, seconds: health.seconds })
      : health.kind === 'lost'
        ? t('level.noSignal', { channel: label })
        : null;
  return (
    <div
      className={`level-meter ${health.kind}`}
      data-testid={`level-${channel}`}
      data-health={health.kind}
      title={warning ?? label}
    >
      <span className="level-label">{label}</span>
      {health.kind === 'none' ? (
        <span className="level-none">{t('level.noAudio')}</span>
      ) : (
        <span className="level-track">
          <span
            className={`level-fill${health.kind === 'ok' && health.speech ? ' speech' : ''}`}
            style={{ width: `${fill}%` }}
          />
        </span>
      )}
      {warning && (
        <span className="level-warning" role="alert" data-testid={`level-warning-${channel}`}>
          ⚠ {warning}
        </span>
      )}
    </div>
  );
}
