// The collection part of the analysis pages' URL hashes: dataset, model, layer, metric, pooling.
import type { CollectionChoice } from '../search/controls';
import { POOLINGS, type Pooling } from '../search/state';

/** The collection keys of a parsed hash; an invalid pooling is dropped. */
export function parseChoice(params: ReadonlyMap<string, string>, withMetric = true): Partial<CollectionChoice> {
  const out: Partial<CollectionChoice> = {};
  for (const key of ['dataset', 'model', 'layer'] as const) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  const metric = params.get('metric');
  if (withMetric && metric) out.metric = metric;
  const pooling = params.get('pooling');
  if (pooling && (POOLINGS as readonly string[]).includes(pooling)) out.pooling = pooling as Pooling;
  return out;
}

/** Hash entries for a choice: pooling only when not the default, metric only when wanted. */
export function choiceEntries(c: Partial<CollectionChoice>, withMetric = true): [string, string | undefined][] {
  return [
    ['dataset', c.dataset],
    ['model', c.model],
    ['layer', c.layer],
    ['metric', withMetric ? c.metric : undefined],
    ['pooling', c.pooling === 'avg' ? undefined : c.pooling],
  ];
}
