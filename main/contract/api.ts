/**
 * Commands the UI sends to the engine, and what each returns. One declaration serves both
 * transports (Electron IPC through the preload bridge, and HTTP + WebSocket for browsers).
 * Payloads are validated with the zod schemas below at every boundary; results cross as
 * `Result` objects, never as thrown errors.
 */
import { z } from 'zod';
import type { CallEvent, CallSummary } from './events';

export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string } };

export const CallIdSchema = z.string().min(1).max(100);

export const commandSchemas = {
  /** Start a call that replays a recording or transcript (the test and demo path). */
  'call.startReplay': z.object({
    file: z.string().min(1),
    rep: z.string().optional(),
    lang: z.enum(['en', 'zh', 'auto']).optional(),
    realtime: z.boolean().optional(),
  }),
  /**
   * Start a live call from the microphone and system-audio devices chosen in Settings. `lang`
   * overrides the call language setting for this call. Refused (an error result, nothing
   * opened) while a call runs, without both devices present, or without a usable ASR model.
   */
  'call.startLive': z.object({ lang: z.enum(['en', 'zh', 'auto']).optional() }),
  'call.stop': z.object({}),
  /** Everything that happened in the current call so far, for a UI that joins late. */
  'call.snapshot': z.object({}),
  'cue.feedback': z.object({
    cueId: z.string().min(1),
    action: z.enum(['helpful', 'not_helpful', 'pinned', 'dismissed']),
  }),
  'call.escalate': z.object({ note: z.string().max(2000).default('') }),
  'calls.list': z.object({
    query: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  'calls.get': z.object({ callId: CallIdSchema }),
  'playbook.get': z.object({}),
  'settings.get': z.object({}),
  'settings.set': z.object({ patch: z.record(z.string(), z.unknown()) }),
  'models.list': z.object({}),
  'models.pull': z.object({ name: z.string().min(1) }),
  'models.verify': z.object({ name: z.string().min(1).optional() }),
  'audio.devices': z.object({}),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandArgs<C extends CommandName> = z.input<(typeof commandSchemas)[C]>;

export interface CallListItem {
  id: string;
  title: string;
  source: string;
  lang: string;
  startedAt: string;
  endedAt: string | null;
  /**
   * 'completed' (the source ended), 'stopped' (the user ended it early), 'interrupted' (cut
   * short by an error or a crash), or 'live'.
   */
  status: 'live' | 'completed' | 'stopped' | 'interrupted';
  /** Seconds of call time: where the call ended, not how long processing took. */
  durationS: number;
  competitors: string[];
  /** Matching transcript line when the list was searched. */
  snippet?: string;
}

export interface CallDetail extends CallListItem {
  events: CallEvent[];
  summary: CallSummary | null;
}

/** What each command returns on success. */
export interface CommandResults {
  'call.startReplay': { callId: string };
  'call.startLive': { callId: string };
  'call.stop': { callId: string | null };
  'call.snapshot': { callId: string | null; events: CallEvent[] };
  'cue.feedback': { stored: true };
  'call.escalate': { escalationId: string };
  'calls.list': CallListItem[];
  'calls.get': CallDetail;
  'playbook.get': PlaybookView;
  'settings.get': Record<string, unknown>;
  'settings.set': Record<string, unknown>;
  'models.list': ModelStatus[];
  'models.pull': ModelStatus;
  'models.verify': ModelStatus[];
  'audio.devices': AudioDevice[];
}

export interface PlaybookView {
  dir: string;
  battlecards: Array<{
    id: string;
    competitor: string;
    aliases: string[];
    theirClaims: string[];
    ourFacts: string[];
    landmines: string[];
  }>;
  talkTracks: Array<{
    id: string;
    title: Record<string, string>;
    intent: string | null;
    phrasings: Record<string, string[]>;
    evidence: string[];
    record: { shown: number; helpful: number; notHelpful: number };
  }>;
  rules: Array<{ id: string; description: string }>;
  /** Problems of the playbook asked for; `column` is given for YAML and encoding errors. */
  errors: Array<{
    file: string;
    line: number | null;
    column?: number;
    field: string;
    message: string;
  }>;
}

export interface ModelStatus {
  name: string;
  languages: string[];
  sizeBytes: number;
  state: 'missing' | 'downloading' | 'installed' | 'corrupt';
  progress?: number;
  message?: string;
}

export interface AudioDevice {
  id: number;
  name: string;
  inputChannels: number;
  hostApi: string;
}

/** Server-to-UI push messages (besides command results). */
export type PushMessage =
  | { kind: 'event'; event: CallEvent }
  | { kind: 'model_progress'; status: ModelStatus };

/**
 * The engine as the UI sees it. The Electron main process exposes it over IPC; the local
 * server exposes it over HTTP + WebSocket. Implementations never throw from `invoke`.
 */
export interface EngineApi {
  invoke<C extends CommandName>(
    command: C,
    args: CommandArgs<C>,
  ): Promise<Result<CommandResults[C]>>;
  /** Receives every push message until the returned function is called. */
  subscribe(listener: (message: PushMessage) => void): () => void;
}

/** Every command name, for transports that route by name. */
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name);
}

/**
 * Checks a command name and its arguments at a transport boundary. On success the arguments
 * come back parsed (defaults applied); on failure the error names the command and the field.
 */
export function parseCommand(
  command: unknown,
  args: unknown,
): Result<{ command: CommandName; args: unknown }> {
  if (!isCommandName(command)) {
    return {
      ok: false,
      error: { code: 'unknown_command', message: `unknown command: ${String(command)}` },
    };
  }
  const parsed = commandSchemas[command].safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(arguments)';
    return {
      ok: false,
      error: { code: 'bad_args', message: `${command}: ${field}: ${issue?.message ?? 'invalid'}` },
    };
  }
  return { ok: true, value: { command, args: parsed.data } };
}

