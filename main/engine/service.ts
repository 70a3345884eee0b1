/**
 * The engine behind every UI: owns the playbook, the intent model, the store and the current
 * call, and answers the commands of `main/contract/api.ts`. Both transports (Electron IPC and
 * the local HTTP + WebSocket server) wrap one instance of this.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  AudioDevice,
  CommandArgs,
  CommandName,
  CommandResults,
  EngineApi,
  PlaybookView,
  PushMessage,
  Result,
} from '../contract/api';
import { commandSchemas } from '../contract/api';
import type { CallEvent } from '../contract/events';
import { CompetitorMatcher } from './intents/competitors';
import { IntentClassifier } from './intents/classifier';
import { createLogger } from './log';
import {
  competitorNames,
  loadPlaybook,
  localText,
  type Playbook,
  PlaybookError,
} from './playbook/load';
import { defaultPlaybookDir } from './resources';
import { RuleSet } from './rules/engine';
import { CallSession } from './session/call-session';
import { openSource } from './session/open-source';
import { CallStore } from './store/call-store';
import { defaultDataDir } from './store/paths';
import { summarizeCall } from './summary/summarize';
import { listModels, type ModelStoreOptions, pullModel, verifyModel } from './asr/models';
import type { OpenCapture } from './audio/devices';
import { LiveSource } from './audio/live-source';
import type { RecognizerFactory } from './audio/recording-source';
import { liveCallSettings, prepareLiveCall } from './session/live-call';
import { asEngineSettingsStore, openSettingsFile } from './settings';

const log = createLogger('service');

export interface EngineServiceOptions {
  /** The data folder (created when missing); default `defaultDataDir()`. */
  dataDir?: string;
  /** The call database; default `cuecard.db` in the data folder. */
  dbPath?: string;
  /** The playbook; default the saved `playbookDir` setting, else the bundled demo. */
  playbookDir?: string;
  /**
   * Settings storage; default `cuecard.json` in the data folder through conf, validated by
   * the app settings schema (the desktop app passes its electron-store-backed settings).
   */
  settings?: SettingsStore;
  /**
   * Where speech models are installed; default `<data dir>/models/asr` of the user data folder
   * (the folder `cuecard models` uses, which `CUECARD_DATA_DIR` moves).
   */
  modelStore?: ModelStoreOptions;
  /** Replaces parts of live capture. Production leaves it out; tests fake the hardware. */
  live?: LiveCallHooks;
}

/** Test doubles for live calls; each defaults to the real thing. */
export interface LiveCallHooks {
  /** Builds the speech recognizer; default the installed sherpa-onnx model. Tests only. */
  recognizerFactory?: RecognizerFactory;
  /** Opens an input device; default naudiodon. */
  openCapture?: OpenCapture;
  /** Lists the input devices present; default `listAudioDevicesQuietly`. */
  listDevices?: () => Promise<AudioDevice[]>;
}

export interface SettingsStore {
  get(): Record<string, unknown>;
  set(patch: Record<string, unknown>): Record<string, unknown>;
}

export interface EngineService extends EngineApi {
  readonly playbook: Playbook;
  readonly store: CallStore;
  /** What the user should know from startup: a settings file set aside, calls cut short. */
  readonly warnings: readonly string[];
  /** The call in progress, if any. */
  readonly currentCall: CallSession | null;
  dispose(): Promise<void>;
}

/** Everything a call needs besides its source; shared by the CLI and the service. */
export interface EngineParts {
  playbook: Playbook;
  rules: RuleSet;
  intents: IntentClassifier;
  competitors: CompetitorMatcher;
}

/** Loads the playbook, its rules, the intent model and the competitor matcher. */
export async function loadEngineParts(playbookDir = defaultPlaybookDir()): Promise<EngineParts> {
  const playbook = loadPlaybook(playbookDir);
  const intents = await IntentClassifier.load();
  const competitors = new CompetitorMatcher(
    playbook.battlecards.map((b) => ({
      id: b.id,
      name: localText(b.competitor, 'en'),
      aliases: competitorNames(b),
      notWhen: b.not_when,
    })),
  );
  const unheard = playbook.meta.extra_intents.filter(
    (label) => !intents.meta.labels.includes(label),
  );
  if (unheard.length > 0)
    log.warn(
      { dir: playbook.dir, labels: unheard },
      'loadEngineParts: the intent model emits none of these extra intents; their rules stay idle',
    );
  return { playbook, rules: new RuleSet(playbook), intents, competitors };
}

