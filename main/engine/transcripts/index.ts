/** Transcript files (WebVTT, SubRip, JSON) as call sources. */
export { loadTranscript, type LoadTranscriptOptions, SUPPORTED_FORMATS, sniffFormat } from './load';
export { TranscriptSource } from './transcript-source';
export {
  type Transcript,
  TranscriptError,
  type TranscriptFormat,
  type TranscriptTurn,
} from './types';
