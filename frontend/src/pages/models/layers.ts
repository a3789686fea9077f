// The layer table's rows (pure): filtering by operator, name and feature flag, sorting by any column,
// and the totals of parameters and multiply-adds.
import type { Layer } from '../../api/catalog';
import type { Direction, SortKey, TableChoice } from './state';

/** The operator of the nodes that hold constants (weights, clip bounds): hidden unless asked for. */
export const CONSTANT_OP = 'Constant';

export type LayerFilter = Pick<TableChoice, 'op' | 'text' | 'featuresOnly' | 'constants'>;

/**
 * The layers the filter lets through, in the given order. Choosing the Constant operator shows the
 * Constant nodes even when they are otherwise hidden.
 */
export function filterLayers(layers: readonly Layer[], f: LayerFilter): Layer[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return layers.filter((l) => {
    if (f.op ? l.op !== f.op : !f.constants && l.op === CONSTANT_OP) return false;
    if (f.featuresOnly && !l.feature) return false;
    if (words.length) {
      const haystack = `${l.name ?? ''} ${l.node ?? ''}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  });
}

/** Values per element of an output shape without the batch: [-1, 32, 112, 112] → 401408; a scalar → 1. */
export function shapeSize(shape: readonly number[] | undefined): number {
  if (!shape || shape.length === 0) return 1;
  const dims = shape.length > 1 ? shape.slice(1) : shape;
  return dims.reduce((n, d) => n * Math.max(d, 0), 1);
}

/** The direction a column sorts in when first chosen: the biggest numbers first, names A to Z. */
export function firstDirection(key: SortKey): Direction {
  return key === 'index' || key === 'name' || key === 'op' ? 'ascending' : 'descending';
}

function value(l: Layer, key: SortKey): number | string {
  switch (key) {
    case 'name':
      return (l.name ?? '').toLowerCase();
    case 'op':
      return l.op ?? '';
    case 'shape':
      return shapeSize(l.outputShape);
    case 'feature':
      return l.feature ? 1 : 0;
    case 'index':
      return l.index ?? 0;
    default:
      return l[key] ?? 0;
  }
}

/** A sorted copy; ties keep graph order. */
export function sortLayers(layers: readonly Layer[], key: SortKey, direction: Direction): Layer[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...layers].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y;
    return c !== 0 ? sign * c : (a.index ?? 0) - (b.index ?? 0);
  });
}

export interface Totals {
  rows: number;
  parameters: number;
  flops: number;
}

export function totals(layers: readonly Layer[]): Totals {
  let parameters = 0;
  let flops = 0;
  for (const l of layers) {
    parameters += l.parameters ?? 0;
    flops += l.flops ?? 0;
  }
  return { rows: layers.length, parameters, flops };
}

/** The operators of a model with how many nodes each has, the most frequent first. */
export function opCounts(layers: readonly Layer[]): { op: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(l.op ?? '?', (counts.get(l.op ?? '?') ?? 0) + 1);
  return [...counts].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
}

/** "53 of 170 nodes · 70 Constant nodes hidden" */
export function describeShown(shown: number, all: readonly Layer[], f: LayerFilter): string {
  const constants = all.filter((l) => l.op === CONSTANT_OP).length;
  const hidden = !f.constants && !f.op && constants > 0 ? ` · ${constants} Constant ${constants === 1 ? 'node' : 'nodes'} hidden` : '';
  return `${shown} of ${all.length} nodes${hidden}`;
}
