/**
 * Live calls through the engine service: `call.startLive` with fake capture devices and the fake
 * recognizer, from its refusals to a call stored as "stopped".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings, AudioDevice, AudioDeviceChoice } from '../../main/contract/api';
import type { CallEvent, ProblemEvent } from '../../main/contract/events';
import { loadManifest } from '../../main/engine/asr/models';
import { type AsrEngine, AsrConfigError } from '../../main/engine/asr/recognizer';
import { createEngineService, type EngineService } from '../../main/engine/service';
import {
  callChannels,
  type FakeDevice,
  fakeDevice,
  fakeOpenCapture,
  installFakeModel,
  openedSince,
  openResources,
  waitFor,
} from '../helpers/live-call';
import { describeWithShared, sharedPath } from '../helpers/shared';
import { FakeAsrEngine, type FakeStream } from './asr/fake-asr-engine';

const manifest = loadManifest();
const BILINGUAL = manifest.default;
const ENGLISH = 'sherpa-onnx-streaming-zipformer-en-2023-06-26';

const HEADSET: AudioDevice = { id: 3, name: 'USB headset', inputChannels: 1, hostApi: 'ALSA' };
const MONITOR: AudioDevice = {
  id: 5,
  name: 'Monitor of Built-in Audio',
  inputChannels: 2,
  hostApi: 'ALSA',
};
const choice = (device: AudioDevice): AudioDeviceChoice => ({
  name: device.name,
  hostApi: device.hostApi,
  id: device.id,
});

/** Hears the shared call's words as the given sentences, one per stream (rep, customer). */
class ScriptedAsrEngine extends FakeAsrEngine {
  constructor(private readonly lines: string[]) {
    super();
  }
  override getResult(stream: FakeStream) {
    const heard = super.getResult(stream);
    return heard.text ? { ...heard, text: this.lines[stream.id] ?? heard.text } : heard;
  }
}

interface LiveRig {
  service: EngineService;
  events: CallEvent[];
  opened: number[];
  listings: () => number;
  recognizers: () => number;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A service whose devices, capture and recognizer are fakes; both devices chosen unless told. */
async function liveRig(
  options: {
    settings?: Partial<AppSettings>;
    models?: string[];
    present?: AudioDevice[];
    devices?: Record<number, FakeDevice>;
    recognizer?: () => AsrEngine;
  } = {},
): Promise<LiveRig> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-live-service-'));
  const modelsDir = path.join(dataDir, 'models', 'asr');
  for (const model of options.models ?? [BILINGUAL]) installFakeModel(modelsDir, model);
  const openCapture = fakeOpenCapture(options.devices ?? {});
  let listings = 0;
  let recognizers = 0;
  const service = await createEngineService({
    dataDir,
    modelStore: { modelsDir },
    live: {
      openCapture,
      listDevices: async () => {
        listings++;
        return options.present ?? [HEADSET, MONITOR];
      },
      recognizerFactory: () => {
        recognizers++;
        return options.recognizer?.() ?? new FakeAsrEngine();
      },
    },
  });
  const events: CallEvent[] = [];
  const unsubscribe = service.subscribe((message) => {
    if (message.kind === 'event') events.push(message.event);
  });
  cleanups.push(async () => {
    unsubscribe();
    await service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const saved = await service.invoke('settings.set', {
    patch: { micDevice: choice(HEADSET), systemDevice: choice(MONITOR), ...options.settings },
  });
  expect(saved.ok).toBe(true);
  return {
    service,
    events,
    opened: openCapture.opened,
    listings: () => listings,
    recognizers: () => recognizers,
  };
}

/** Lets callbacks queued by the last step run before resources are counted. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** A device that delivers nothing but silence. */
const quietDevice = () => fakeDevice(new Int16Array(0));

describe('starting a live call refuses, opening nothing,', () => {
  it('when no microphone or system-audio device is chosen in Settings', async () => {
    const rig = await liveRig({ settings: { micDevice: null, systemDevice: null } });
    const result = await rig.service.invoke('call.startLive', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'no_device',
        message: expect.stringMatching(
          /^No audio device is chosen for a microphone \(you\) or a system-audio device .*Choose both in Settings → Audio devices/,
        ),
      },
    });
    const onlyMic = await liveRig({ settings: { systemDevice: null } });
    const second = await onlyMic.service.invoke('call.startLive', {});
    expect(!second.ok && second.error.message).toMatch(
      /^No audio device is chosen for a system-audio device \(the customer: the monitor or loopback/,
    );
    expect([rig.opened, onlyMic.opened, rig.events]).toEqual([[], [], []]);
    expect(rig.listings() + rig.recognizers()).toBe(0);
  });

  it('when a chosen device is no longer connected, naming it', async () => {
    const rig = await liveRig({ present: [MONITOR] });
    const result = await rig.service.invoke('call.startLive', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'device_missing',
        message:
          'The microphone "USB headset" chosen in Settings is not connected. Plug it in, or ' +
          'choose another in Settings → Audio devices.',
      },
    });
    const none = await liveRig({ present: [] });
    const nothing = await none.service.invoke('call.startLive', {});
    expect(!nothing.ok && nothing.error.message).toMatch(
      /^The microphone "USB headset" and the system audio "Monitor of Built-in Audio" chosen in Settings are not connected\. No audio input device is present at all\./,
    );
    expect([rig.opened, none.opened, rig.events]).toEqual([[], [], []]);
    expect(rig.recognizers()).toBe(0);
  });

