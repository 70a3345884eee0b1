/**
 * Reads RIFF/WAVE recordings: 16-bit PCM, any sample rate, mono or stereo. The header is parsed
 * with small positional reads and the audio is streamed from disk in blocks, so a recording of
 * several hours never has to fit in memory.
 *
 * Channel layout of a stereo call recording: channel 0 = the rep's microphone, channel 1 = the
 * customer (system audio). A mono recording is one mixed channel whose speaker is unknown.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

/** What Cuecard can read, repeated in every format error so the user knows what to convert to. */
export const SUPPORTED_WAV =
  'supported: RIFF/WAVE, 16-bit integer PCM (WAVE_FORMAT_PCM or EXTENSIBLE with PCM subformat), ' +
  '1 or 2 channels, any sample rate';

/** A recording that Cuecard cannot read. The message names the file, the problem and the fix. */
export class AudioFormatError extends Error {
  override readonly name = 'AudioFormatError';
  /** Problem code when a replay reports this error. */
  readonly code = 'audio_format';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${path.basename(file)}: ${problem} (${SUPPORTED_WAV}) [${file}]`);
  }
}

/** Header facts of a readable recording. */
export interface WavInfo {
  file: string;
  /** Samples per second per channel, in Hz. */
  sampleRate: number;
  channels: 1 | 2;
  /** Byte offset of the first audio frame. */
  dataOffset: number;
  /** Bytes of whole audio frames available in the file. */
  dataBytes: number;
  /** Number of frames (one sample per channel). */
  frames: number;
  /** Length of the recording in seconds. */
  durationSec: number;
  /**
   * What the user should know about a file that is read anyway, one message each naming the
   * file: a data size that does not fit the file (a recorder that crashed or never finished the
   * header), or trailing bytes that make no whole frame.
   */
  warnings: string[];
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** The 14 bytes after the 2-byte format code in a KSDATAFORMAT_SUBTYPE_* GUID. */
const KSDATAFORMAT_GUID_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');
/** Streaming writers leave the data size at 0 or 0xFFFFFFFF until they finish. */
const UNKNOWN_DATA_SIZES = new Set([0, 0xffffffff]);

/** True when `head` (the first 12 or more bytes of a file) starts a RIFF/WAVE or RF64 file. */
export function isWaveFile(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 12));
  const magic = text.toString('latin1', 0, 4);
  return (magic === 'RIFF' || magic === 'RF64') && text.toString('latin1', 8, 12) === 'WAVE';
}

/** True when `header` (8 bytes) can start a RIFF chunk that fits in `room` more bytes. */
function isChunkHeader(header: Buffer, room: number): boolean {
  if (header.length < 8) return false;
  for (let i = 0; i < 4; i++) if (header[i] < 0x20 || header[i] > 0x7e) return false;
  return header.readUInt32LE(4) <= room - 8;
}

function describeFormatCode(code: number): string {
  if (code === WAVE_FORMAT_IEEE_FLOAT) return '32/64-bit floating point';
  if (code === 0x0006) return 'A-law';
  if (code === 0x0007) return 'mu-law';
  if (code === 0x0002 || code === 0x0011) return 'ADPCM';
  if (code === 0x0055) return 'MP3';
  return `format code 0x${code.toString(16).padStart(4, '0')}`;
}

/**
 * Parses the header of `file` and checks that its audio is readable. Throws `AudioFormatError`
 * for anything Cuecard does not support, and the usual Node error when the file cannot be opened.
 */
export async function readWavInfo(file: string): Promise<WavInfo> {
  const fileSize = (await stat(file)).size;
  const fail = (problem: string): never => {
    throw new AudioFormatError(file, problem);
  };
  if (fileSize === 0) fail('the file is empty');
  if (fileSize < 12) fail(`the file is only ${fileSize} bytes, too short for a WAV header`);

  const handle = await open(file, 'r');
  try {
    const readAt = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    };

    const riff = await readAt(0, 12);
    const magic = riff.toString('latin1', 0, 4);
    if (magic === 'RF64') fail('RF64 (64-bit WAV) is not supported');
    if (magic !== 'RIFF') fail(`not a RIFF/WAVE file (starts with ${JSON.stringify(magic)})`);
    if (riff.toString('latin1', 8, 12) !== 'WAVE') fail('RIFF file is not of type WAVE');

    let format: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
    let position = 12;
    while (position + 8 <= fileSize) {
      const header = await readAt(position, 8);
      const id = header.toString('latin1', 0, 4);
      const size = header.readUInt32LE(4);
      const bodyStart = position + 8;

      if (id === 'fmt ') {
        if (size < 16) fail(`fmt chunk is ${size} bytes, expected at least 16`);
        const body = await readAt(bodyStart, Math.min(size, 40));
        if (body.length < 16) fail('truncated: the fmt chunk ends early');
        let code = body.readUInt16LE(0);
        const bits = body.readUInt16LE(14);
        if (code === WAVE_FORMAT_EXTENSIBLE) {
          if (body.length < 40) fail('WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes');
          const subFormat = body.readUInt16LE(24);
          if (!body.subarray(26, 40).equals(KSDATAFORMAT_GUID_TAIL)) {
            fail('WAVE_FORMAT_EXTENSIBLE with an unknown subformat GUID');
          }
          code = subFormat;
        }
        format = { code, channels: body.readUInt16LE(2), sampleRate: body.readUInt32LE(4), bits };
      } else if (id === 'data') {
        if (!format) fail('the data chunk comes before any fmt chunk');
        const fmt = format as NonNullable<typeof format>;
        if (fmt.code !== WAVE_FORMAT_PCM) fail(`audio is ${describeFormatCode(fmt.code)}`);
        if (fmt.bits !== 16) fail(`audio is ${fmt.bits}-bit PCM`);
        if (fmt.channels < 1 || fmt.channels > 2) fail(`audio has ${fmt.channels} channels`);
        if (fmt.sampleRate < 1000 || fmt.sampleRate > 384_000) {
          fail(`sample rate ${fmt.sampleRate} Hz is out of range`);
        }

        const frameBytes = fmt.channels * 2;
        const seconds = (bytes: number) =>
          `${(bytes / (frameBytes * fmt.sampleRate)).toFixed(2)} s`;
        const name = path.basename(file);
        const warnings: string[] = [];
        const available = fileSize - bodyStart;
        let dataBytes = size;
        // The size field is trusted only when it fits the file; otherwise the audio runs to the
        // end of the file, which is what a recorder that crashed or never finished leaves.
        if (UNKNOWN_DATA_SIZES.has(size)) {
          dataBytes = available;
          if (available > 0) {
            warnings.push(
              `${name}: the recorder did not finish this file (its data size is still ` +
                `${size === 0 ? '0' : '0xFFFFFFFF'}); playing the ${seconds(available)} to the end ` +
                'of the file',
            );
          }
        } else if (size > available) {
          dataBytes = available;
          warnings.push(
            `${name}: the recording is cut short: the data chunk declares ${size} bytes ` +
              `(${seconds(size)}) but only ${available} are present; playing the ` +
              `${seconds(available)} that are there (${seconds(size - available)} missing)`,
          );
        } else {
          const after = bodyStart + size + (size % 2);
          if (after < fileSize && !isChunkHeader(await readAt(after, 8), fileSize - after)) {
            dataBytes = available;
            warnings.push(
              `${name}: the data chunk declares ${size} bytes (${seconds(size)}) but ` +
                `${available - size} more bytes of audio follow it (the recorder may not have ` +
                `updated the header); playing all ${seconds(available)}`,
            );
          }
        }
        const frames = Math.floor(dataBytes / frameBytes);
        if (frames === 0) fail('the data chunk holds no audio');
        const partialBytes = dataBytes - frames * frameBytes;
        if (partialBytes > 0) {
          warnings.push(
            `${name}: ignoring the last ${partialBytes} byte(s) of audio data, less than one ` +
              `frame of ${frameBytes} bytes`,
          );
        }
        return {
          file,
          sampleRate: fmt.sampleRate,
          channels: fmt.channels as 1 | 2,
          dataOffset: bodyStart,
          dataBytes: frames * frameBytes,
          frames,
          durationSec: frames / fmt.sampleRate,
          warnings,
        };
      }
      // Chunks are padded to an even length; LIST, fact, cue and others are skipped.
      position = bodyStart + size + (size % 2);
    }
    if (!format) fail('no fmt chunk found');
    return fail('no data chunk found (the file may be truncated)');
  } finally {
    await handle.close();
  }
}

/** One block of audio, one Float32Array per channel, samples in [-1, 1). */
export interface WavBlock {
  channels: Float32Array[];
  /** Frame index of the block's first sample, from the start of the recording. */
  startFrame: number;
}

/**
 * Streams the audio of a recording already checked by `readWavInfo`, `blockFrames` frames at a
 * time (the last block may be shorter). Stops early when `signal` aborts.
 */
export async function* readWavBlocks(
  info: WavInfo,
  options: { blockFrames?: number; signal?: AbortSignal } = {},
): AsyncGenerator<WavBlock> {
  const blockFrames = Math.max(1, Math.floor(options.blockFrames ?? 16_384));
  const frameBytes = info.channels * 2;
  const handle = await open(info.file, 'r');
  try {
    const buffer = Buffer.alloc(blockFrames * frameBytes);
    let frame = 0;
    while (frame < info.frames && !options.signal?.aborted) {
      const framesWanted = Math.min(blockFrames, info.frames - frame);
      const { bytesRead } = await handle.read(
        buffer,
        0,
        framesWanted * frameBytes,
        info.dataOffset + frame * frameBytes,
      );
      const framesRead = Math.floor(bytesRead / frameBytes);
      if (framesRead === 0) {
        throw new AudioFormatError(info.file, 'truncated: the file got shorter while reading it');
      }
      // Buffer.alloc is never pooled, so the view starts at offset 0 (even, as Int16Array needs).
      const pcm = new Int16Array(buffer.buffer, buffer.byteOffset, framesRead * info.channels);
      const channels = Array.from({ length: info.channels }, () => new Float32Array(framesRead));
      for (let c = 0; c < info.channels; c++) {
        const samples = channels[c];
        for (let i = 0, j = c; i < framesRead; i++, j += info.channels) samples[i] = pcm[j] / 32768;
      }
      yield { channels, startFrame: frame };
      frame += framesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Encodes 16-bit PCM WAV bytes (for tests and tools). Samples are clipped to [-1, 1]. */
export function encodeWav(channels: Float32Array[], sampleRate: number): Buffer {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * channelCount * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(channelCount, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channelCount * 2, 28);
  out.writeUInt16LE(channelCount * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      const value = Math.max(-1, Math.min(1, channels[c][i]));
      out.writeInt16LE(Math.round(value * 32767), 44 + (i * channelCount + c) * 2);
    }
  }
  return out;
}
