// Geometry of the pictures on the layer view (pure): a channel example's box scaled from the image's
// own pixels to its thumbnail, and where each channel's map sits in the activation grid PNG.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The box [x, y, w, h] given in the pixels of an image of imageSize [w, h], scaled to the same image
 * shown at target [w, h] (a thumbnail, or [100, 100] for percentages) and clipped to it.
 */
export function scaleBox(box: readonly number[] | undefined, imageSize: readonly number[] | undefined, target: readonly [number, number]): Rect | undefined {
  if (!box || box.length !== 4 || !imageSize || imageSize.length !== 2) return undefined;
  const [iw, ih] = imageSize as [number, number];
  if (!(iw > 0 && ih > 0)) return undefined;
  const sx = target[0] / iw;
  const sy = target[1] / ih;
  const [x, y, w, h] = box as [number, number, number, number];
  const left = Math.max(0, Math.min(target[0], x * sx));
  const top = Math.max(0, Math.min(target[1], y * sy));
  const right = Math.max(left, Math.min(target[0], (x + w) * sx));
  const bottom = Math.max(top, Math.min(target[1], (y + h) * sy));
  return { left, top, width: right - left, height: bottom - top };
}

/** The size and offset of an image of imageSize [w, h] fitted ("contain") into a frame [w, h]. */
export function containFit(imageSize: readonly [number, number], frame: readonly [number, number]): Rect {
  const scale = Math.min(frame[0] / imageSize[0], frame[1] / imageSize[1]);
  const width = imageSize[0] * scale;
  const height = imageSize[1] * scale;
  return { left: (frame[0] - width) / 2, top: (frame[1] - height) / 2, width, height };
}

/** The gap the feature-service leaves between maps in its activation grid. */
export const GRID_GAP = 2;

/**
 * Where each of the `shown` maps lies in the activation PNG (row-major, `columns` per row, `cell` px
 * each, GRID_GAP px apart), in percent of the PNG's width and height, so overlays follow any scaling.
 */
export function gridCells(grid: { shown?: number; columns?: number; cell?: number }, gap = GRID_GAP): Rect[] {
  const shown = grid.shown ?? 0;
  const columns = Math.max(1, Math.min(grid.columns ?? 1, shown || 1));
  const cell = grid.cell ?? 0;
  if (shown <= 0 || cell <= 0) return [];
  const rows = Math.ceil(shown / columns);
  const width = columns * cell + (columns - 1) * gap;
  const height = rows * cell + (rows - 1) * gap;
  return Array.from({ length: shown }, (_, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    return {
      left: ((col * (cell + gap)) / width) * 100,
      top: ((row * (cell + gap)) / height) * 100,
      width: (cell / width) * 100,
      height: (cell / height) * 100,
    };
  });
}

/** The PNG's size in pixels for a grid answer. */
export function gridSize(grid: { shown?: number; columns?: number; cell?: number }, gap = GRID_GAP): [number, number] {
  const shown = grid.shown ?? 0;
  const columns = Math.max(1, Math.min(grid.columns ?? 1, shown || 1));
  const cell = grid.cell ?? 0;
  const rows = Math.max(1, Math.ceil(shown / columns));
  return [columns * cell + (columns - 1) * gap, rows * cell + (rows - 1) * gap];
}