  it('when the same device is chosen for both sides', async () => {
    const rig = await liveRig({ settings: { systemDevice: choice(HEADSET) } });
    const result = await rig.service.invoke('call.startLive', {});
    expect(!result.ok && result.error.code).toBe('same_device');
    expect(rig.opened).toEqual([]);
  });

  it('when no speech model is installed, naming cuecard models pull and Settings', async () => {
    const rig = await liveRig({ models: [] });
    const result = await rig.service.invoke('call.startLive', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'model_missing',
        message:
          'No speech recognition model is installed, so Cuecard cannot transcribe the call. ' +
          `Download one in Settings → Speech models, or run: cuecard models pull ${BILINGUAL}`,
      },
    });
    expect([rig.opened, rig.events, rig.recognizers()]).toEqual([[], [], 0]);
  });

  it('when the call language needs a model that is not installed', async () => {
    const rig = await liveRig({ models: [ENGLISH], settings: { lang: 'zh' } });
    const result = await rig.service.invoke('call.startLive', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'model_missing',
        message:
          `The call language Chinese (zh) needs the speech model ${BILINGUAL}, which is not ` +
          `installed (installed: ${ENGLISH}). Download it in Settings → Speech models, or run: ` +
          `cuecard models pull ${BILINGUAL}`,
      },
    });
    // The language given with the command counts over the setting, both ways.
    const overridden = await rig.service.invoke('call.startLive', { lang: 'zh' });
    expect(!overridden.ok && overridden.error.code).toBe('model_missing');
    expect([rig.opened, rig.recognizers()]).toEqual([[], 0]);
  });

  it('when the model chosen in Settings is not installed or does not know the call language', async () => {
    const missing = await liveRig({ models: [ENGLISH], settings: { asrModel: BILINGUAL } });
    const notInstalled = await missing.service.invoke('call.startLive', {});
    expect(notInstalled).toEqual({
      ok: false,
      error: {
        code: 'model_missing',
        message:
          `The speech model ${BILINGUAL} chosen in Settings is not installed. Download it in ` +
          `Settings → Speech models, or run: cuecard models pull ${BILINGUAL}`,
      },
    });
    const wrong = await liveRig({ models: [ENGLISH], settings: { asrModel: ENGLISH } });
    const wrongLang = await wrong.service.invoke('call.startLive', { lang: 'zh' });
    expect(wrongLang).toEqual({
      ok: false,
      error: {
        code: 'model_language',
        message:
          `The call language is Chinese (zh), but the speech model ${ENGLISH} chosen in ` +
          'Settings knows only English. Choose a model for Chinese in Settings → Speech models ' +
          `(cuecard models pull ${BILINGUAL}), or change the call language.`,
      },
    });
    expect([missing.opened, wrong.opened]).toEqual([[], []]);
  });

  it('when the installed model cannot be loaded, as a result and not a crash', async () => {
    const rig = await liveRig({
      recognizer: () => {
        throw new AsrConfigError('sherpa-onnx rejected the ASR model. Download the model again.');
      },
    });
    const result = await rig.service.invoke('call.startLive', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'asr_config',
        message:
          'sherpa-onnx rejected the ASR model. Download the model again. Settings → Speech ' +
          'models can download it too.',
      },
    });
    expect(rig.opened).toEqual([]);
  });

  it('while a call is running or starting', async () => {
    const rig = await liveRig({ devices: { 3: quietDevice(), 5: quietDevice() } });
    const [first, second] = await Promise.all([
      rig.service.invoke('call.startLive', {}),
      rig.service.invoke('call.startLive', {}),
    ]);
    expect(first.ok).toBe(true);
    expect(second).toEqual({
      ok: false,
      error: {
        code: 'call_in_progress',
        message: 'A call is already running; stop it before starting another.',
      },
    });
    const again = await rig.service.invoke('call.startLive', {});
    expect(!again.ok && again.error.code).toBe('call_in_progress');
    const replay = await rig.service.invoke('call.startReplay', { file: 'call.vtt' });
    expect(!replay.ok && replay.error.code).toBe('call_in_progress');
    expect(rig.opened).toEqual([3, 5]);
    await rig.service.invoke('call.stop', {});
  });
});

