// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandName, EngineApi, Result } from '../../main/contract/api';
import type { CallEvent } from '../../main/contract/events';
import { Overlay } from '../../renderer/src/views/Overlay';
import { createFakeEngine, type FakeEngine } from '../helpers/fake-engine';
import { renderWithEngine } from './render-helpers';

afterEach(cleanup);

/** The fake engine, with some commands answered differently. */
function engineWith(
  fake: FakeEngine,
  answers: Partial<Record<CommandName, () => Result<unknown>>>,
): EngineApi {
  return {
    subscribe: (listener) => fake.subscribe(listener),
    invoke: async (command, args) => {
      const answer = answers[command];
      if (!answer) return fake.invoke(command, args);
      fake.invocations.push({ command, args });
      return answer() as never;
    },
  };
}

const started: CallEvent = {
  type: 'call_started',
  callId: 'live-1',
  source: 'USB headset + Monitor of speakers',
  lang: 'auto',
  startedAt: '2025-03-04T09:00:00Z',
  t: 0,
};

describe('starting and stopping a call from the overlay', () => {
  it('offers Start call when no call runs and shows why the engine refused', async () => {
    const fake = createFakeEngine();
    renderWithEngine(<Overlay />, { engine: fake });
    const button = await screen.findByTestId('call-button');
    expect(button.textContent).toBe('Start call');
    fireEvent.click(button);
    const refusal = await screen.findByTestId('start-error');
    expect(refusal.textContent).toContain('The call did not start');
    expect(refusal.textContent).toContain('no microphone found');
    expect(fake.invocations.map((i) => i.command)).toContain('call.startLive');
    await fake.dispose();
  });

  it('turns into Stop call during a live call, and stops it', async () => {
    const fake = createFakeEngine();
    const engine = engineWith(fake, {
      'call.startLive': () => {
        queueMicrotask(() => fake.emit(started));
        return { ok: true, value: { callId: 'live-1' } };
      },
      'call.stop': () => {
        queueMicrotask(() =>
          fake.emit({ type: 'call_ended', callId: 'live-1', reason: 'stopped', t: 4 }),
        );
        return { ok: true, value: { callId: 'live-1' } };
      },
    });
    renderWithEngine(<Overlay />, { engine });
    fireEvent.click(await screen.findByTestId('call-button'));
    await waitFor(() => expect(screen.getByTestId('call-button').textContent).toBe('Stop call'));
    expect(screen.getByTestId('overlay').dataset.callStatus).toBe('live');
    expect(screen.queryByTestId('start-error')).toBeNull();

    fireEvent.click(screen.getByTestId('call-button'));
    await waitFor(() => expect(screen.getByTestId('call-button').textContent).toBe('Start call'));
    expect(fake.invocations.map((i) => i.command)).toContain('call.stop');
    expect(screen.getByTestId('overlay').dataset.callStatus).toBe('ended');
    await fake.dispose();
  });

  it('shows a live call like a replay: meters, words being heard, and a lost device', async () => {
    const fake = createFakeEngine();
    renderWithEngine(<Overlay />, { engine: fake });
    await screen.findByTestId('call-button');
    act(() => {
      fake.emit(started);
      fake.emit({ type: 'level', channel: 'rep', rmsDb: -18, speech: true, t: 0.1 });
      fake.emit({ type: 'level', channel: 'customer', rmsDb: -30, speech: false, t: 0.1 });
      fake.emit({ type: 'partial', speaker: 'rep', text: 'Hi Dana', t: 0.2 });
    });
    expect(screen.getByTestId('level-rep').dataset.health).toBe('ok');
    expect(screen.getByTestId('level-customer').dataset.health).toBe('ok');
    expect(screen.getByText('Hi Dana')).toBeTruthy();
    act(() => {
      fake.emit({
        type: 'problem',
        code: 'audio_device_error',
        message:
          'The system audio device "Monitor of speakers" failed (unplugged). The call goes on with the other device.',
        fatal: false,
        t: 0.3,
        channel: 'customer',
      });
    });
    expect(screen.getByTestId('level-customer').dataset.health).toBe('lost');
    expect(screen.getByTestId('problem').textContent).toContain('Monitor of speakers');
    await fake.dispose();
  });
});
