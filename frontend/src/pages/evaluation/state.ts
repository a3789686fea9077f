// The Evaluation page's URL hash:
//   #/evaluation?dataset=…&model=…&layer=…&metric=…[&pooling=max]      this collection
//                &board=<dataset>[&models=a,b][&metrics=cosine,euclidean][&chart=<metric>]   the leaderboard
import { buildHash, parseRoute, splitList } from '../../lib/hash';
import type { CollectionChoice } from '../search/controls';
import { choiceEntries, parseChoice } from '../common/route';

export const EVALUATION_ROUTE = '/evaluation';
/** The leaderboard's metrics when none are chosen (the search-service's default too). */
export const DEFAULT_BOARD_METRICS: readonly string[] = ['cosine', 'euclidean'];

export interface BoardChoice {
  dataset: string;
  /** Model ids; empty means every model. */
  models: string[];
  metrics: string[];
  /** The metric the line chart shows. */
  chart: string;
}

export interface EvaluationLink {
  collection: Partial<CollectionChoice>;
  board: Partial<BoardChoice>;
}

export function parseEvaluationHash(hash: string): EvaluationLink {
  const { params } = parseRoute(hash);
  const board: Partial<BoardChoice> = {};
  const dataset = params.get('board');
  if (dataset) board.dataset = dataset;
  const models = splitList(params.get('models'));
  if (models.length) board.models = [...new Set(models)];
  const metrics = splitList(params.get('metrics'));
  if (metrics.length) board.metrics = [...new Set(metrics)];
  const chart = params.get('chart');
  if (chart) board.chart = chart;
  return { collection: parseChoice(params), board };
}

export function evaluationHash(c: Partial<CollectionChoice>, b: Partial<BoardChoice>): string {
  const metrics = b.metrics ?? [];
  const defaultMetrics = metrics.length === 0 || sameList(metrics, DEFAULT_BOARD_METRICS);
  return buildHash(EVALUATION_ROUTE, [
    ...choiceEntries(c),
    ['board', b.dataset],
    ['models', b.models?.length ? b.models.join(',') : undefined],
    ['metrics', defaultMetrics ? undefined : metrics.join(',')],
    ['chart', b.chart && b.chart !== (metrics[0] ?? DEFAULT_BOARD_METRICS[0]) ? b.chart : undefined],
  ]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
