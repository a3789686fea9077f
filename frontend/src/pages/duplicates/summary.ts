// What the duplicate scan found, arranged for review (pure).
import { searchUrls, type Duplicates } from '../../api/search';
import { exportName, thresholdPart } from '../../lib/download';
import { formatInt, labelOfId } from '../../lib/format';
import type { CollectionChoice } from '../search/controls';

/** Looks up the distance of a pair in either order. */
export function pairDistances(pairs: Duplicates['pairs']): (a: string, b: string) => number | undefined {
  const map = new Map<string, number>();
  for (const p of pairs ?? []) {
    if (p.a === undefined || p.b === undefined || typeof p.distance !== 'number') continue;
    map.set(`${p.a}\u0000${p.b}`, p.distance);
    map.set(`${p.b}\u0000${p.a}`, p.distance);
  }
  return (a, b) => map.get(`${a}\u0000${b}`);
}

/**
 * "5 groups, 10 images, scanned 204", "· 10,000 of 48,210 pairs shown" when only the closest pairs are listed, and
 * "at least" before the total when images of a large collection had more close neighbours than the scan asks for
 * (imagesAtCap: the total is then a lower bound). An imported collection's are "items": it has no images.
 */
export function summaryText(d: Pick<Duplicates, 'groups' | 'scanned' | 'pairs' | 'total' | 'truncated' | 'imagesAtCap'>, noun: 'image' | 'item' = 'image'): string {
  const groups = d.groups ?? [];
  const members = groups.reduce((n, g) => n + g.length, 0);
  const text = `${plural(groups.length, 'group', 'groups')}, ${plural(members, noun, `${noun}s`)}, scanned ${formatInt(d.scanned ?? 0)}`;
  if (d.truncated) return `${text} · ${pairsShown(d)}`;
  return atLeast(d) ? `${text} · at least ${plural(Math.max(d.total ?? 0, d.pairs?.length ?? 0), 'pair', 'pairs')}` : text;
}

/** "10,000 of 48,210 pairs shown" (the pairs listed, closest first, of all those below the threshold; "of at least" when that is a lower bound). */
export function pairsShown(d: Pick<Duplicates, 'pairs' | 'total' | 'imagesAtCap'>): string {
  const listed = d.pairs?.length ?? 0;
  const total = Math.max(d.total ?? listed, listed);
  return `${formatInt(listed)} of ${atLeast(d) ? 'at least ' : ''}${formatInt(total)} ${total === 1 ? 'pair' : 'pairs'} shown`;
}

/** Whether the total is a lower bound: some images had more close neighbours than the scan's neighbour cap. */
export function atLeast(d: Pick<Duplicates, 'imagesAtCap'>): boolean {
  return (d.imagesAtCap ?? 0) > 0;
}

function plural(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}

/**
 * The label of a grouped image: the service's (Duplicates.labels), else the class its id names ("class/file.jpg",
 * as a dataset's ids do; an imported collection's ids need not).
 */
export function groupLabels(labels: Duplicates['labels']): (id: string) => string | undefined {
  return (id) => labels?.[id] ?? labelOfId(id);
}

/** The classes of a group's images, most frequent first: "grand_piano" or "ketch, schooner". */
export function groupClasses(ids: readonly string[], labelOf: (id: string) => string | undefined): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const l = labelOf(id) ?? 'unlabeled';
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l).join(', ');
}

/** The query of a duplicates request, as the page sends it (the threshold only when chosen). */
export function duplicatesQuery(c: CollectionChoice, threshold: number | undefined, format?: 'csv') {
  return {
    dataset: c.dataset,
    model: c.model,
    layer: c.layer,
    metric: c.metric,
    pooling: c.pooling,
    ...(threshold === undefined ? {} : { threshold }),
    ...(format ? { format } : {}),
  };
}

/** The CSV export's URL: the same request with format=csv. */
export function csvUrl(c: CollectionChoice, threshold: number | undefined): string {
  return searchUrls.url('get', '/api/search/duplicates', { query: duplicatesQuery(c, threshold, 'csv') });
}

/** File names of the exports: duplicates_<dataset>_<model>_<layer>_<metric>[_<pooling>]_t<threshold>.<ext> */
export function exportFileName(c: CollectionChoice, threshold: number | undefined, extension: 'json' | 'csv'): string {
  return exportName('duplicates', [c.dataset, c.model, c.layer, c.metric, c.pooling === 'avg' ? undefined : c.pooling, thresholdPart(threshold)], extension);
}
