import { describe, expect, it } from 'vitest';
import { containFit, gridCells, gridSize, scaleBox } from './boxes';

describe('channel example boxes', () => {
  it('scales a box from the image to its thumbnail', () => {
    // a 300×225 photo shown as a 160×120 thumbnail
    expect(scaleBox([150, 45, 60, 90], [300, 225], [160, 120])).toEqual({ left: 80, top: 24, width: 32, height: 48 });
    // a 64 px tinyimagenet image shown at 128 px
    expect(scaleBox([11, 25, 11, 11], [64, 64], [128, 128])).toEqual({ left: 22, top: 50, width: 22, height: 22 });
  });

  it('gives percentages with a 100×100 target', () => {
    const r = scaleBox([198, 45, 26, 39], [239, 300], [100, 100])!;
    expect(r.left).toBeCloseTo(82.845, 2);
    expect(r.top).toBeCloseTo(15, 5);
    expect(r.width).toBeCloseTo(10.879, 2);
    expect(r.height).toBeCloseTo(13, 5);
  });

  it('clips boxes that reach past the image and rejects bad input', () => {
    expect(scaleBox([53, 39, 20, 30], [64, 64], [64, 64])).toEqual({ left: 53, top: 39, width: 11, height: 25 });
    expect(scaleBox([-5, -5, 10, 10], [10, 10], [100, 100])).toEqual({ left: 0, top: 0, width: 50, height: 50 });
    expect(scaleBox(undefined, [10, 10], [10, 10])).toBeUndefined();
    expect(scaleBox([1, 2, 3], [10, 10], [10, 10])).toBeUndefined();
    expect(scaleBox([1, 2, 3, 4], [0, 10], [10, 10])).toBeUndefined();
  });

  it('fits an image into a frame', () => {
    expect(containFit([300, 225], [160, 160])).toEqual({ left: 0, top: 20, width: 160, height: 120 });
    expect(containFit([64, 64], [128, 96])).toEqual({ left: 16, top: 0, width: 96, height: 96 });
  });
});

describe('activation grid cells', () => {
  it('places 16 maps of 96 px in 4 columns with 2 px gaps', () => {
    const grid = { shown: 16, columns: 4, cell: 96 };
    expect(gridSize(grid)).toEqual([390, 390]);
    const cells = gridCells(grid);
    expect(cells).toHaveLength(16);
    expect(cells[0]).toEqual({ left: 0, top: 0, width: (96 / 390) * 100, height: (96 / 390) * 100 });
    expect(cells[5]!.left).toBeCloseTo((98 / 390) * 100, 10);
    expect(cells[5]!.top).toBeCloseTo((98 / 390) * 100, 10);
    expect(cells[15]!.left + cells[15]!.width).toBeCloseTo(100, 10);
  });

  it('handles an incomplete last row and tiny layers', () => {
    const grid = { shown: 8, columns: 3, cell: 96 };
    expect(gridSize(grid)).toEqual([292, 292]);
    const cells = gridCells(grid);
    expect(cells[7]).toMatchObject({ left: (98 / 292) * 100, top: (196 / 292) * 100 });
    expect(gridCells({ shown: 0, columns: 4, cell: 96 })).toEqual([]);
    expect(gridCells({ shown: 1, columns: 1, cell: 96 })).toEqual([{ left: 0, top: 0, width: 100, height: 100 }]);
  });
});
