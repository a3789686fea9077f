import { describe, expect, it } from 'vitest';
import type { LeaderboardRow } from '../../api/search';
import { boardKeyOf, chartSeries, firstDirection, formatScore, heatMatrix, orderModels, sortClasses } from './board';

const row = (model: string, depth: number, layers: number, metric: string, map: number): LeaderboardRow => ({
  model, layer: `${model}-L${depth}`, depth, relativeDepth: layers === 1 ? 1 : depth / (layers - 1), metric, map, dimension: 8, precisionAt10: map, weightedShare: map,
});

// Two models, 3 and 2 feature layers, two metrics; rows best first as the service sends them.
const rows: LeaderboardRow[] = [
  row('big', 2, 3, 'cosine', 0.7), row('small', 1, 2, 'cosine', 0.6), row('big', 2, 3, 'euclidean', 0.65),
  row('big', 1, 3, 'cosine', 0.4), row('small', 0, 2, 'cosine', 0.3), row('big', 0, 3, 'cosine', 0.2),
  row('small', 1, 2, 'euclidean', 0.55), row('big', 1, 3, 'euclidean', 0.35), row('small', 0, 2, 'euclidean', 0.25), row('big', 0, 3, 'euclidean', 0.19),
];

describe('leaderboard arrangement', () => {
  it('orders models by the catalog (complexity), unknown ones last by size', () => {
    const board = { models: [{ id: 'big', parameters: 9e6 }, { id: 'zzz', parameters: 5 }, { id: 'small', parameters: 4e5 }, { id: 'aaa', parameters: 7 }] };
    expect(orderModels(board, ['small', 'mid', 'big'])).toEqual(['small', 'big', 'zzz', 'aaa']);
    expect(orderModels({ models: undefined }, ['x'])).toEqual([]);
  });

  it('builds one heat-map matrix per metric: rows models, columns depth, gaps where a model has fewer layers', () => {
    const m = heatMatrix(rows, 'cosine', ['small', 'big']);
    expect(m.columns).toBe(3);
    expect(m.rows.map((r) => r.model)).toEqual(['small', 'big']);
    expect(m.rows[0]!.cells.map((c) => c?.map)).toEqual([0.3, 0.6, undefined]);
    expect(m.rows[1]!.cells.map((c) => c?.layer)).toEqual(['big-L0', 'big-L1', 'big-L2']);
    const e = heatMatrix(rows, 'euclidean', ['big']);
    expect(e.rows[0]!.cells.map((c) => c?.map)).toEqual([0.19, 0.35, 0.65]);
    expect(heatMatrix(rows, 'cityblock', ['big'])).toEqual({ metric: 'cityblock', columns: 0, rows: [{ model: 'big', cells: [] }] });
  });

  it('makes one line per model by relative depth for the chosen metric', () => {
    const s = chartSeries(rows, 'cosine', ['small', 'big', 'absent']);
    expect(s.map((x) => x.model)).toEqual(['small', 'big']);
    expect(s[0]!.points.map((p) => [p.x, p.y])).toEqual([[0, 0.3], [1, 0.6]]);
    expect(s[1]!.points.map((p) => [p.x, p.y])).toEqual([[0, 0.2], [0.5, 0.4], [1, 0.7]]);
  });

  it('names the job as the search-service does', () => {
    expect(boardKeyOf('caltech101-iconic200', 'avg', ['squeezenet1.1', 'mobilenet_v1_0.25_128'], ['cosine', 'euclidean'])).toBe(
      'caltech101-iconic200|avg|squeezenet1.1,mobilenet_v1_0.25_128|cosine,euclidean',
    );
  });
});

describe('per-class table', () => {
  const perClass = {
    lotus: { queries: 20, map: 0.52, precisionAt10: 0.52, recallAt10: 0.27 },
    elephant: { queries: 20, map: 0.9, precisionAt10: 0.93, recallAt10: 0.49 },
    ketch: { queries: 21, map: 0.56, precisionAt10: 0.55, recallAt10: 0.29 },
    odd: { queries: 1 },
  };

  it('sorts by any column, missing numbers last, ties by name', () => {
    expect(sortClasses(perClass, 'map', 'descending').map((r) => r.label)).toEqual(['elephant', 'ketch', 'lotus', 'odd']);
    expect(sortClasses(perClass, 'map', 'ascending').map((r) => r.label)).toEqual(['lotus', 'ketch', 'elephant', 'odd']);
    expect(sortClasses(perClass, 'label', 'ascending').map((r) => r.label)).toEqual(['elephant', 'ketch', 'lotus', 'odd']);
    expect(sortClasses(perClass, 'label', 'descending').map((r) => r.label)).toEqual(['odd', 'lotus', 'ketch', 'elephant']);
    expect(sortClasses(perClass, 'queries', 'descending').map((r) => r.label)).toEqual(['ketch', 'elephant', 'lotus', 'odd']);
    expect(sortClasses(undefined, 'map', 'descending')).toEqual([]);
  });

  it('starts names A→Z and numbers high to low, and formats scores', () => {
    expect(firstDirection('label')).toBe('ascending');
    expect(firstDirection('recallAt10')).toBe('descending');
    expect(formatScore(0.7691827)).toBe('0.769');
    expect(formatScore(0.7691827, 2)).toBe('0.77');
    expect(formatScore(undefined)).toBe('–');
    expect(formatScore(Number.NaN)).toBe('–');
  });
});

describe('heat-map legend', async () => {
  const { legendTicks } = await import('./heatmap');
  it('labels round ticks and the ends of the scale when no tick is near them', () => {
    expect(legendTicks({ min: 0.15, max: 0.5 }, [0.2, 0.3, 0.4, 0.5], 0.1)).toEqual([[0.2, '0.2'], [0.3, '0.3'], [0.4, '0.4'], [0.5, '0.5']]);
    expect(legendTicks({ min: 0.1, max: 0.45 }, [0.2, 0.3, 0.4], 0.1)).toEqual([[0.1, '0.1'], [0.2, '0.2'], [0.3, '0.3'], [0.4, '0.4']]);
    expect(legendTicks({ min: 0.2, max: 0.8 }, [0.2, 0.4, 0.6, 0.8], 0.2)).toEqual([[0.2, '0.2'], [0.4, '0.4'], [0.6, '0.6'], [0.8, '0.8']]);
    expect(legendTicks({ min: 0.475, max: 0.525 }, [], 0.01)).toEqual([[0.475, '0.475'], [0.525, '0.525']]);
  });
});
