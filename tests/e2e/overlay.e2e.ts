/**
 * The whole product through a browser: the real engine replays the demo calls at real-time pace
 * while headless Chromium shows the overlay (English and Chinese UI, in parallel). Checks that
 * every cue the truth files expect appears on screen, that Escalate and "helpful" are stored, and
 * that review finds the call by a word of its transcript. Saves screenshots to
 * `test-results/screenshots/`.
 *
 * CUECARD_E2E_ENGINE=fake swaps in the fake engine (a fast scripted call) to work on the harness.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, EngineApi } from '../../main/contract/api';
import type { CallEvent } from '../../main/contract/events';
import { startUiServer, type UiServer } from '../../main/server/ui-server';
import { createFakeEngine, sampleCallEvents } from '../helpers/fake-engine';
import { hasShared, REPO_ROOT, SHARED_DIR, sharedPath } from '../helpers/shared';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './browser';

const useFake = process.env.CUECARD_E2E_ENGINE === 'fake';
const STATIC_DIR = path.join(REPO_ROOT, 'out/renderer');
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');

const missing = [
  !hasChromium && `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  !hasShared && `shared fixtures not found at ${SHARED_DIR}`,
].filter(Boolean);
if (missing.length > 0) {
  console.warn(`SKIPPED end-to-end overlay tests: ${missing.join('; ')}`);
}

interface Truth {
  turns: Array<{ speaker: string; text: string; start_s: number; end_s: number }>;
  expect: {
    cues: Array<{
      after_turn: number;
      kind: string;
      about: string;
      within_s: number;
      also_alerts_manager?: boolean;
    }>;
  };
  duration_s: number;
}

interface ExpectedCue {
  label: string;
  kind: 'battlecard' | 'talk_track';
  /** Competitor (battlecards) or intent (talk-tracks) the card must carry; null = the alert cue. */
  about: string | null;
  alertsManager: boolean;
  /** Call time by which the customer finished the turn that triggers the cue, seconds. */
  turnEndS: number;
}

const CASES = [
  { lang: 'en' as const, call: 'en-medtech-pump', rep: 'Alex Chen', searchWord: 'battery' },
  { lang: 'zh' as const, call: 'zh-medtech-pump', rep: '李明', searchWord: '预算' },
];

type DisposableEngine = EngineApi & { dispose(): Promise<void> };

async function createEngine(dataDir: string, lang: 'en' | 'zh'): Promise<DisposableEngine> {
  if (useFake) return createFakeEngine({ stepMs: 250, lang });
  const { createEngineService } = await import('../../main/engine/service');
  return createEngineService({ dataDir, dbPath: path.join(dataDir, 'calls.db') });
}

function expectedCues(call: string, lang: 'en' | 'zh'): ExpectedCue[] {
  if (useFake) {
    return sampleCallEvents('x', lang)
      .filter((e): e is Extract<CallEvent, { type: 'cue' }> => e.type === 'cue')
      .map((cue) => ({
        label: cue.title,
        kind: cue.kind,
        about: cue.kind === 'battlecard' ? cue.competitor : cue.intent,
        alertsManager: false,
        turnEndS: 0,
      }));
  }
  const truth = JSON.parse(
    readFileSync(sharedPath('fixtures/calls', `${call}.truth.json`), 'utf8'),
  ) as Truth;
  return truth.expect.cues.map((cue) => ({
    label: `turn ${cue.after_turn} ${cue.kind} ${cue.about}`,
    kind: cue.kind as ExpectedCue['kind'],
    about: cue.also_alerts_manager ? null : cue.about,
    alertsManager: Boolean(cue.also_alerts_manager),
    turnEndS: truth.turns[cue.after_turn].end_s,
  }));
}

/** Waits until a card for `expected` is in the overlay; returns its cue id. */
async function waitForCue(page: Page, expected: ExpectedCue, timeoutMs: number): Promise<string> {
  const handle = await page.waitForFunction(
    ({ kind, about }) => {
      const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');
      const cards = [
        ...document.querySelectorAll<HTMLElement>(`[data-testid="cue-card"][data-kind="${kind}"]`),
      ];
      const match = cards.find((card) => {
        if (kind === 'battlecard') {
          const competitor = norm(
            card.dataset.competitor || card.querySelector('.cue-title')?.textContent || '',
          );
          return (
            competitor !== '' &&
            (norm(about ?? '').includes(competitor) || competitor.includes(norm(about ?? '')))
          );
        }
        if (about === null) return card.dataset.managerNotified === 'true';
        return card.dataset.intent === about;
      });
      return match?.dataset.cueId ?? null;
    },
    { kind: expected.kind, about: expected.about },
    { timeout: timeoutMs, polling: 200 },
  );
  return (await handle.jsonValue()) as string;
}

async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: false });
}

