/**
 * Settings: the two audio devices of a live call, call and interface language, speech models
 * (which is installed and used, download with progress, verify), the playbook folder and the
 * overlay's behaviour.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AppSettings,
  type AudioDevice,
  type AudioDeviceChoice,
  DEFAULT_APP_SETTINGS,
  type ModelStatus,
} from '../../../main/contract/api';
import { useEngine } from '../engine-context';
import { setUiLang } from '../i18n';

export function SettingsView() {
  const { t } = useTranslation();
  const engine = useEngine();
  const [settings, setSettings] = useState<AppSettings>(DEFAULT_APP_SETTINGS);
  const [devices, setDevices] = useState<AudioDevice[]>([]);
  const [models, setModels] = useState<ModelStatus[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void engine.invoke('settings.get', {}).then((result) => {
      if (result.ok)
        setSettings((s) => ({
          ...s,
          ...(result.value as Partial<AppSettings>),
          overlay: { ...s.overlay, ...((result.value as Partial<AppSettings>).overlay ?? {}) },
        }));
    });
    void engine.invoke('models.list', {}).then((result) => result.ok && setModels(result.value));
    return engine.subscribe((push) => {
      if (push.kind !== 'model_progress') return;
      setModels((list) => {
        const known = list.some((m) => m.name === push.status.name);
        return known
          ? list.map((m) => (m.name === push.status.name ? push.status : m))
          : [...list, push.status];
      });
    });
  }, [engine]);

  const [listing, setListing] = useState(false);
  const listDevices = useCallback(async () => {
    setListing(true);
    const result = await engine.invoke('audio.devices', {});
    setListing(false);
    if (result.ok) setDevices(result.value);
    else setMessage(result.error.message);
  }, [engine]);
  useEffect(() => {
    void listDevices();
  }, [listDevices]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const result = await engine.invoke('settings.set', {
      patch: settings as unknown as Record<string, unknown>,
    });
    setMessage(result.ok ? t('settings.saved') : result.error.message);
    if (result.ok && settings.uiLang !== 'system') setUiLang(settings.uiLang);
  };
  const modelAction = async (command: 'models.pull' | 'models.verify', name: string) => {
    const result = await engine.invoke(command, { name });
    if (!result.ok) setMessage(result.error.message);
    const list = await engine.invoke('models.list', {});
    if (list.ok) setModels(list.value);
  };
  const deviceSelect = (key: 'micDevice' | 'systemDevice', label: string, hint?: string) => {
    const chosen = settings[key];
    const present = chosen ? presentDevice(chosen, devices) : undefined;
    return (
      <label>
        {label}
        <select
          value={present ? deviceKey(present) : chosen ? deviceKey(chosen) : ''}
          onChange={(e) => {
            const device = devices.find((d) => deviceKey(d) === e.target.value);
            setSettings({ ...settings, [key]: device ? deviceChoice(device) : chosen });
          }}
          data-testid={`setting-${key}`}
        >
          {!chosen && <option value="">{t('settings.chooseDevice')}</option>}
          {chosen && !present && (
            <option value={deviceKey(chosen)}>
              {chosen.name} — {t('settings.deviceMissing')}
            </option>
          )}
          {devices.map((device) => (
            <option key={device.id} value={deviceKey(device)}>
              {device.name} ({device.hostApi})
            </option>
          ))}
        </select>
        {chosen && !present && !listing && (
          <span className="warning" role="alert" data-testid={`device-missing-${key}`}>
            ⚠ {t('settings.deviceMissingHint', { name: chosen.name })}
          </span>
        )}
        {hint && <span className="muted hint">{hint}</span>}
      </label>
    );
  };

  const installed = models.filter((model) => model.state === 'installed');
  const chosenModel = models.find((model) => model.name === settings.asrModel);
  const modelSummary =
    models.length === 0
      ? null
      : installed.length === 0
        ? { warn: true, text: t('settings.noModel', { name: models[0].name }) }
        : chosenModel && chosenModel.state !== 'installed'
          ? { warn: true, text: t('settings.chosenMissing', { name: chosenModel.name }) }
          : chosenModel
            ? { warn: false, text: t('settings.modelUsed', { name: chosenModel.name }) }
            : {
                warn: false,
                text: t('settings.modelAuto', {
                  names: installed.map((model) => model.name).join(', '),
                }),
              };

  return (
    <form className="page settings" onSubmit={save} data-testid="settings">
      <h1>{t('settings.title')}</h1>
      <fieldset>
        <legend>{t('settings.devices')}</legend>
        {deviceSelect('micDevice', t('settings.mic'))}
        {deviceSelect('systemDevice', t('settings.system'), t('settings.systemHint'))}
        {!listing && devices.length === 0 && (
          <p className="warning" data-testid="no-devices">
            {t('settings.noDevices')}
          </p>
        )}
        <button type="button" onClick={() => void listDevices()} disabled={listing}>
          {t('settings.refreshDevices')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('lang.label')}</legend>
        <label>
          {t('settings.callLang')}
          <select
            value={settings.lang}
            onChange={(e) =>
              setSettings({ ...settings, lang: e.target.value as AppSettings['lang'] })
            }
          >
            <option value="auto">{t('settings.auto')}</option>
            <option value="en">English</option>
            <option value="zh">中文</option>
          </select>
        </label>
        <label>
          {t('settings.uiLang')}
          <select
            value={settings.uiLang}
            onChange={(e) =>
              setSettings({ ...settings, uiLang: e.target.value as AppSettings['uiLang'] })
            }
          >
            <option value="system">{t('settings.followSystem')}</option>
            <option value="en">English</option>
            <option value="zh">中文</option>
          </select>
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('settings.models')}</legend>
        {modelSummary && (
          <p
            className={modelSummary.warn ? 'warning' : 'muted'}
            role={modelSummary.warn ? 'alert' : undefined}
            data-testid="model-summary"
          >
            {modelSummary.warn ? '⚠ ' : ''}
            {modelSummary.text}
          </p>
        )}
        <ul className="models">
          <li>
            <label className="inline">
              <input
                type="radio"
                name="asrModel"
                checked={settings.asrModel === null}
                onChange={() => setSettings({ ...settings, asrModel: null })}
              />
              {t('settings.modelByLang')}
            </label>
          </li>
          {models.map((model) => (
            <li key={model.name} data-testid="model-row">
              <label className="inline">
                <input
                  type="radio"
                  name="asrModel"
                  checked={settings.asrModel === model.name}
                  onChange={() => setSettings({ ...settings, asrModel: model.name })}
                />
                <strong>{model.name}</strong>
              </label>{' '}
              <span className={`model-state ${model.state}`} data-testid="model-state">
                {model.state === 'installed' ? '✓ ' : ''}
                {t(`settings.modelState.${model.state}`)}
              </span>
              <span className="muted">
                {model.languages.join(', ')} · {(model.sizeBytes / 1e6).toFixed(0)} MB
              </span>
              {model.state === 'downloading' && (
                <progress max={1} value={model.progress ?? 0} data-testid="model-progress" />
              )}
              {model.message && <span className="muted"> {model.message}</span>}
              <button
                type="button"
                onClick={() => modelAction('models.pull', model.name)}
                disabled={model.state === 'downloading' || model.state === 'installed'}
              >
                {t('settings.download')}
              </button>
              <button
                type="button"
                onClick={() => modelAction('models.verify', model.name)}
                disabled={model.state !== 'installed' && model.state !== 'corrupt'}
              >
                {t('settings.verify')}
              </button>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>{t('settings.playbookFolder')}</legend>
        <input
          type="text"
          value={settings.playbookDir ?? ''}
          onChange={(e) => setSettings({ ...settings, playbookDir: e.target.value || null })}
          data-testid="setting-playbookDir"
        />
      </fieldset>
      <fieldset>
        <legend>{t('settings.overlay')}</legend>
        <label>
          {t('settings.opacity')} ({Math.round(settings.overlay.opacity * 100)}%)
          <input
            type="range"
            min={0.3}
            max={1}
            step={0.05}
            value={settings.overlay.opacity}
            onChange={(e) =>
              setSettings({
                ...settings,
                overlay: { ...settings.overlay, opacity: Number(e.target.value) },
              })
            }
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={settings.overlay.clickThrough}
            onChange={(e) =>
              setSettings({
                ...settings,
                overlay: { ...settings.overlay, clickThrough: e.target.checked },
              })
            }
          />
          {t('settings.clickThrough')}
        </label>
        <label>
          {t('settings.shortcut')}
          <input
            type="text"
            value={settings.overlay.shortcut}
            onChange={(e) =>
              setSettings({
                ...settings,
                overlay: { ...settings.overlay, shortcut: e.target.value },
              })
            }
          />
        </label>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="settings-save">
          {t('settings.save')}
        </button>
        {message && (
          <span role="status" data-testid="settings-message">
            {message}
          </span>
        )}
      </div>
    </form>
  );
}

/** Identifies a device in the picker by what survives re-plugging: its name and host API. */
function deviceKey(device: Pick<AudioDevice, 'name'> & { hostApi?: string }): string {
  return `${device.hostApi ?? ''}\u0000${device.name}`;
}

/** The device present that a saved choice means, found as the engine finds it: by name. */
function presentDevice(
  choice: AudioDeviceChoice,
  devices: readonly AudioDevice[],
): AudioDevice | undefined {
  const named = devices.filter((device) => device.name === choice.name);
  return named.find((device) => device.hostApi === choice.hostApi) ?? named[0];
}

function deviceChoice(device: AudioDevice): AudioDeviceChoice {
  return { name: device.name, hostApi: device.hostApi, id: device.id };
}
