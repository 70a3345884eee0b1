// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AudioDevice,
  CommandName,
  EngineApi,
  ModelStatus,
  Result,
} from '../../main/contract/api';
import { SettingsView } from '../../renderer/src/views/Settings';
import { createFakeEngine } from '../helpers/fake-engine';
import { renderWithEngine } from './render-helpers';

afterEach(cleanup);

const HEADSET: AudioDevice = { id: 4, name: 'USB headset', inputChannels: 1, hostApi: 'ALSA' };
const MONITOR: AudioDevice = {
  id: 6,
  name: 'Monitor of Built-in Audio',
  inputChannels: 2,
  hostApi: 'ALSA',
};
const model = (name: string, state: ModelStatus['state']): ModelStatus => ({
  name,
  languages: ['zh', 'en'],
  sizeBytes: 511_000_000,
  state,
});

/** An engine holding `settings`, listing `devices` and `models`, recording what is saved. */
function settingsEngine(options: {
  settings?: Record<string, unknown>;
  devices?: AudioDevice[];
  models?: ModelStatus[];
}) {
  const fake = createFakeEngine();
  let settings: Record<string, unknown> = { lang: 'auto', ...options.settings };
  const saved: Array<Record<string, unknown>> = [];
  const answers: Partial<Record<CommandName, (args: unknown) => Result<unknown>>> = {
    'settings.get': () => ({ ok: true, value: settings }),
    'settings.set': (args) => {
      const { patch } = args as { patch: Record<string, unknown> };
      saved.push(patch);
      settings = { ...settings, ...patch };
      return { ok: true, value: settings };
    },
    'audio.devices': () => ({ ok: true, value: options.devices ?? [HEADSET, MONITOR] }),
    'models.list': () => ({ ok: true, value: options.models ?? [] }),
  };
  const engine: EngineApi = {
    subscribe: (listener) => fake.subscribe(listener),
    invoke: async (command, args) => {
      const answer = answers[command];
      return (answer ? answer(args) : fake.invoke(command, args)) as never;
    },
  };
  return { engine, saved };
}

describe('the audio devices of a live call', () => {
  it('lets the user pick the microphone and the system audio, saved by name', async () => {
    const { engine, saved } = settingsEngine({});
    renderWithEngine(<SettingsView />, { engine });
    const mic = (await screen.findByTestId('setting-micDevice')) as HTMLSelectElement;
    await waitFor(() => expect(mic.options.length).toBe(3));
    expect(mic.options[0].textContent).toBe('Choose a device…');
    const system = screen.getByTestId('setting-systemDevice') as HTMLSelectElement;
    fireEvent.change(mic, { target: { value: mic.options[1].value } });
    fireEvent.change(system, { target: { value: system.options[2].value } });
    fireEvent.submit(screen.getByTestId('settings'));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      micDevice: { name: 'USB headset', hostApi: 'ALSA', id: 4 },
      systemDevice: { name: 'Monitor of Built-in Audio', hostApi: 'ALSA', id: 6 },
    });
  });

  it('finds a saved device again under a new id, and says when one is not connected', async () => {
    const { engine } = settingsEngine({
      settings: {
        micDevice: { name: 'USB headset', hostApi: 'ALSA', id: 1 },
        systemDevice: { name: 'Loopback of HDMI', hostApi: 'ALSA', id: 2 },
      },
    });
    renderWithEngine(<SettingsView />, { engine });
    const missing = await screen.findByTestId('device-missing-systemDevice');
    expect(missing.textContent).toContain('“Loopback of HDMI” is not connected');
    const mic = screen.getByTestId('setting-micDevice') as HTMLSelectElement;
    expect(mic.selectedOptions[0].textContent).toBe('USB headset (ALSA)');
    expect(screen.queryByTestId('device-missing-micDevice')).toBeNull();
  });
});

describe('the speech models', () => {
  it('warns that live calls need a model when none is installed', async () => {
    const { engine } = settingsEngine({
      models: [model('sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20', 'missing')],
    });
    renderWithEngine(<SettingsView />, { engine });
    const summary = await screen.findByTestId('model-summary');
    expect(summary.textContent).toContain(
      'No speech model is installed, so live calls cannot start',
    );
    expect(summary.textContent).toContain(
      'cuecard models pull sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20',
    );
    expect(screen.getByTestId('model-state').textContent).toBe('not installed');
  });

  it('marks the installed model and names the one live calls use', async () => {
    const { engine } = settingsEngine({
      settings: { asrModel: 'en-model' },
      models: [model('bilingual-model', 'missing'), model('en-model', 'installed')],
    });
    renderWithEngine(<SettingsView />, { engine });
    const summary = await screen.findByTestId('model-summary');
    expect(summary.textContent).toBe('Live calls use en-model.');
    expect(screen.getAllByTestId('model-state').map((el) => el.textContent)).toEqual([
      'not installed',
      '✓ installed',
    ]);
  });
});
