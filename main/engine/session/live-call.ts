/**
 * What a live call needs before any device is opened: the microphone and system-audio devices
 * chosen in Settings, found again among the devices present, and a speech model for the call
 * language, installed and loaded. Each reason not to start is a `LiveCallRefusal` whose message
 * names what is missing and where to fix it, so the UI can show it as it is.
 */
import {
  type AppSettings,
  type AudioDevice,
  type AudioDeviceChoice,
  appSettingsSchema,
  DEFAULT_APP_SETTINGS,
} from '../../contract/api';
import { listModels, type ModelStatus, type ModelStoreOptions, modelForLang } from '../asr/models';
import type { AsrEngine } from '../asr/recognizer';
import type { LiveDevice } from '../audio/live-source';
import {
  createCallEngine,
  isModelUnusable,
  type RecognizerFactory,
} from '../audio/recording-source';
import { createLogger } from '../log';

const log = createLogger('live-call');

/** A live call cannot start; `code` is snake_case, the message is for the rep. */
export class LiveCallRefusal extends Error {
  override readonly name = 'LiveCallRefusal';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The settings a live call reads. */
export type LiveCallSettings = Pick<
  AppSettings,
  'micDevice' | 'systemDevice' | 'lang' | 'asrModel'
>;

/** Reads the live-call settings from stored settings; a field that is not valid counts as unset. */
export function liveCallSettings(stored: Record<string, unknown>): LiveCallSettings {
  const field = <K extends keyof LiveCallSettings>(key: K): LiveCallSettings[K] => {
    const parsed = appSettingsSchema.shape[key].safeParse(stored[key]);
    return parsed.success ? (parsed.data as LiveCallSettings[K]) : DEFAULT_APP_SETTINGS[key];
  };
  return {
    micDevice: field('micDevice'),
    systemDevice: field('systemDevice'),
    lang: field('lang'),
    asrModel: field('asrModel'),
  };
}

export interface LiveCallDeps {
  /** The input devices present now. */
  listDevices: () => Promise<AudioDevice[]>;
  /** Where speech models are installed. */
  modelStore: ModelStoreOptions;
  /** Builds the recognizer; default the installed sherpa-onnx model (tests pass a fake). */
  recognizerFactory?: RecognizerFactory;
}

/** A live call ready to open its devices. */
export interface LiveCallPlan {
  microphone: LiveDevice;
  systemAudio: LiveDevice;
  lang: 'en' | 'zh' | 'auto';
  /** The speech model's name. */
  model: string;
  /** The loaded recognizer for that model, shared by both channels. */
  engine: AsrEngine;
}

const LANG_NAMES = { en: 'English', zh: 'Chinese' } as const;
const DEVICES_HINT = 'Settings → Audio devices';
const MODELS_HINT = 'Settings → Speech models';

/**
 * The device present now that `choice` means: the one of that name (on the same host API when
 * there is one; with the same id when several share the name). Null when none has the name:
 * an id alone is never trusted, since PortAudio renumbers devices when one is plugged in or out.
 */
export function findDevice(
  choice: AudioDeviceChoice,
  present: readonly AudioDevice[],
): AudioDevice | null {
  const named = present.filter((device) => device.name === choice.name);
  const sameApi = named.filter((device) => device.hostApi === choice.hostApi);
  const candidates = sameApi.length > 0 ? sameApi : named;
  return candidates.find((device) => device.id === choice.id) ?? candidates[0] ?? null;
}

/**
 * Checks everything a live call needs and loads its recognizer, opening no device. `lang`
 * overrides the call language setting. Throws `LiveCallRefusal` when a device is not chosen or
 * not present, or no installed model fits the call language.
 */
export async function prepareLiveCall(
  settings: LiveCallSettings,
  lang: 'en' | 'zh' | 'auto' | undefined,
  deps: LiveCallDeps,
): Promise<LiveCallPlan> {
  const { micDevice, systemDevice } = settings;
  if (!micDevice || !systemDevice) throw notChosen(micDevice, systemDevice);
  if (micDevice.name === systemDevice.name && micDevice.hostApi === systemDevice.hostApi) {
    throw new LiveCallRefusal(
      'same_device',
      `The microphone and the system audio are both "${micDevice.name}". Choose the monitor ` +
        `or loopback of the computer's sound output as the system audio in ${DEVICES_HINT}.`,
    );
  }

  const callLang = lang ?? settings.lang;
  const model = await chooseModel(settings.asrModel, callLang, deps.modelStore);

  const present = await deps.listDevices();
  const microphone = findDevice(micDevice, present);
  const systemAudio = findDevice(systemDevice, present);
  if (!microphone || !systemAudio) {
    throw notPresent(
      [
        ['the microphone', micDevice, microphone],
        ['the system audio', systemDevice, systemAudio],
      ],
      present.length,
    );
  }
  for (const [choice, found] of [
    [micDevice, microphone],
    [systemDevice, systemAudio],
  ] as const) {
    if (choice.id !== undefined && choice.id !== found.id)
      log.info(
        { device: found.name, savedId: choice.id, id: found.id },
        'prepareLiveCall: device found again under a new id',
      );
  }

  let engine: AsrEngine;
  try {
    engine = await createCallEngine({
      asrModel: model,
      lang: callLang,
      recognizerFactory: deps.recognizerFactory,
      modelStore: deps.modelStore,
    });
  } catch (error) {
    if (!isModelUnusable(error)) throw error;
    const message = (error as Error).message;
    throw new LiveCallRefusal(
      modelProblemCode(error as Error),
      `${message}${/[.!?]$/.test(message) ? '' : '.'} ${MODELS_HINT} can download it too.`,
    );
  }
  return {
    microphone: { id: microphone.id, name: microphone.name },
    systemAudio: { id: systemAudio.id, name: systemAudio.name },
    lang: callLang,
    model,
    engine,
  };
}

function notChosen(
  micDevice: AudioDeviceChoice | null,
  systemDevice: AudioDeviceChoice | null,
): LiveCallRefusal {
  const missing = [
    micDevice ? null : 'a microphone (you)',
    systemDevice
      ? null
      : "a system-audio device (the customer: the monitor or loopback of the computer's " +
        'sound output)',
  ].filter(Boolean);
  return new LiveCallRefusal(
    'no_device',
    `No audio device is chosen for ${missing.join(' or ')}. Choose ` +
      `${missing.length > 1 ? 'both' : 'it'} in ${DEVICES_HINT}, then start the call again.`,
  );
}

function notPresent(
  devices: Array<[string, AudioDeviceChoice, AudioDevice | null]>,
  presentCount: number,
): LiveCallRefusal {
  const gone = devices
    .filter(([, , found]) => !found)
    .map(([role, choice]) => `${role} "${choice.name}"`);
  const several = gone.length > 1;
  const none = presentCount === 0 ? ' No audio input device is present at all.' : '';
  return new LiveCallRefusal(
    'device_missing',
    `${capitalize(gone.join(' and '))} chosen in Settings ${several ? 'are' : 'is'} not ` +
      `connected.${none} Plug ${several ? 'them' : 'it'} in, or choose another in ` +
      `${DEVICES_HINT}.`,
  );
}

/** The installed model for the call: the one chosen in Settings, else the one for `lang`. */
async function chooseModel(
  chosen: string | null,
  lang: 'en' | 'zh' | 'auto',
  store: ModelStoreOptions,
): Promise<string> {
  const models = await listModels(store);
  const installed = models.filter((model) => model.installed);
  const fallback = models.find((model) => model.isDefault) ?? models[0];
  if (installed.length === 0) {
    throw new LiveCallRefusal(
      'model_missing',
      'No speech recognition model is installed, so Cuecard cannot transcribe the call. ' +
        `Download one in ${MODELS_HINT}, or run: cuecard models pull ${fallback.name}`,
    );
  }

  if (chosen) {
    const model = models.find((m) => m.name === chosen);
    if (!model) {
      throw new LiveCallRefusal(
        'model_unknown',
        `The speech model "${chosen}" chosen in Settings is not one Cuecard knows (known: ` +
          `${models.map((m) => m.name).join(', ')}). Choose another in ${MODELS_HINT}.`,
      );
    }
    if (!model.installed) {
      throw new LiveCallRefusal(
        'model_missing',
        `The speech model ${chosen} chosen in Settings is not installed. Download it in ` +
          `${MODELS_HINT}, or run: cuecard models pull ${chosen}`,
      );
    }
    if (lang !== 'auto' && !model.languages.includes(lang)) {
      const fits = modelFor(models, lang);
      throw new LiveCallRefusal(
        'model_language',
        `The call language is ${LANG_NAMES[lang]} (${lang}), but the speech model ${chosen} ` +
          `chosen in Settings knows only ${languageList(model)}. Choose a model for ` +
          `${LANG_NAMES[lang]} in ${MODELS_HINT}` +
          (fits ? ` (cuecard models pull ${fits.name})` : '') +
          ', or change the call language.',
      );
    }
    return model.name;
  }

  const name = await modelForLang(lang, store);
  const model = models.find((m) => m.name === name);
  if (!model?.installed) {
    const which =
      lang === 'auto'
        ? 'Detecting the call language'
        : `The call language ${LANG_NAMES[lang]} (${lang})`;
    throw new LiveCallRefusal(
      'model_missing',
      `${which} needs the speech model ${name}, which is not installed (installed: ` +
        `${installed.map((m) => m.name).join(', ')}). Download it in ${MODELS_HINT}, or run: ` +
        `cuecard models pull ${name}`,
    );
  }
  return model.name;
}

function modelFor(models: readonly ModelStatus[], lang: 'en' | 'zh'): ModelStatus | undefined {
  const fitting = models.filter((model) => model.languages.includes(lang));
  return fitting.find((model) => model.isDefault) ?? fitting[0];
}

function languageList(model: ModelStatus): string {
  return model.languages.map((lang) => LANG_NAMES[lang]).join(' and ');
}

/** `model_missing`, `model_file` or `asr_config`, after the error's class. */
function modelProblemCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error.name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
