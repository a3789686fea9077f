// The one-line summary above the results (pure).
import type { SearchResults } from '../../api/search';
import { formatMs } from '../../lib/format';

/**
 * "50 most similar · 41 of 50 share the class 'elephant' · cosine on global_pool (1280-d) · 3 ms";
 * for an upload (no class) the most frequent class among the hits is named instead.
 */
export function summarise(r: SearchResults): string {
  const hits = r.hits ?? [];
  const n = hits.length;
  const parts = [n === 1 ? 'the most similar image' : `${n} most similar`];
  const queryLabel = r.query?.label;
  if (queryLabel) {
    const same = hits.filter((h) => h.label === queryLabel).length;
    parts.push(`${same} of ${n} share the class '${queryLabel}'`);
  } else if (n > 0) {
    const top = mostFrequentLabel(hits.map((h) => h.label));
    if (top) parts.push(`${top.count} of ${n} are '${top.label}'`);
  }
  const c = r.collection;
  if (r.metric && c?.layer) {
    parts.push(`${r.metric} on ${c.layer}${c.dimension ? ` (${c.dimension}-d)` : ''}`);
  }
  const took = formatMs(r.tookMs);
  if (took) parts.push(took);
  return parts.join(' · ');
}

export function mostFrequentLabel(labels: readonly (string | null | undefined)[]): { label: string; count: number } | undefined {
  const counts = new Map<string, number>();
  let best: { label: string; count: number } | undefined;
  for (const label of labels) {
    if (!label) continue;
    const count = (counts.get(label) ?? 0) + 1;
    counts.set(label, count);
    if (!best || count > best.count) best = { label, count };
  }
  return best;
}
