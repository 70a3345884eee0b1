/**
 * Overlay placement: pure geometry in screen pixels (DIP), testable without Electron.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The parts of an Electron `Display` the overlay placement needs. */
export interface DisplayLike {
  id: number;
  bounds: Rect;
  workArea: Rect;
}

/** Smallest overlay size that still shows one cue, in DIP. */
export const MIN_OVERLAY_SIZE = { width: 320, height: 240 } as const;
/** Size of a fresh overlay, in DIP. */
export const DEFAULT_OVERLAY_SIZE = { width: 420, height: 640 } as const;

/**
 * Key under which the overlay's bounds are remembered for one monitor arrangement: the display
 * id plus its bounds, so a different monitor that reuses an id gets its own entry.
 */
export function displayKey(display: DisplayLike): string {
  const { x, y, width, height } = display.bounds;
  return `${display.id}@${x},${y},${width}x${height}`;
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function distanceToCentre(rect: Rect, area: Rect): number {
  const cx = rect.x + rect.width / 2;
  const cy = rect.y + rect.height / 2;
  const dx = Math.max(area.x - cx, 0, cx - (area.x + area.width));
  const dy = Math.max(area.y - cy, 0, cy - (area.y + area.height));
  return Math.hypot(dx, dy);
}

/**
 * The display whose work area `bounds` overlaps most; when it overlaps none (its monitor went
 * away), the nearest one. Throws only when `displays` is empty.
 */
export function nearestDisplay<D extends DisplayLike>(bounds: Rect, displays: readonly D[]): D {
  if (displays.length === 0) throw new Error('nearestDisplay: no displays');
  let best = displays[0];
  let bestOverlap = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const display of displays) {
    const overlap = overlapArea(bounds, display.workArea);
    const distance = distanceToCentre(bounds, display.workArea);
    if (overlap > bestOverlap || (overlap === bestOverlap && distance < bestDistance)) {
      best = display;
      bestOverlap = overlap;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Moves (and if needed shrinks) `bounds` so that it lies wholly inside the work area of the
 * display it overlaps most, or of the nearest display when it is on none. Sizes never go below
 * `MIN_OVERLAY_SIZE` unless the work area itself is smaller. All values are integers.
 */
export function clampToWorkArea(bounds: Rect, displays: readonly DisplayLike[]): Rect {
  const area = nearestDisplay(bounds, displays).workArea;
  const width = Math.round(
    Math.min(Math.max(bounds.width, Math.min(MIN_OVERLAY_SIZE.width, area.width)), area.width),
  );
  const height = Math.round(
    Math.min(Math.max(bounds.height, Math.min(MIN_OVERLAY_SIZE.height, area.height)), area.height),
  );
  const x = Math.round(Math.min(Math.max(bounds.x, area.x), area.x + area.width - width));
  const y = Math.round(Math.min(Math.max(bounds.y, area.y), area.y + area.height - height));
  return { x, y, width, height };
}

/** Where a fresh overlay goes: the right edge of the display's work area, 24 DIP in. */
export function defaultOverlayBounds(display: DisplayLike): Rect {
  const { workArea } = display;
  const width = Math.min(DEFAULT_OVERLAY_SIZE.width, workArea.width);
  const height = Math.min(DEFAULT_OVERLAY_SIZE.height, workArea.height);
  const margin = 24;
  return clampToWorkArea(
    { x: workArea.x + workArea.width - width - margin, y: workArea.y + margin, width, height },
    [display],
  );
}
