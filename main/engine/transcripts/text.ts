/**
 * Small text helpers shared by the transcript readers: speaker prefixes ("Name: text"),
 * markup stripping and HTML entity decoding.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The full HTML named-entity table that ships with webvtt-parser (keys like "&amp;"). */
export const HTML_ENTITIES: Record<string, string> = require('webvtt-parser/html-entities.json');

const ENTITY = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?/g;

/** Decodes named and numeric HTML entities; unknown ones are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X'
          ? Number.parseInt(body.slice(2), 16)
          : Number(body.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return HTML_ENTITIES[`&${body};`] ?? HTML_ENTITIES[`&${body}`] ?? whole;
  });
}

/** Removes HTML-like tags (`<i>`, `<font ...>`) and ASS overrides (`{\an8}`) from subtitle text. */
export function stripMarkup(text: string): string {
  return text.replace(/<\/?[A-Za-z][^>]*>/g, '').replace(/\{\\[^}]*\}/g, '');
}

/** Collapses runs of whitespace (including line breaks) to one space and trims. */
export function squashSpaces(text: string): string {
  return text
    .replace(/(\p{Script=Han})[ \t]*\n\s*(?=\p{Script=Han})/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

// A speaker label: starts with a letter (any script), at most 40 characters and 4 words, no
// sentence punctuation. "Speaker 1", "Dana Wu", "王主任", "Dr. Smith" pass; "10:30" does not.
const SPEAKER_PREFIX =
  /^\s*(?:[-–—]\s*|>>\s*)?(\p{L}[\p{L}\p{M}\p{N} .'’_-]{0,39}?)\s*[:：]\s*(\S.*)$/u;

/** Splits "Name: text" into its parts, or returns null when the line has no speaker label. */
export function splitSpeakerPrefix(line: string): { name: string; text: string } | null {
  const match = SPEAKER_PREFIX.exec(line);
  if (!match) return null;
  const name = match[1].trim();
  if (name.split(/\s+/).length > 4) return null;
  // "http://..." and similar are not speakers.
  if (match[2].startsWith('//')) return null;
  return { name, text: match[2] };
}

/**
 * Turns the lines of one cue into speaker segments: a line with a "Name:" label starts a new
 * segment, other lines continue the current one (or an unnamed one).
 */
export function segmentsFromLines(lines: string[]): Array<{ name: string | null; text: string }> {
  const segments: Array<{ name: string | null; text: string }> = [];
  for (const line of lines) {
    const labelled = splitSpeakerPrefix(line);
    if (labelled) {
      segments.push({ name: labelled.name, text: labelled.text });
    } else if (segments.length > 0) {
      segments[segments.length - 1].text += `\n${line}`;
    } else {
      segments.push({ name: null, text: line });
    }
  }
  return segments
    .map((segment) => ({ name: segment.name, text: squashSpaces(segment.text) }))
    .filter((segment) => segment.text.length > 0);
}

/**
 * Gives each speaker segment of one cue its share of the cue's time, in proportion to its
 * length (characters other than spaces), in order. Times are seconds, rounded to milliseconds;
 * a single segment keeps the cue's times.
 */
export function spreadOverCue<T extends { text: string }>(
  segments: T[],
  start: number,
  end: number,
): Array<T & { start: number; end: number }> {
  if (segments.length === 1) return [{ ...segments[0], start, end }];
  const weights = segments.map((segment) => Math.max(1, segment.text.replace(/\s/g, '').length));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const at = (share: number) => Math.round((start + ((end - start) * share) / total) * 1000) / 1000;
  let done = 0;
  return segments.map((segment, i) => {
    const segmentStart = at(done);
    done += weights[i];
    return { ...segment, start: segmentStart, end: i === segments.length - 1 ? end : at(done) };
  });
}
