// Scales and paths for the hand-drawn SVG charts (pure).

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** A linear map of domain onto range; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, range: [r0, r1] as const });
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over span. */
export function tickStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1;
  return factor * power;
}

/** Round tick values covering [min, max] (both inside the ticks' extent), about count intervals. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const step = tickStep(max - min, count);
  const start = Math.floor(min / step + 1e-9) * step;
  const stop = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= stop + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return ticks.map((t) => Number(t.toPrecision(12)));
}

/** The y domain of a chart of scores: from 0 to a round value at or above the largest (at most 1 when all are ≤ 1). */
export function scoreDomain(values: readonly number[], count = 5): [number, number] {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  if (max === 0) return [0, 1];
  const ticks = niceTicks(0, max, count);
  return [0, Math.min(max <= 1 ? 1 : Infinity, ticks[ticks.length - 1] ?? max)];
}

/** An SVG path through the points in the given order ("M x y L x y …"), coordinates rounded to 0.1 px. */
export function linePath(points: readonly { x: number; y: number }[], sx: (v: number) => number, sy: (v: number) => number): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  return points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${r(sx(p.x))} ${r(sy(p.y))}`)
    .join(' ');
}

/** Tick labels with as many decimals as the step needs: 0.1 → "0.1", 0.25 → "0.25", 10 → "10". */
export function tickLabel(value: number, step: number): string {
  let decimals = step >= 1 || !(step > 0) ? 0 : Math.max(0, -Math.floor(Math.log10(step)));
  while (decimals < 8 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9) decimals++;
  return value.toFixed(decimals);
}
