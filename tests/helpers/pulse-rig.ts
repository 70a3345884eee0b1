/**
 * The PulseAudio test rig for live capture (scripts/audio/setup-pulse.sh): two null sinks whose
 * monitors PortAudio lists as the input devices cuecard_rep and cuecard_customer. A test plays
 * one side of a call into each sink with paplay and captures it as a live call, holding the
 * rig (`withPulseRig`) meanwhile.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { acquireLock } from '../../main/engine/asr/model-lock';
import { encodeWav } from '../../main/engine/audio/wav';
import { callChannels } from './live-call';
import { hasShared, REPO_ROOT } from './shared';

const pulseDir = process.env.CUECARD_PULSE_DIR ?? '/tmp/cuecard-pulse';
export const REP_SINK = 'cuecard_rep';
export const CUSTOMER_SINK = 'cuecard_customer';

let readiness: { ready: boolean; missing: string | null } | null = null;

/**
 * Sets the rig up once per process and points PortAudio at it (before PortAudio first loads).
 * True when it is ready; otherwise warns, naming `what` is skipped and what is missing.
 */
export function preparePulseRig(what: string): boolean {
  readiness ??= setUp();
  if (readiness.missing) console.warn(`SKIPPED ${what}: ${readiness.missing}`);
  return readiness.ready;
}

function setUp(): { ready: boolean; missing: string | null } {
  const hasPulse =
    spawnSync('sh', ['-c', 'command -v pulseaudio && command -v paplay']).status === 0;
  if (!hasPulse) {
    return {
      ready: false,
      missing: 'pulseaudio/paplay not installed (run scripts/audio/setup-pulse.sh)',
    };
  }
  if (!hasShared) {
    return { ready: false, missing: 'shared call fixtures not found (CUECARD_SHARED_DIR)' };
  }
  const setup = spawnSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/audio/setup-pulse.sh'), '--no-install'],
    { encoding: 'utf8' },
  );
  if (setup.status !== 0) {
    return { ready: false, missing: `setup-pulse.sh failed: ${setup.stderr}` };
  }
  process.env.XDG_RUNTIME_DIR = path.join(pulseDir, 'run');
  process.env.XDG_CONFIG_HOME = path.join(pulseDir, 'xdg');
  return { ready: true, missing: null };
}

/** Writes the first `seconds` of each side of a stereo call as mono WAVs in `dir`: [rep, customer]. */
export async function writeCallSides(
  file: string,
  seconds: number,
  dir: string,
): Promise<string[]> {
  const sides = await callChannels(file, seconds);
  return sides.map((pcm, channel) => {
    const out = path.join(dir, `side-${channel}.wav`);
    writeFileSync(out, encodeWav([Float32Array.from(pcm, (v) => v / 32768)], 16_000));
    return out;
  });
}

/**
 * Runs `use` while no other test process plays into the rig: test files run side by side, and
 * two calls played into the same sinks would mix.
 */
export async function withPulseRig<T>(use: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path.join(pulseDir, 'rig.lock'), { pollMs: 200 });
  try {
    return await use();
  } finally {
    await lock.release();
  }
}

/** Plays `file` into a sink of the rig; the caller kills the player if it outlives the test. */
export function playInto(sink: string, file: string): ChildProcess {
  return spawn('paplay', [`--device=${sink}`, file], { stdio: 'ignore' });
}
