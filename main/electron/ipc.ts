/**
 * The only module that touches `ipcMain`. It exposes the engine to the renderer on one invoke
 * channel and forwards push messages to the app's windows. Every message's sender frame and
 * payload are checked; answers are always `Result` objects.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  type CommandName,
  type EngineApi,
  IPC_CHANNELS,
  type PushMessage,
  parseCommand,
  type Result,
} from '../contract/api';
import { createLogger } from '../engine/log';

const log = createLogger('ipc');

/** A command answered in the main process instead of the engine (e.g. settings). */
export type LocalHandler = (args: unknown) => Promise<Result<unknown>> | Result<unknown>;

export interface EngineIpcOptions {
  engine: EngineApi;
  /** Whether a frame URL belongs to the app's own renderer. */
  isTrustedSender: (frameUrl: string | null | undefined) => boolean;
  /** Commands served by the main process itself. */
  localHandlers?: Partial<Record<CommandName, LocalHandler>>;
  /** Windows that receive push messages, looked up at each push. */
  pushTargets: () => WebContents[];
}

/** Answers one invoke from the renderer. Exported for tests; never throws. */
export async function handleInvoke(
  options: Pick<EngineIpcOptions, 'engine' | 'isTrustedSender' | 'localHandlers'>,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  command: unknown,
  args: unknown,
): Promise<Result<unknown>> {
  const frameUrl = event.senderFrame?.url;
  if (!options.isTrustedSender(frameUrl)) {
    log.warn({ frameUrl, command: String(command) }, 'handleInvoke: refused foreign sender');
    return { ok: false, error: { code: 'forbidden', message: 'sender is not a Cuecard page' } };
  }
  const parsed = parseCommand(command, args);
  if (!parsed.ok) {
    log.warn(
      { command: String(command), error: parsed.error.message },
      'handleInvoke: bad payload',
    );
    return parsed;
  }
  const { command: name, args: checkedArgs } = parsed.value;
  try {
    const local = options.localHandlers?.[name];
    if (local) return await local(checkedArgs);
    return await options.engine.invoke(name, checkedArgs as never);
  } catch (error) {
    log.error({ command: name, err: (error as Error).message }, 'handleInvoke: handler threw');
    return {
      ok: false,
      error: { code: 'internal', message: `${name}: ${(error as Error).message}` },
    };
  }
}

/** Registers the invoke handler and push forwarding. The returned function undoes both. */
export function registerEngineIpc(options: EngineIpcOptions): () => void {
  ipcMain.handle(IPC_CHANNELS.invoke, (event, command: unknown, args: unknown) =>
    handleInvoke(options, event, command, args),
  );
  const unsubscribe = options.engine.subscribe((message: PushMessage) => {
    for (const contents of options.pushTargets()) {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.push, message);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.invoke);
  };
}
