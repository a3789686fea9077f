// The Embedding map's URL hash: #/map?dataset=…&model=…&layer=…[&pooling=max][&method=tsne]
import type { Projection } from '../../api/search';
import { formatInt } from '../../lib/format';
import { buildHash, parseRoute } from '../../lib/hash';
import type { CollectionChoice } from '../search/controls';
import { choiceEntries, parseChoice } from '../common/route';

export const MAP_ROUTE = '/map';
export const METHODS = ['pca', 'tsne'] as const;
export type Method = (typeof METHODS)[number];

export interface MapLink {
  collection: Partial<CollectionChoice>;
  method?: Method;
}

export function parseMapHash(hash: string): MapLink {
  const { params } = parseRoute(hash);
  const method = params.get('method')?.toLowerCase();
  const link: MapLink = { collection: parseChoice(params, false) };
  if (method && (METHODS as readonly string[]).includes(method)) link.method = method as Method;
  return link;
}

export function mapHash(c: Partial<CollectionChoice>, method: Method): string {
  return buildHash(MAP_ROUTE, [...choiceEntries(c, false), ['method', method === 'pca' ? undefined : method]]);
}

/** "PCA: the axes explain 13.1% and 8.6% of the variance" */
export function describeProjection(p: Projection, noun: 'image' | 'item' = 'image'): string {
  const parts: string[] = [];
  const total = p.total ?? p.points?.length ?? 0;
  const sampled = p.sampled ?? p.points?.length ?? 0;
  // an imported collection's points are items: it has no images
  parts.push(sampled < total ? `${formatInt(sampled)} of ${formatInt(total)} ${noun}s (random sample)` : `${formatInt(total)} ${noun}s`);
  const share = (p.varianceShare ?? []).filter((v) => Number.isFinite(v));
  if (p.method === 'pca' && share.length) {
    const pct = share.map((v) => `${(v * 100).toFixed(1)}%`);
    const sum = share.reduce((a, b) => a + b, 0);
    parts.push(`PCA axes explain ${pct.join(' + ')} = ${(sum * 100).toFixed(1)}% of the variance`);
  } else if (p.method === 'tsne') parts.push('t-SNE, perplexity 30: neighbours stay together, distances between clusters mean little');
  return parts.join(' · ');
}
