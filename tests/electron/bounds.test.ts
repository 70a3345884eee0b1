import { describe, expect, it } from 'vitest';
import {
  clampToWorkArea,
  defaultOverlayBounds,
  displayKey,
  MIN_OVERLAY_SIZE,
} from '../../main/electron/bounds';
import { TWO_DISPLAYS } from '../helpers/fake-electron';

const [primary, secondary] = TWO_DISPLAYS;

describe('overlay placement', () => {
  it('leaves an overlay that fits inside a work area where it is', () => {
    const bounds = { x: 2400, y: 100, width: 420, height: 640 };
    expect(clampToWorkArea(bounds, TWO_DISPLAYS)).toEqual(bounds);
  });

  it('brings an overlay back onto the remaining monitor when its monitor was unplugged', () => {
    const onSecondMonitor = { x: 3000, y: 200, width: 420, height: 640 };
    const clamped = clampToWorkArea(onSecondMonitor, [primary]);
    expect(clamped.x + clamped.width).toBeLessThanOrEqual(primary.workArea.width);
    expect(clamped.x).toBeGreaterThanOrEqual(0);
    expect(clamped).toMatchObject({ width: 420, height: 640, y: 200 });
  });

  it('keeps the overlay above the taskbar', () => {
    const clamped = clampToWorkArea({ x: 100, y: 900, width: 420, height: 640 }, [primary]);
    expect(clamped.y + clamped.height).toBeLessThanOrEqual(
      primary.workArea.y + primary.workArea.height,
    );
  });

  it('shrinks an overlay larger than the work area, and never below the minimum size', () => {
    const small = {
      id: 9,
      bounds: { x: 0, y: 0, width: 1280, height: 720 },
      workArea: { x: 0, y: 0, width: 1280, height: 700 },
    };
    expect(clampToWorkArea({ x: -50, y: -50, width: 3000, height: 3000 }, [small])).toEqual({
      x: 0,
      y: 0,
      width: 1280,
      height: 700,
    });
    expect(clampToWorkArea({ x: 10, y: 10, width: 50, height: 50 }, [small])).toMatchObject(
      MIN_OVERLAY_SIZE,
    );
  });

  it('places a straddling overlay on the monitor it overlaps most', () => {
    const clamped = clampToWorkArea({ x: 1800, y: 10, width: 420, height: 400 }, TWO_DISPLAYS);
    expect(clamped.x).toBeGreaterThanOrEqual(secondary.workArea.x);
  });

  it('remembers placements per monitor arrangement, not just per display id', () => {
    const moved = { ...secondary, bounds: { ...secondary.bounds, x: -1920 } };
    expect(displayKey(secondary)).not.toBe(displayKey(moved));
  });

  it('starts a fresh overlay at the right edge of the primary work area', () => {
    const bounds = defaultOverlayBounds(primary);
    expect(bounds.x + bounds.width).toBe(primary.workArea.width - 24);
    expect(clampToWorkArea(bounds, [primary])).toEqual(bounds);
  });
});
