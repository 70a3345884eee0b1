/**
 * The readable timeline `cuecard replay` prints without `--json`: one line per utterance,
 * indented lines for what Cuecard understood and showed.
 */
import type { CallEvent } from '../contract/events';

function clock(t: number): string {
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return `${String(m).padStart(2, '0')}:${s.toFixed(1).padStart(4, '0')}`;
}

/** "rep 40% / customer 60%", with the share of unknown speakers (mono audio) when there is one. */
export function formatTalkRatio(ratio: {
  rep: number;
  customer: number;
  unknown?: number;
}): string {
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  const sides = `rep ${percent(ratio.rep)} / customer ${percent(ratio.customer)}`;
  return ratio.unknown ? `${sides} / unknown speaker ${percent(ratio.unknown)}` : sides;
}

/** One or more lines for `event`, or null for events the timeline leaves out. */
export function formatEvent(event: CallEvent): string | null {
  switch (event.type) {
    case 'call_started':
      // The id is named at the end, once it is known whether the call was stored.
      return `call from ${event.source}`;
    case 'utterance':
      return `[${clock(event.start)}] ${event.speaker.padEnd(8)} ${event.text}`;
    case 'intent':
      return `           · ${event.label} ${event.confidence.toFixed(2)}${event.competitor ? ` (${event.competitor})` : ''}`;
    case 'cue':
      if (event.confirmed)
        return `           ✓ confirmed ${event.kind === 'battlecard' ? 'BATTLECARD' : 'TALK-TRACK'} ${event.title}  [rule ${event.rule}]`;
      return `           ▶ ${event.kind === 'battlecard' ? 'BATTLECARD' : 'TALK-TRACK'} ${event.title}  [rule ${event.rule}]${
        event.talkTrack?.phrasings[0] ? `\n             “${event.talkTrack.phrasings[0]}”` : ''
      }`;
    case 'manager_alert':
      return `           ! manager notified: ${event.message}`;
    case 'escalation':
      return `[${clock(event.t)}] escalation ${event.state}`;
    case 'feedback':
      return `[${clock(event.t)}] feedback on ${event.cueId}: ${event.action}`;
    case 'whisper':
      return `[${clock(event.t)}] whisper from ${event.from}: ${event.text}`;
    case 'problem':
      // Fatal problems end the command and are reported on stderr.
      return event.fatal ? null : `warning: ${event.message}`;
    case 'summary': {
      const lines = [
        '',
        'Summary',
        `  competitors:  ${event.competitors.join(', ') || '-'}`,
        `  objections:   ${event.objections.join(', ') || '-'}`,
        `  stakeholders: ${event.stakeholders.join(', ') || '-'}`,
        `  next steps:   ${event.nextSteps.map((s) => s.text + (s.when ? ` (${s.when})` : '')).join('; ') || '-'}`,
        `  talk ratio:   ${formatTalkRatio(event.talkRatio)}`,
        `  tags:         ${event.tags.join(', ')}`,
        '',
        `Follow-up email: ${event.followUpEmail.subject}`,
        event.followUpEmail.body
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      ];
      return lines.join('\n');
    }
    case 'call_ended':
      if (event.stored === true) {
        const show = `cuecard calls show ${event.callId}`;
        return `call ended (${event.reason}); stored as ${event.callId} (${show})`;
      }
      if (event.stored === false) {
        return event.reason === 'error'
          ? 'call ended (error); nothing was stored'
          : `call ended (${event.reason}); nothing was heard, so no call was stored`;
      }
      return `call ended (${event.reason})`;
    case 'partial':
    case 'level':
      return null;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