describe.skipIf(missing.length > 0)(
  `overlay end to end (${useFake ? 'FAKE engine' : 'real engine'})`,
  () => {
    let browser: Browser;

    beforeAll(async () => {
      if (useFake)
        console.warn('CUECARD_E2E_ENGINE=fake: the end-to-end tests run against the fake engine');
      await build({
        configFile: path.join(REPO_ROOT, 'renderer/vite.config.ts'),
        logLevel: 'warn',
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    describe.concurrent('a replayed call', () => {
      for (const { lang, call, rep, searchWord } of CASES) {
        it(`shows every expected cue in the ${lang === 'en' ? 'English' : 'Chinese'} overlay, stores feedback and escalation, and review finds the call`, async () => {
          const dataDir = mkdtempSync(path.join(tmpdir(), `cuecard-e2e-${lang}-`));
          let engine: DisposableEngine | null = null;
          let server: UiServer | null = null;
          const page = await browser.newPage({
            viewport: { width: 1180, height: 860 },
            locale: lang === 'zh' ? 'zh-CN' : 'en-US',
          });
          const pageErrors: string[] = [];
          page.on('pageerror', (error) => pageErrors.push(error.message));
          page.on('console', (message) => {
            if (message.type() === 'error') pageErrors.push(message.text());
          });
          try {
            engine = await createEngine(dataDir, lang);
            server = await startUiServer({ engine, staticDir: STATIC_DIR });
            await page.goto(`${server.url}&lang=${lang}#/overlay`);
            await page.waitForSelector('[data-testid="overlay"]');
            await page.waitForSelector('[data-testid="connection-banner"]', { state: 'detached' });

            const expected = expectedCues(call, lang);
            const started = await engine.invoke('call.startReplay', {
              file: sharedPath('fixtures/transcripts', `${call}.vtt`),
              rep,
              realtime: true,
            });
            expect(started.ok, JSON.stringify(started)).toBe(true);
            if (!started.ok) return;
            const callId = started.value.callId;
            const callStartMs = Date.now();
            await page.waitForSelector('[data-testid="overlay"][data-call-status="live"]');
            const seen: Array<{ label: string; cueId: string; shownAfterTurnS: number }> = [];
            let helpfulCueId: string | null = null;
            let escalated = false;
            for (const cue of expected) {
              const deadlineMs = useFake
                ? 20_000
                : Math.max(15_000, (cue.turnEndS + 10) * 1000 - (Date.now() - callStartMs));
              const cueId = await waitForCue(page, cue, deadlineMs);
              seen.push({
                label: cue.label,
                cueId,
                shownAfterTurnS: (Date.now() - callStartMs) / 1000 - cue.turnEndS,
              });
              if (cue.alertsManager) {
                await page.waitForSelector('[data-testid="manager-alert"]', { timeout: 10_000 });
              }
              if (!helpfulCueId && cue.kind === 'talk_track') {
                helpfulCueId = cueId;
                await page.click(`[data-cue-id="${cueId}"] [data-testid="cue-helpful"]`);
                await page.waitForSelector(
                  `[data-cue-id="${cueId}"] [data-testid="cue-helpful"][aria-pressed="true"]`,
                );
              }
              if (!escalated && seen.length >= 3) {
                escalated = true;
                await page.click('[data-testid="escalate"]');
                await page.waitForSelector(
                  '[data-testid="escalate"]:is([data-state="requested"],[data-state="acknowledged"],[data-state="resolved"])',
                );
                await screenshot(page, `overlay-${lang}`, '.overlay-frame');
              }
            }
            console.log(
              `[e2e ${lang}] cues on screen, seconds after the triggering turn ended: ${seen
                .map((s) => `${s.label}: ${s.shownAfterTurnS.toFixed(2)}`)
                .join('; ')}`,
            );
            expect(seen).toHaveLength(expected.length);

            await page.waitForSelector('[data-testid="overlay"][data-call-status="ended"]', {
              timeout: 120_000,
            });
            const stored = await engine.invoke('calls.get', { callId });
            expect(stored.ok, JSON.stringify(stored)).toBe(true);
            const detail = (stored as { value: CallDetail }).value;
            expect(detail.events).toContainEqual(
              expect.objectContaining({ type: 'feedback', cueId: helpfulCueId, action: 'helpful' }),
            );
            expect(detail.events.some((e) => e.type === 'escalation')).toBe(true);

            await page.goto(`${server.url}&lang=${lang}#/review`);
            await page.fill('[data-testid="review-search"]', searchWord);
            await page.waitForSelector(
              `[data-testid="call-row"][data-call-id="${callId}"] [data-testid="call-snippet"]`,
            );
            await page.click(`[data-testid="call-row"][data-call-id="${callId}"]`);
            await page.waitForSelector(
              '[data-testid="call-page"] [data-testid="timeline-feedback"]',
            );
            await page.waitForSelector(
              '[data-testid="call-page"] [data-testid="timeline-escalation"]',
            );
            await screenshot(page, `review-${lang}`);
            expect(pageErrors).toEqual([]);
          } catch (error) {
            await screenshot(page, `failure-${lang}`).catch(() => {});
            throw error;
          } finally {
            await page.close();
            await server?.close();
            await engine?.dispose();
            rmSync(dataDir, { recursive: true, force: true });
          }
        });
      }
    });
  },
);