function fail(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export async function createEngineService(
  options: EngineServiceOptions = {},
): Promise<EngineService> {
  const dataDir = options.dataDir ?? defaultDataDir();
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the data folder ${dataDir}: ${(error as Error).message}`);
  }
  const warnings: string[] = [];
  // Throws StoreError naming the file and why when calls could not be stored there.
  const store = CallStore.open(options.dbPath ?? path.join(dataDir, 'cuecard.db'));
  const interrupted = store.markInterruptedCalls();
  if (interrupted.length > 0) {
    log.warn({ calls: interrupted }, 'createEngineService: marked calls cut short as interrupted');
  }

  const settings: SettingsStore =
    options.settings ??
    asEngineSettingsStore(
      (await openSettingsFile(dataDir, { onWarning: (message) => warnings.push(message) }))
        .settings,
    );
  const savedPlaybookDir = settings.get().playbookDir;
  const playbookDir =
    options.playbookDir ?? (typeof savedPlaybookDir === 'string' ? savedPlaybookDir : undefined);

  let playbookErrors: PlaybookView['errors'] = [];
  let parts: EngineParts;
  try {
    parts = await loadEngineParts(playbookDir);
  } catch (error) {
    if (!(error instanceof PlaybookError) || !playbookDir) {
      store.close();
      throw error;
    }
    // A broken team playbook must not stop the app: show its errors and coach from the default.
    playbookErrors = error.issues.map((i) => ({ ...i }));
    log.error(
      { dir: playbookDir, problems: error.issues.length },
      'playbook invalid; using the default',
    );
    warnings.push(
      `${playbookDir}: the playbook has ${error.issues.length} problem(s); coaching from the ` +
        'bundled demo playbook (see Playbook)',
    );
    parts = await loadEngineParts();
  }
  const listeners = new Set<(message: PushMessage) => void>();
  const push = (message: PushMessage) => {
    for (const listener of listeners) listener(message);
  };
  let current: CallSession | null = null;
  /** A live call being prepared (devices listed, model loaded): no other call may start. */
  let startingLive: Promise<unknown> | null = null;
  const modelStore = options.modelStore ?? {};
  const live = options.live ?? {};
  const listDevices =
    live.listDevices ??
    (async () => {
      // Listed in a child process: the native audio libraries' chatter stays out of the terminal.
      const { listAudioDevicesQuietly } = await import('./audio/devices');
      return listAudioDevicesQuietly();
    });

  const refuseWhileBusy = () => {
    if (current?.isLive || startingLive)
      throw new CommandError(
        'call_in_progress',
        'A call is already running; stop it before starting another.',
      );
  };

  const startCall = async (session: CallSession): Promise<{ callId: string }> => {
    current = session;
    session.on((event: CallEvent) => push({ kind: 'event', event }));
    session
      .run()
      .catch((error) => log.error({ callId: session.id, err: String(error) }, 'call failed'));
    return { callId: session.id };
  };

  const startLive = async (lang: 'en' | 'zh' | 'auto' | undefined) => {
    const plan = await prepareLiveCall(liveCallSettings(settings.get()), lang, {
      listDevices,
      modelStore,
      recognizerFactory: live.recognizerFactory,
    });
    const source = new LiveSource({
      microphone: plan.microphone,
      systemAudio: plan.systemAudio,
      lang: plan.lang,
      asrModel: plan.model,
      recognizerFactory: () => plan.engine,
      openCapture: live.openCapture,
    });
    const session = new CallSession(
      { ...parts, summarize: summarizeCall, recorder: store },
      { source, lang: plan.lang, realtime: true, title: 'Live call' },
    );
    log.info(
      {
        callId: session.id,
        microphone: plan.microphone.name,
        systemAudio: plan.systemAudio.name,
        model: plan.model,
      },
      'startLive: starting a live call',
    );
    return startCall(session);
  };

  const handlers: {
    [C in CommandName]: (args: z_out<C>) => Promise<CommandResults[C]> | CommandResults[C];
  } = {
    'call.startReplay': async (args) => {
      refuseWhileBusy();
      const source = await openSource(args.file, { rep: args.rep, lang: args.lang });
      const session = new CallSession(
        { ...parts, summarize: summarizeCall, recorder: store },
        {
          source,
          lang: args.lang,
          realtime: args.realtime ?? true,
          title: path.basename(args.file),
        },
      );
      return startCall(session);
    },
    'call.startLive': async (args) => {
      refuseWhileBusy();
      const starting = startLive(args.lang);
      startingLive = starting;
      try {
        return await starting;
      } finally {
        startingLive = null;
      }
    },
    'call.stop': async () => {
      // A live call still being prepared is stopped once it runs.
      await startingLive?.catch(() => {});
      const session = current;
      if (session?.isLive) await session.stop();
      return { callId: session?.id ?? null };
    },
    'call.snapshot': () => ({ callId: current?.id ?? null, events: current?.snapshot() ?? [] }),
    'cue.feedback': (args) => {
      if (!current?.feedback(args.cueId, args.action)) {
        throw new CommandError('unknown_cue', `no cue ${args.cueId} in the current call`);
      }
      return { stored: true as const };
    },
    'call.escalate': (args) => {
      if (!current?.isLive)
        throw new CommandError('no_call', 'there is no call in progress to escalate');
      return { escalationId: current.escalate(args.note ?? '') };
    },
    'calls.list': (args) => store.listCalls({ query: args.query, limit: args.limit }),
    'calls.get': (args) => {
      const call = store.getCall(args.callId);
      if (!call) throw new CommandError('not_found', `no call ${args.callId}`);
      return call;
    },
    'playbook.get': () => playbookView(parts.playbook, store, playbookErrors),
    'settings.get': () => settings.get(),
    'settings.set': (args) => settings.set(args.patch),
    'models.list': () => listModels(modelStore),
    'models.pull': async (args) =>
      pullModel(args.name, {
        ...modelStore,
        onProgress: (status) => push({ kind: 'model_progress', status }),
      }),
    'models.verify': (args) => verifyModel(args.name, modelStore),
    'audio.devices': () => listDevices(),
  };

  const api: EngineService = {
    get playbook() {
      return parts.playbook;
    },
    store,
    warnings,
    get currentCall() {
      return current;
    },
    async invoke<C extends CommandName>(
      command: C,
      args: CommandArgs<C>,
    ): Promise<Result<CommandResults[C]>> {
      const schema = commandSchemas[command];
      if (!schema) return fail('unknown_command', `unknown command "${String(command)}"`);
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(
          'bad_request',
          `${command}: ${issue.path.join('.') || 'payload'}: ${issue.message}`,
        );
      }
      try {
        const handler = handlers[command] as (
          a: unknown,
        ) => Promise<CommandResults[C]> | CommandResults[C];
        return { ok: true, value: await handler(parsed.data) };
      } catch (error) {
        const code =
          error instanceof CommandError
            ? error.code
            : ((error as { code?: string }).code ?? 'failed');
        const message = error instanceof Error ? error.message : String(error);
        log.warn({ command, code }, `invoke: ${message}`);
        return fail(code, message);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await startingLive?.catch(() => {});
      if (current?.isLive) await current.stop();
      listeners.clear();
      await parts.intents.dispose();
      store.close();
    },
  };
  return api;
}

type z_out<C extends CommandName> = import('zod').output<(typeof commandSchemas)[C]>;

class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function playbookView(
  playbook: Playbook,
  store: CallStore,
  errors: PlaybookView['errors'],
): PlaybookView {
  return {
    dir: playbook.dir,
    battlecards: playbook.battlecards.map((b) => ({
      id: b.id,
      competitor: localText(b.competitor, 'en'),
      aliases: competitorNames(b),
      theirClaims: flat(b.their_claims),
      ourFacts: flat(b.our_facts),
      landmines: flat(b.landmines),
    })),
    talkTracks: playbook.talkTracks.map((t) => ({
      id: t.id,
      title: typeof t.title === 'string' ? { en: t.title, zh: t.title } : t.title,
      intent: t.intent,
      phrasings: Array.isArray(t.phrasings) ? { en: t.phrasings, zh: t.phrasings } : t.phrasings,
      evidence: t.evidence.map((id) => localText(playbook.evidence.get(id)?.text, 'en')),
      record: store.talkTrackRecord(t.id),
    })),
    rules: playbook.rules.map((r) => ({ id: r.id, description: localText(r.description, 'en') })),
    errors,
  };
}

function flat(list: string[] | Partial<Record<string, string[]>>): string[] {
  return Array.isArray(list)
    ? list
    : Object.values(list)
        .flat()
        .filter((s): s is string => Boolean(s));
}
