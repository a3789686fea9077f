// Zoom and pan of a 2-D map (pure). World y points up, screen y down:
//   screenX = worldX * k + x,  screenY = -worldY * k + y

export interface Transform {
  readonly k: number;
  readonly x: number;
  readonly y: number;
}

export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface Point {
  x: number;
  y: number;
}

export const IDENTITY: Transform = { k: 1, x: 0, y: 0 };

export function boundsOf(points: readonly Point[]): Bounds {
  const b = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    if (p.x < b.minX) b.minX = p.x;
    if (p.x > b.maxX) b.maxX = p.x;
    if (p.y < b.minY) b.minY = p.y;
    if (p.y > b.maxY) b.maxY = p.y;
  }
  return Number.isFinite(b.minX) ? b : { minX: -1, maxX: 1, minY: -1, maxY: 1 };
}

/** The transform that shows all of bounds centred in a width × height view with padding px around. */
export function fit(bounds: Bounds, width: number, height: number, padding = 24): Transform {
  const bw = Math.max(bounds.maxX - bounds.minX, 1e-9);
  const bh = Math.max(bounds.maxY - bounds.minY, 1e-9);
  const k = Math.max(1e-9, Math.min((width - 2 * padding) / bw, (height - 2 * padding) / bh));
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  return { k, x: width / 2 - cx * k, y: height / 2 + cy * k };
}

export function toScreen(t: Transform, p: Point): Point {
  return { x: p.x * t.k + t.x, y: -p.y * t.k + t.y };
}

export function toWorld(t: Transform, p: Point): Point {
  return { x: (p.x - t.x) / t.k, y: -(p.y - t.y) / t.k };
}

/**
 * Zooms by factor around the screen point (px, py), which stays where it is; the scale is kept within
 * [minK, maxK].
 */
export function zoomAt(t: Transform, factor: number, px: number, py: number, minK = 0, maxK = Infinity): Transform {
  const k = Math.min(maxK, Math.max(minK, t.k * factor));
  const f = k / t.k;
  return { k, x: px - (px - t.x) * f, y: py - (py - t.y) * f };
}

export function pan(t: Transform, dx: number, dy: number): Transform {
  return { k: t.k, x: t.x + dx, y: t.y + dy };
}

/** The part of the world a width × height view shows. */
export function visibleWorld(t: Transform, width: number, height: number): Bounds {
  const a = toWorld(t, { x: 0, y: 0 });
  const b = toWorld(t, { x: width, y: height });
  return { minX: Math.min(a.x, b.x), maxX: Math.max(a.x, b.x), minY: Math.min(a.y, b.y), maxY: Math.max(a.y, b.y) };
}

/** The wheel's zoom factor: one notch (deltaY 100 px) zooms by 1.2, a trackpad's small deltas smoothly. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return 1.2 ** (-Math.max(-300, Math.min(300, pixels)) / 100);
}

/**
 * The index of the point whose screen position is nearest to (px, py), within radius px, or -1. Later
 * points win ties, as they are drawn on top.
 */
export function nearestPoint(t: Transform, points: readonly Point[], px: number, py: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const dx = p.x * t.k + t.x - px;
    const dy = -p.y * t.k + t.y - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
