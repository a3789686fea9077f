import { describe, expect, it } from 'vitest';
import { linePath, linearScale, niceTicks, scoreDomain, tickLabel, tickStep } from './chart';

describe('linear scales', () => {
  it('maps the domain onto the range, also inverted (SVG y grows down)', () => {
    const x = linearScale([0, 1], [48, 648]);
    expect(x(0)).toBe(48);
    expect(x(1)).toBe(648);
    expect(x(0.5)).toBe(348);
    const y = linearScale([0, 0.8], [240, 12]);
    expect(y(0)).toBe(240);
    expect(y(0.8)).toBe(12);
    expect(y(0.4)).toBeCloseTo(126);
    expect(x.domain).toEqual([0, 1]);
  });

  it('puts everything in the middle for an empty domain', () => {
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });
});

describe('ticks', () => {
  it('chooses 1, 2 or 5 times a power of ten', () => {
    expect(tickStep(1, 5)).toBe(0.2);
    expect(tickStep(0.77, 5)).toBe(0.2);
    expect(tickStep(0.3, 5)).toBe(0.05);
    expect(tickStep(100, 4)).toBe(20);
    expect(tickStep(0, 5)).toBe(1);
  });

  it('covers the range with round values', () => {
    expect(niceTicks(0, 0.77, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1, 2)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0.13, 0.42, 3)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it('labels ticks with the decimals the step needs', () => {
    expect(tickLabel(0.25, 0.25)).toBe('0.25');
    expect(tickLabel(0.5, 0.25)).toBe('0.50');
    expect(tickLabel(0.4, 0.2)).toBe('0.4');
    expect(tickLabel(0.15, 0.05)).toBe('0.15');
    expect(tickLabel(20, 10)).toBe('20');
  });

  it('starts score axes at 0 and stops at a round value, at most 1 for shares', () => {
    expect(scoreDomain([0.19, 0.77])).toEqual([0, 0.8]);
    expect(scoreDomain([0.95, 0.99])).toEqual([0, 1]);
    expect(scoreDomain([0.31])).toEqual([0, 0.35]);
    expect(scoreDomain([])).toEqual([0, 1]);
  });
});

describe('line paths', () => {
  it('moves to the first point and draws lines to the others, skipping non-finite ones', () => {
    const sx = linearScale([0, 1], [0, 100]);
    const sy = linearScale([0, 1], [100, 0]);
    expect(linePath([{ x: 0, y: 0 }, { x: 0.5, y: 0.333 }, { x: 1, y: Number.NaN }, { x: 1, y: 1 }], sx, sy)).toBe('M0 100 L50 66.7 L100 0');
    expect(linePath([], sx, sy)).toBe('');
  });
});
