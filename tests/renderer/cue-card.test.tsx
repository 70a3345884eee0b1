// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CueEvent } from '../../main/contract/events';
import { CueCard } from '../../renderer/src/components/CueCard';
import type { CueView } from '../../renderer/src/state/call-state';
import { createFakeEngine, sampleCallEvents } from '../helpers/fake-engine';
import { renderWithEngine } from './render-helpers';

afterEach(cleanup);

const cues = sampleCallEvents('call-1', 'en').filter((e): e is CueEvent => e.type === 'cue');
const battlecard = cues.find((c) => c.kind === 'battlecard')!;
const talkTrack = cues.find((c) => c.intent === 'price_objection')!;
const view = (cue: CueEvent, over: Partial<CueView> = {}): CueView => ({
  cue,
  pinned: false,
  dismissed: false,
  feedback: null,
  ...over,
});

describe('battlecard', () => {
  it('sets their claims against our facts and lists the questions to ask', () => {
    renderWithEngine(<CueCard view={view(battlecard)} />);
    const claims = screen.getAllByTestId('their-claim').map((el) => el.textContent);
    const facts = screen.getAllByTestId('our-fact').map((el) => el.textContent);
    expect(claims.slice(0, 2)).toEqual(battlecard.battlecard!.theirClaims);
    expect(facts).toEqual(battlecard.battlecard!.ourFacts);
    expect(screen.getAllByTestId('landmine').map((el) => el.textContent)).toEqual(
      battlecard.battlecard!.landmines,
    );
    expect(screen.getByRole('heading', { name: 'Helix Devices' })).toBeTruthy();
  });

  it('labels its sections in Chinese when the UI is Chinese', () => {
    renderWithEngine(<CueCard view={view(battlecard)} />, { lang: 'zh' });
    expect(screen.getByText('竞品卡')).toBeTruthy();
    expect(screen.getByText('我方事实')).toBeTruthy();
  });
});

describe('talk-track', () => {
  it('shows one phrasing at a time and steps through them with next and previous', () => {
    renderWithEngine(<CueCard view={view(talkTrack)} />);
    const phrasings = talkTrack.talkTrack!.phrasings;
    const shown = () => screen.getByTestId('phrasing').textContent;
    expect(screen.getAllByTestId('phrasing')).toHaveLength(1);
    expect(shown()).toBe(phrasings[0]);
    fireEvent.click(screen.getByTestId('phrasing-next'));
    expect(shown()).toBe(phrasings[1]);
    expect(screen.getByTestId('phrasing-index').textContent).toBe(`2 / ${phrasings.length}`);
    fireEvent.click(screen.getByTestId('phrasing-prev'));
    fireEvent.click(screen.getByTestId('phrasing-prev'));
    expect(shown()).toBe(phrasings.at(-1));
    expect(screen.getAllByTestId('evidence').map((el) => el.textContent)).toEqual(
      talkTrack.talkTrack!.evidence,
    );
  });

  it('hides the body of a collapsed card until it is expanded', () => {
    let expanded = false;
    renderWithEngine(
      <CueCard view={view(talkTrack)} collapsed onExpand={() => (expanded = true)} />,
    );
    expect(screen.queryByTestId('phrasing')).toBeNull();
    fireEvent.click(screen.getByTestId('cue-expand'));
    expect(expanded).toBe(true);
  });
});

describe('cue feedback', () => {
  for (const [testId, action] of [
    ['cue-helpful', 'helpful'],
    ['cue-not-helpful', 'not_helpful'],
    ['cue-pin', 'pinned'],
    ['cue-dismiss', 'dismissed'],
  ] as const) {
    it(`sends "${action}" for this cue to the engine`, async () => {
      const engine = createFakeEngine();
      const local: string[] = [];
      renderWithEngine(<CueCard view={view(talkTrack)} onLocalAction={(a) => local.push(a)} />, {
        engine,
      });
      fireEvent.click(screen.getByTestId(testId));
      await waitFor(() =>
        expect(engine.invocations).toEqual([
          { command: 'cue.feedback', args: { cueId: talkTrack.id, action } },
        ]),
      );
      expect(local).toEqual([action]);
    });
  }

  it('shows the engine refusing the feedback', async () => {
    const engine = createFakeEngine();
    const refusing = {
      ...engine,
      invoke: async () => ({
        ok: false as const,
        error: { code: 'unknown_cue', message: 'no cue x in the current call' },
      }),
    };
    renderWithEngine(<CueCard view={view(talkTrack)} />, { engine: refusing });
    fireEvent.click(screen.getByTestId('cue-helpful'));
    expect((await screen.findByRole('alert')).textContent).toContain('no cue x');
  });

  it('marks the chosen rating', () => {
    renderWithEngine(<CueCard view={view(talkTrack, { feedback: 'helpful' })} />);
    expect(screen.getByTestId('cue-helpful').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('cue-not-helpful').getAttribute('aria-pressed')).toBe('false');
  });
});
