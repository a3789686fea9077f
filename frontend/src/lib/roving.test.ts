import { describe, expect, it } from 'vitest';
import { nextByGeometry } from './roving';

// A 3-column grid of 7 squares (60 px, 10 px gaps), as the browser would lay it out.
const rect = (i: number) => ({ left: (i % 3) * 70, top: Math.floor(i / 3) * 70, width: 60, height: 60 }) as DOMRect;
const grid = Array.from({ length: 7 }, (_, i) => rect(i));

describe('arrow keys in a grid', () => {
  it('moves by row and column', () => {
    expect(nextByGeometry(grid, 0, 'ArrowRight')).toBe(1);
    expect(nextByGeometry(grid, 1, 'ArrowDown')).toBe(4);
    expect(nextByGeometry(grid, 4, 'ArrowUp')).toBe(1);
    expect(nextByGeometry(grid, 4, 'ArrowLeft')).toBe(3);
    expect(nextByGeometry(grid, 0, 'End')).toBe(6);
    expect(nextByGeometry(grid, 5, 'Home')).toBe(0);
  });

  it('stays at the edges and prefers the same column', () => {
    expect(nextByGeometry(grid, 2, 'ArrowRight')).toBe(2);
    expect(nextByGeometry(grid, 0, 'ArrowUp')).toBe(0);
    expect(nextByGeometry(grid, 5, 'ArrowDown')).toBe(6);
  });
});
