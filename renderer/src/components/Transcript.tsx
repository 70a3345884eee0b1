/**
 * The live transcript of both sides: final utterances solid, words still being heard dimmed.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TranscriptLine } from '../state/call-state';

export function Transcript({
  lines,
  maxLines = 40,
}: {
  lines: TranscriptLine[];
  maxLines?: number;
}) {
  const { t } = useTranslation();
  const endRef = useRef<HTMLDivElement>(null);
  const shown = lines.slice(-maxLines);
  const lastKey = shown.at(-1)?.key;
  const lastText = shown.at(-1)?.text;
  // Scrolls when the newest line or its text changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dependencies are the triggers
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [lastKey, lastText]);
  if (shown.length === 0) return <p className="muted transcript-empty">{t('transcript.empty')}</p>;
  return (
    <div className="transcript" data-testid="transcript">
      {shown.map((line) => (
        <p
          key={line.key}
          className={`line ${line.speaker}${line.final ? '' : ' partial'}`}
          data-testid="transcript-line"
          data-final={line.final ? 'true' : 'false'}
          data-speaker={line.speaker}
        >
          <span className="who">{line.name ?? t(`transcript.${line.speaker}`)}</span>
          <span className="what">{line.text}</span>
        </p>
      ))}
      <div ref={endRef} />
    </div>
  );
}
