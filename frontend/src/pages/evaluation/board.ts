// The leaderboard's numbers arranged for the heat maps, the line chart, the tables and the job (pure).
import type { ClassScores, Leaderboard, LeaderboardRow } from '../../api/search';

/**
 * The models of a leaderboard in complexity order: the catalog's order (it sorts by parameters, layers
 * and FLOPs), models the catalog does not list after them by parameters.
 */
export function orderModels(board: Pick<Leaderboard, 'models'>, catalogOrder: readonly string[]): string[] {
  const index = new Map(catalogOrder.map((id, i) => [id, i]));
  return [...(board.models ?? [])]
    .filter((m) => m.id)
    .sort((a, b) => (index.get(a.id!) ?? Infinity) - (index.get(b.id!) ?? Infinity) || (a.parameters ?? 0) - (b.parameters ?? 0) || a.id!.localeCompare(b.id!))
    .map((m) => m.id!);
}

export interface HeatRow {
  model: string;
  /** cells[d] is the model's d-th feature layer under the metric, undefined where there is none. */
  cells: (LeaderboardRow | undefined)[];
}

export interface HeatMatrix {
  metric: string;
  /** Number of depth columns: the most feature layers of any model. */
  columns: number;
  rows: HeatRow[];
}

/** One heat map: rows are the models (in the given order), columns the feature-layer depth. */
export function heatMatrix(rows: readonly LeaderboardRow[], metric: string, models: readonly string[]): HeatMatrix {
  const mine = rows.filter((r) => r.metric === metric && r.model !== undefined && r.depth !== undefined && r.depth >= 0);
  const columns = mine.reduce((n, r) => Math.max(n, r.depth! + 1), 0);
  return {
    metric,
    columns,
    rows: models.map((model) => {
      const cells: (LeaderboardRow | undefined)[] = Array.from({ length: columns }, () => undefined);
      for (const r of mine) if (r.model === model) cells[r.depth!] = r;
      return { model, cells };
    }),
  };
}

export interface Series {
  model: string;
  /** x: relative depth 0..1, y: mAP, by depth. */
  points: { x: number; y: number; row: LeaderboardRow }[];
}

/** One line per model (in the given order) of mAP by relative depth under the metric. */
export function chartSeries(rows: readonly LeaderboardRow[], metric: string, models: readonly string[]): Series[] {
  return models
    .map((model) => ({
      model,
      points: rows
        .filter((r) => r.model === model && r.metric === metric && Number.isFinite(r.relativeDepth) && Number.isFinite(r.map))
        .sort((a, b) => (a.relativeDepth ?? 0) - (b.relativeDepth ?? 0))
        .map((row) => ({ x: row.relativeDepth!, y: row.map!, row })),
    }))
    .filter((s) => s.points.length > 0);
}

/**
 * What identifies a leaderboard on this page ("dataset|pooling|models|metrics", models as computed: all of the
 * catalog's when none are named), to tell whether the one shown answers the current choice.
 */
export function boardKeyOf(dataset: string, pooling: string, models: readonly string[], metrics: readonly string[]): string {
  return [dataset, pooling, models.join(','), metrics.join(',')].join('|');
}

export type ClassKey = 'label' | 'queries' | 'map' | 'precisionAt10' | 'recallAt10';
export type Direction = 'ascending' | 'descending';

export interface ClassRow extends ClassScores {
  label: string;
}

/** The per-class scores as rows sorted by key (ties by class name); missing numbers sort last. */
export function sortClasses(perClass: Record<string, ClassScores> | undefined, key: ClassKey, direction: Direction): ClassRow[] {
  const rows = Object.entries(perClass ?? {}).map(([label, s]) => ({ ...s, label }));
  const sign = direction === 'ascending' ? 1 : -1;
  return rows.sort((a, b) => {
    if (key === 'label') return sign * a.label.localeCompare(b.label);
    const x = a[key];
    const y = b[key];
    const fx = typeof x === 'number' && Number.isFinite(x);
    const fy = typeof y === 'number' && Number.isFinite(y);
    if (fx !== fy) return fx ? -1 : 1;
    return (fx && fy && x !== y ? sign * (x - y) : 0) || a.label.localeCompare(b.label);
  });
}

/** The first direction of a column when its header is clicked: names A→Z, numbers high to low. */
export function firstDirection(key: ClassKey): Direction {
  return key === 'label' ? 'ascending' : 'descending';
}

/** 0.76918 → "0.769"; missing → "–". */
export function formatScore(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}