describe('a live call', () => {
  it('opens a re-plugged device found by its name under its new PortAudio id', async () => {
    const replugged = { ...HEADSET, id: 9 };
    const rig = await liveRig({
      present: [MONITOR, replugged],
      devices: { 9: quietDevice(), 5: quietDevice() },
    });
    const started = await rig.service.invoke('call.startLive', {});
    expect(started.ok).toBe(true);
    expect(rig.opened).toEqual([9, 5]);
    await rig.service.invoke('call.stop', {});
    expect(rig.events.find((e) => e.type === 'call_started')).toMatchObject({
      source: 'USB headset + Monitor of Built-in Audio',
    });
  });

  it('can be started again once the one before ended', async () => {
    const rig = await liveRig({ devices: { 3: quietDevice(), 5: quietDevice() } });
    expect((await rig.service.invoke('call.startLive', {})).ok).toBe(true);
    expect((await rig.service.invoke('call.stop', {})).ok).toBe(true);
    expect((await rig.service.invoke('call.startLive', {})).ok).toBe(true);
    expect(rig.service.currentCall?.isLive).toBe(true);
  });

  it('ends with an error problem when neither device can be opened, and frees the service', async () => {
    const rig = await liveRig({ devices: {} });
    const started = await rig.service.invoke('call.startLive', {});
    expect(started.ok).toBe(true);
    await waitFor(() => rig.events.some((e) => e.type === 'call_ended'), 'the call ending');
    const problems = rig.events.filter((e): e is ProblemEvent => e.type === 'problem');
    expect(problems.map((p) => [p.code, p.channel, p.fatal])).toEqual([
      ['audio_device_open_failed', 'rep', false],
      ['audio_device_open_failed', 'customer', true],
    ]);
    expect(rig.events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error' });
    expect(rig.service.currentCall?.isLive).toBe(false);
  });

  it('is stopped by disposing the service, releasing both devices', async () => {
    const devices = { 3: quietDevice(), 5: quietDevice() };
    const rig = await liveRig({ devices });
    expect((await rig.service.invoke('call.startLive', {})).ok).toBe(true);
    await rig.service.dispose();
    expect([devices[3].stopped, devices[5].stopped]).toEqual([true, true]);
    expect(rig.events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'stopped' });
  });
});