/** IPC channel names between the Electron main process and the preload bridge. */
export const IPC_CHANNELS = {
  /** Renderer -> main, `ipcRenderer.invoke(channel, command, args)` -> `Result`. */
  invoke: 'cuecard:invoke',
  /** Main -> renderer, one `PushMessage` per send. */
  push: 'cuecard:push',
} as const;

/**
 * What the preload script exposes as `window.cuecard`: the same shape as `EngineApi`, so the
 * renderer talks to either transport through one interface.
 */
export type CuecardBridge = EngineApi;

/** Overlay behaviour the user can change. Opacity is 0.3..1 (1 = opaque). */
export const overlaySettingsSchema = z.object({
  opacity: z.number().min(0.3).max(1),
  clickThrough: z.boolean(),
  /** Electron accelerator that shows or hides the overlay, e.g. "CommandOrControl+Shift+Space". */
  shortcut: z.string().min(1).max(60),
});

/**
 * An audio input device as Settings remembers it. A device is found again by its `name` (and
 * `hostApi`, when several APIs list the same name): PortAudio numbers devices anew whenever one
 * is plugged in or out, so `id` is only a hint that picks between devices of the same name.
 */
export const audioDeviceChoiceSchema = z.object({
  name: z.string().min(1).max(300),
  hostApi: z.string().max(100).optional(),
  id: z.number().int().optional(),
});

export type AudioDeviceChoice = z.infer<typeof audioDeviceChoiceSchema>;

/**
 * The app's settings as the Settings view edits them. `micDevice` (the rep) and `systemDevice`
 * (the customer: a monitor or loopback of the computer's audio output) are devices of
 * `audio.devices`, null until chosen; a live call needs both. `asrModel` is a name from
 * `models.list`; null picks the installed model that fits the call language.
 */
export const appSettingsSchema = z.object({
  micDevice: audioDeviceChoiceSchema.nullable(),
  systemDevice: audioDeviceChoiceSchema.nullable(),
  lang: z.enum(['en', 'zh', 'auto']),
  uiLang: z.enum(['system', 'en', 'zh']),
  asrModel: z.string().max(200).nullable(),
  playbookDir: z.string().max(1000).nullable(),
  overlay: overlaySettingsSchema,
});

export type AppSettings = z.infer<typeof appSettingsSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = {
  micDevice: null,
  systemDevice: null,
  lang: 'auto',
  uiLang: 'system',
  asrModel: null,
  playbookDir: null,
  overlay: { opacity: 0.92, clickThrough: false, shortcut: 'CommandOrControl+Shift+Space' },
};
