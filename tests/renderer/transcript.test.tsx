// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../main/contract/events';
import { Transcript } from '../../renderer/src/components/Transcript';
import { replayCallEvents } from '../../renderer/src/state/call-state';
import { renderWithEngine } from './render-helpers';

afterEach(cleanup);

const start: CallEvent = {
  type: 'call_started',
  callId: 'c',
  source: 'x.vtt',
  lang: 'en',
  startedAt: '2025-01-01T00:00:00Z',
  t: 0,
};

function lines() {
  return screen.getAllByTestId('transcript-line').map((el) => ({
    text: el.querySelector('.what')?.textContent,
    final: el.getAttribute('data-final'),
    dimmed: el.classList.contains('partial'),
  }));
}

describe('live transcript', () => {
  it('shows words still being heard dimmed', () => {
    const state = replayCallEvents([
      start,
      { type: 'partial', speaker: 'customer', text: 'We are also', t: 1 },
    ]);
    renderWithEngine(<Transcript lines={state.lines} />);
    expect(lines()).toEqual([{ text: 'We are also', final: 'false', dimmed: true }]);
  });

  it('replaces the partial with the final utterance, shown solid', () => {
    const state = replayCallEvents([
      start,
      { type: 'partial', speaker: 'customer', text: 'We are also', t: 1 },
      { type: 'partial', speaker: 'customer', text: 'We are also looking at', t: 1.5 },
      {
        type: 'utterance',
        id: 'u1',
        speaker: 'customer',
        text: 'We are also looking at Helix Devices.',
        start: 0.5,
        end: 2,
        t: 2,
        lang: 'en',
        name: 'Dana Wu',
      },
    ]);
    renderWithEngine(<Transcript lines={state.lines} />);
    expect(lines()).toEqual([
      { text: 'We are also looking at Helix Devices.', final: 'true', dimmed: false },
    ]);
    expect(screen.getByText('Dana Wu')).toBeTruthy();
  });

  it('keeps each side’s partial separate and below the finished lines', () => {
    const state = replayCallEvents([
      start,
      { type: 'partial', speaker: 'rep', text: 'Our pump', t: 1 },
      {
        type: 'utterance',
        id: 'u1',
        speaker: 'customer',
        text: 'Hello.',
        start: 0,
        end: 1,
        t: 1.2,
        lang: 'en',
      },
      { type: 'partial', speaker: 'customer', text: 'And the', t: 1.4 },
    ]);
    renderWithEngine(<Transcript lines={state.lines} />);
    expect(lines().map((l) => [l.text, l.final])).toEqual([
      ['Hello.', 'true'],
      ['Our pump', 'false'],
      ['And the', 'false'],
    ]);
  });
});