describeWithShared('a live call from two devices', () => {
  const recording = sharedPath('fixtures/calls/en-medtech-pump.wav');

  it('publishes levels, partials and utterances of both sides, and is stored as stopped with its summary', async () => {
    const [repPcm, customerPcm] = await callChannels(recording, 24);
    const devices = {
      3: fakeDevice(repPcm, { speed: 10 }),
      5: fakeDevice(customerPcm, { speed: 10 }),
    };
    const rig = await liveRig({ devices });
    const before = openResources();

    const started = await rig.service.invoke('call.startLive', {});
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const { callId } = started.value;
    const said = (speaker: string) =>
      rig.events.some((e) => e.type === 'utterance' && e.speaker === speaker);
    await waitFor(() => said('rep') && said('customer'), 'utterances from both sides');
    const escalated = await rig.service.invoke('call.escalate', { note: 'price' });
    expect(escalated.ok).toBe(true);
    const stopped = await rig.service.invoke('call.stop', {});
    expect(stopped).toEqual({ ok: true, value: { callId } });

    const types = new Set(rig.events.map((e) => e.type));
    expect([...types]).toEqual(
      expect.arrayContaining(['call_started', 'level', 'partial', 'utterance', 'summary']),
    );
    for (const channel of ['rep', 'customer'])
      expect(rig.events.some((e) => e.type === 'level' && e.channel === channel && e.speech)).toBe(
        true,
      );
    expect(rig.events.filter((e) => e.type === 'problem')).toEqual([]);
    expect(rig.events.at(-1)).toMatchObject({
      type: 'call_ended',
      callId,
      reason: 'stopped',
      stored: true,
    });

    const stored = await rig.service.invoke('calls.get', { callId });
    expect(stored.ok && stored.value).toMatchObject({
      status: 'stopped',
      title: 'Live call',
      source: 'USB headset + Monitor of Built-in Audio',
      summary: expect.objectContaining({ talkRatio: expect.any(Object) }),
    });
    expect(stored.ok && stored.value.events.some((e) => e.type === 'escalation')).toBe(true);

    // A late join gets the latest level per channel, not every one of them.
    const snapshot = await rig.service.invoke('call.snapshot', {});
    const levels = snapshot.ok ? snapshot.value.events.filter((e) => e.type === 'level') : [];
    expect(levels.map((e) => e.type === 'level' && e.channel).sort()).toEqual(['customer', 'rep']);

    // Nothing the call opened is left: devices released, no timer of the capture loop.
    expect([devices[3].stopped, devices[5].stopped]).toEqual([true, true]);
    await settled();
    expect(openedSince(before)).toEqual({});
  });

  it('shows cues for what the customer says and takes the rep’s feedback on them', async () => {
    const [repPcm, customerPcm] = await callChannels(recording, 12);
    const rig = await liveRig({
      devices: {
        3: fakeDevice(repPcm, { speed: 10 }),
        5: fakeDevice(customerPcm, { speed: 10 }),
      },
      recognizer: () =>
        new ScriptedAsrEngine([
          'Our pump has a longer battery life than theirs',
          'We are also looking at Helix Devices and their pump is cheaper',
        ]),
    });
    const started = await rig.service.invoke('call.startLive', {});
    expect(started.ok).toBe(true);
    await waitFor(() => rig.events.some((e) => e.type === 'cue'), 'a cue');
    const cue = rig.events.find((e) => e.type === 'cue');
    expect(cue).toMatchObject({ kind: 'battlecard', competitor: 'Helix Devices' });
    if (cue?.type !== 'cue') return;
    const feedback = await rig.service.invoke('cue.feedback', { cueId: cue.id, action: 'helpful' });
    expect(feedback).toEqual({ ok: true, value: { stored: true } });
    await rig.service.invoke('call.stop', {});
    const playbook = await rig.service.invoke('playbook.get', {});
    expect(playbook.ok).toBe(true);
    const stored = started.ok ? await rig.service.invoke('calls.get', started.value) : null;
    expect(stored?.ok && stored.value.events.filter((e) => e.type === 'feedback')).toEqual([
      expect.objectContaining({ cueId: cue.id, action: 'helpful', helpful: true }),
    ]);
  });

  it('goes on with the microphone when the system-audio device fails mid-call', async () => {
    const [repPcm, customerPcm] = await callChannels(recording, 30);
    const devices = {
      3: fakeDevice(repPcm, { speed: 10 }),
      5: fakeDevice(customerPcm, { speed: 10, failAfterMs: 900 }),
    };
    const rig = await liveRig({ devices });
    const before = openResources();
    const started = await rig.service.invoke('call.startLive', {});
    expect(started.ok).toBe(true);
    await waitFor(() => rig.events.some((e) => e.type === 'problem'), 'the device problem');
    const problem = rig.events.find((e) => e.type === 'problem');
    expect(problem).toMatchObject({
      code: 'audio_device_error',
      channel: 'customer',
      fatal: false,
      message: expect.stringMatching(
        /^The system audio device "Monitor of Built-in Audio" failed \(device unplugged\)\. The call goes on with the other device\.$/,
      ),
    });
    expect(devices[5].stopped).toBe(true);
    const repAfter = () =>
      rig.events.some(
        (e) => e.type === 'utterance' && e.speaker === 'rep' && e.t > (problem?.t ?? 0),
      );
    await waitFor(repAfter, 'the rep heard after the failure');
    expect(rig.service.currentCall?.isLive).toBe(true);

    await rig.service.invoke('call.stop', {});
    expect(devices[3].stopped).toBe(true);
    await settled();
    expect(openedSince(before)).toEqual({});
    const stored = started.ok ? await rig.service.invoke('calls.get', started.value) : null;
    expect(stored?.ok && stored.value.status).toBe('stopped');
  });
});
