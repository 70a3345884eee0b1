// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallDetail, EngineApi } from '../../main/contract/api';
import { CallList, CallPage } from '../../renderer/src/views/Review';
import { renderWithEngine } from './render-helpers';

afterEach(cleanup);

const stoppedMonoCall: CallDetail = {
  id: 'call-1',
  title: 'mono-call.wav',
  source: 'mono-call.wav',
  lang: 'en',
  startedAt: '2025-03-04T10:00:00.000Z',
  endedAt: '2025-03-04T10:00:13.000Z',
  status: 'stopped',
  durationS: 13,
  competitors: [],
  events: [],
  summary: {
    competitors: [],
    objections: [],
    stakeholders: [],
    nextSteps: [],
    tags: [],
    talkRatio: { rep: 0.2, customer: 0.3, unknown: 0.5 },
    followUpEmail: { subject: 'Follow-up', body: 'Hi', lang: 'en' },
  },
};

/** An engine that knows one stored call. */
const engine: EngineApi = {
  invoke: (async (command: string) => {
    if (command === 'calls.list') return { ok: true, value: [stoppedMonoCall] };
    if (command === 'calls.get') return { ok: true, value: stoppedMonoCall };
    return { ok: false, error: { code: 'unknown_command', message: command } };
  }) as EngineApi['invoke'],
  subscribe: () => () => {},
};

describe('the review of stored calls', () => {
  it('shows a call stopped early as stopped, in the list and on its page', async () => {
    renderWithEngine(<CallList />, { engine });
    const listed = await screen.findByTestId('call-status');
    expect(listed.textContent).toBe('stopped early');
    cleanup();

    renderWithEngine(<CallPage callId="call-1" />, { engine, lang: 'zh' });
    expect((await screen.findByTestId('call-status')).textContent).toBe('提前结束');
  });

  it('gives the share of unknown speakers in the talk ratio', async () => {
    renderWithEngine(<CallPage callId="call-1" />, { engine });
    await screen.findByTestId('call-summary');
    expect(screen.getByText(/^Talk ratio:/).textContent).toBe(
      'Talk ratio: you 20% · customer 30% · unknown speaker 50%',
    );
  });
});
