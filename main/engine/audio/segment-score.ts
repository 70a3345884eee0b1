/**
 * Compares speech segments found by voice activity detection with reference spans (a script's
 * timed turns, hand-marked speech). Used by the tests and `scripts/audio/vad-report.ts`.
 * All times in seconds.
 */
import type { SpeechSegment } from './vad';

/** How one reference span was found. */
export interface SpanMatch {
  reference: SpeechSegment;
  /** Found segments overlapping the span, merged into one stretch; null when nothing overlaps. */
  found: SpeechSegment | null;
  /** found.start - reference.start (positive = found late). */
  startError: number | null;
  /** found.end - reference.end (positive = found past the end). */
  endError: number | null;
  /** Share of the reference span covered by found speech, 0..1. */
  coverage: number;
}

export interface SegmentScore {
  spans: SpanMatch[];
  /** Found segments that overlap no reference span by at least half their length. */
  falseAlarms: SpeechSegment[];
  /** Seconds of found speech outside every reference span. */
  falseAlarmSec: number;
}

function overlap(a: SpeechSegment, b: SpeechSegment): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** Matches `found` against `reference` spans; see `SegmentScore`. */
export function scoreSegments(found: SpeechSegment[], reference: SpeechSegment[]): SegmentScore {
  const spans = reference.map((span): SpanMatch => {
    const hits = found.filter((segment) => overlap(segment, span) > 0);
    if (hits.length === 0)
      return { reference: span, found: null, startError: null, endError: null, coverage: 0 };
    const merged = {
      start: Math.min(...hits.map((s) => s.start)),
      end: Math.max(...hits.map((s) => s.end)),
    };
    const covered = hits.reduce((sum, segment) => sum + overlap(segment, span), 0);
    return {
      reference: span,
      found: merged,
      startError: merged.start - span.start,
      endError: merged.end - span.end,
      coverage: covered / (span.end - span.start),
    };
  });
  const falseAlarms = found.filter((segment) => {
    const inside = reference.reduce((sum, span) => sum + overlap(segment, span), 0);
    return inside < 0.5 * (segment.end - segment.start);
  });
  const falseAlarmSec = found.reduce((sum, segment) => {
    const inside = reference.reduce((total, span) => total + overlap(segment, span), 0);
    return sum + (segment.end - segment.start - inside);
  }, 0);
  return { spans, falseAlarms, falseAlarmSec };
}
