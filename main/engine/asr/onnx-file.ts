/**
 * Cheap checks of model files before they reach the native sherpa-onnx binding. The binding
 * fails in unfriendly ways on bad input: a missing VAD model gives a detector that silently does
 * nothing, and a file that is not ONNX aborts the whole process from inside onnxruntime. So every
 * model path is checked here first, and problems become `ModelFileError`s that say what to do.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** A model file that is missing or cannot be an ONNX model. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why `file` cannot be used as a model, or null when it exists and is non-empty. */
export function missingFileProblem(file: string): string | null {
  try {
    const info = statSync(file);
    if (!info.isFile()) return 'is not a regular file';
    if (info.size === 0) return 'is empty';
    return null;
  } catch {
    return 'does not exist';
  }
}

/**
 * Checks that `file` exists and starts like a serialized ONNX ModelProto (field 1, ir_version,
 * as a small varint). `what` names the model in the message ("Silero VAD model"), `fix` says
 * how to get a good one. Throws `ModelFileError`.
 */
export function assertOnnxFile(file: string, what: string, fix: string): void {
  const problem = missingFileProblem(file);
  if (problem) throw new ModelFileError(file, `${what} ${file} ${problem}. ${fix}`);
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] !== 0x08 || head[1] < 1 || head[1] > 30) {
    throw new ModelFileError(file, `${what} ${file} is not an ONNX model (wrong header). ${fix}`);
  }
}

/** Checks that a plain file (such as tokens.txt) exists and is non-empty. Throws `ModelFileError`. */
export function assertPlainFile(file: string, what: string, fix: string): void {
  const problem = missingFileProblem(file);
  if (problem) throw new ModelFileError(file, `${what} ${file} ${problem}. ${fix}`);
}
