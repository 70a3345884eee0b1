import { describe, expect, it } from 'vitest';
import type { AudioDevice } from '../../../main/contract/api';
import { findDevice, liveCallSettings } from '../../../main/engine/session/live-call';

const device = (id: number, name: string, hostApi = 'ALSA'): AudioDevice => ({
  id,
  name,
  hostApi,
  inputChannels: 1,
});

describe('finding the devices chosen in Settings', () => {
  it('finds a re-plugged device by its name under its new id', () => {
    const present = [device(0, 'Built-in Microphone'), device(4, 'Jabra Evolve 40')];
    expect(findDevice({ name: 'Jabra Evolve 40', hostApi: 'ALSA', id: 2 }, present)).toEqual(
      present[1],
    );
  });

  it('never takes the device that now has the saved id under another name', () => {
    const present = [device(2, 'Built-in Microphone')];
    expect(findDevice({ name: 'Jabra Evolve 40', hostApi: 'ALSA', id: 2 }, present)).toBeNull();
  });

  it('picks among devices of the same name by host API, then by id', () => {
    const present = [
      device(1, 'Headset', 'MME'),
      device(7, 'Headset', 'Windows WASAPI'),
      device(8, 'Headset', 'Windows WASAPI'),
    ];
    expect(findDevice({ name: 'Headset', hostApi: 'Windows WASAPI' }, present)?.id).toBe(7);
    expect(findDevice({ name: 'Headset', hostApi: 'Windows WASAPI', id: 8 }, present)?.id).toBe(8);
    // The same name under another host API is still that device.
    expect(findDevice({ name: 'Headset', hostApi: 'ALSA', id: 3 }, [present[0]])?.id).toBe(1);
  });
});

describe('the settings a live call reads', () => {
  it('counts a device saved in an older form (a bare id) as not chosen', () => {
    expect(
      liveCallSettings({ micDevice: 3, systemDevice: { name: 'Monitor' }, lang: 'zh' }),
    ).toEqual({ micDevice: null, systemDevice: { name: 'Monitor' }, lang: 'zh', asrModel: null });
  });
});
