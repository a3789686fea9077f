import { describe, expect, it } from 'vitest';
import { boundsOf, fit, nearestPoint, pan, toScreen, toWorld, visibleWorld, wheelFactor, zoomAt } from './viewport';

const points = [{ x: -2, y: -1 }, { x: 2, y: 1 }, { x: 0, y: 0 }];

describe('fitting the map into the view', () => {
  it('takes the bounds of the points, ignoring non-finite ones', () => {
    expect(boundsOf([...points, { x: Number.NaN, y: 5 }])).toEqual({ minX: -2, maxX: 2, minY: -1, maxY: 1 });
    expect(boundsOf([])).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
  });

  it('centres the bounds with padding and keeps the aspect ratio', () => {
    const t = fit(boundsOf(points), 500, 300, 50);
    // 4 × 2 world units into 400 × 200 px: 100 px per unit both ways
    expect(t.k).toBe(100);
    expect(toScreen(t, { x: 0, y: 0 })).toEqual({ x: 250, y: 150 });
    expect(toScreen(t, { x: -2, y: 1 })).toEqual({ x: 50, y: 50 }); // world y up, screen y down
    expect(toScreen(t, { x: 2, y: -1 })).toEqual({ x: 450, y: 250 });
  });

  it('converts screen to world and back', () => {
    const t = { k: 37, x: 12, y: -40 };
    const w = toWorld(t, toScreen(t, { x: 1.25, y: -3.5 }));
    expect(w.x).toBeCloseTo(1.25);
    expect(w.y).toBeCloseTo(-3.5);
  });
});

describe('zoom and pan', () => {
  it('keeps the point under the cursor in place while zooming', () => {
    const t = fit(boundsOf(points), 500, 300, 50);
    const under = toWorld(t, { x: 400, y: 80 });
    const z = zoomAt(t, 2, 400, 80);
    expect(z.k).toBe(200);
    const back = toScreen(z, under);
    expect(back.x).toBeCloseTo(400);
    expect(back.y).toBeCloseTo(80);
  });

  it('clamps the zoom', () => {
    const t = { k: 100, x: 0, y: 0 };
    expect(zoomAt(t, 100, 0, 0, 50, 800).k).toBe(800);
    expect(zoomAt(t, 0.01, 0, 0, 50, 800).k).toBe(50);
    expect(zoomAt(zoomAt(t, 1.5, 10, 10), 1 / 1.5, 10, 10).k).toBeCloseTo(100);
  });

  it('pans by screen pixels and reports what is visible', () => {
    const t = pan({ k: 10, x: 0, y: 0 }, 30, -20);
    expect(t).toEqual({ k: 10, x: 30, y: -20 });
    expect(visibleWorld({ k: 10, x: 50, y: 50 }, 100, 100)).toEqual({ minX: -5, maxX: 5, minY: -5, maxY: 5 });
  });

  it('turns wheel steps into zoom factors', () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.2);
    expect(wheelFactor(100)).toBeCloseTo(1 / 1.2);
    expect(wheelFactor(-3, 1)).toBeCloseTo(1.2 ** 0.99);
    expect(wheelFactor(-10_000)).toBeCloseTo(1.2 ** 3); // one huge step is capped
    expect(wheelFactor(0)).toBe(1);
  });
});

describe('picking points', () => {
  it('finds the nearest point within the radius, the later one on ties', () => {
    const t = { k: 100, x: 250, y: 150 };
    expect(nearestPoint(t, points, 252, 151, 8)).toBe(2);
    expect(nearestPoint(t, points, 450, 50, 8)).toBe(1);
    expect(nearestPoint(t, points, 350, 100, 8)).toBe(-1);
    expect(nearestPoint(t, [{ x: 0, y: 0 }, { x: 0, y: 0 }], 250, 150, 8)).toBe(1);
  });
});
