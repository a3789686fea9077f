// Collections of imported vectors (POST /api/search/collections/import) whose dataset the feature-service
// does not know: searchable by item id, with ids and labels but no images (pure).
import type { Dataset } from '../../api/features';
import type { Collection } from '../../api/search';
import { formatInt } from '../../lib/format';
import { POOLINGS, type Pooling, type Selection } from '../search/state';

/** The datasetVersion the search-service gives an imported collection starts with this. */
export const IMPORTED_VERSION_PREFIX = 'import:';

/** An imported collection the search page can open: its dataset, model, layer and pooling are fixed. */
export interface ImportedCollection {
  dataset: string;
  model: string;
  layer: string;
  pooling: Pooling;
  /** Number of items (vectors). */
  size: number;
  dimension: number;
}

/**
 * The collections that only the search-service holds: imported ones (datasetVersion "import:…") whose dataset
 * the feature-service does not list. A built collection of a vanished dataset is left out (the search-service
 * deletes it when it is queried), and so is one pooled as 'flatten', which the page's state cannot name.
 * Sorted by dataset, model, layer, pooling.
 */
export function importedCollections(collections: readonly Collection[], datasets: readonly Dataset[]): ImportedCollection[] {
  const known = new Set(datasets.map((d) => d.id));
  const out: ImportedCollection[] = [];
  for (const c of collections) {
    if (!c.dataset || !c.model || !c.layer || known.has(c.dataset)) continue;
    if (!c.datasetVersion?.startsWith(IMPORTED_VERSION_PREFIX)) continue;
    const pooling = c.pooling ?? 'avg';
    if (!(POOLINGS as readonly string[]).includes(pooling)) continue;
    out.push({ dataset: c.dataset, model: c.model, layer: c.layer, pooling: pooling as Pooling, size: c.size ?? 0, dimension: c.dimension ?? 0 });
  }
  const order = (c: ImportedCollection) => [c.dataset, c.model, c.layer, c.pooling];
  return out.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) {
      const d = x[i]!.localeCompare(y[i]!);
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** One string per collection, for an option's value: the four names cannot contain NUL. */
export function importedKey(c: Pick<Selection, 'dataset' | 'model' | 'layer' | 'pooling'>): string {
  return ['import', c.dataset, c.model, c.layer, c.pooling].join('\u0000');
}

/**
 * The imported collection a selection (from a link or a control) names: one of its dataset, narrowed by the
 * model, then the layer, then the pooling where given and where some collection has it; the first left.
 * Undefined when the dataset has no imported collection.
 */
export function findImported(
  list: readonly ImportedCollection[],
  want: Partial<Pick<Selection, 'dataset' | 'model' | 'layer' | 'pooling'>>,
): ImportedCollection | undefined {
  if (!want.dataset) return undefined;
  let left = list.filter((c) => c.dataset === want.dataset);
  for (const key of ['model', 'layer', 'pooling'] as const) {
    const wanted = want[key];
    const narrowed = wanted === undefined ? left : left.filter((c) => c[key] === wanted);
    if (narrowed.length) left = narrowed;
  }
  return left[0];
}

/** What the dataset picker shows for one: "catalogue-demo · my-embedder · embedding (1,234 vectors)". */
export function importedLabel(c: ImportedCollection): string {
  const pooled = c.pooling === 'avg' ? '' : ` · ${c.pooling}`;
  return `${c.dataset} · ${c.model} · ${c.layer}${pooled} (${formatInt(c.size)} vectors)`;
}

/**
 * Why values a link named were replaced by the imported collection's (its model, layer and pooling are fixed),
 * in the words of the page's other link notes.
 */
export function importedRejections(c: ImportedCollection, want: Partial<Pick<Selection, 'model' | 'layer' | 'pooling'>>): string[] {
  const notes: string[] = [];
  const check = (what: string, wanted: string | undefined, used: string) => {
    if (wanted !== undefined && wanted !== used) notes.push(`unknown ${what} '${wanted}' of imported dataset '${c.dataset}' in the link; showing '${used}' instead`);
  };
  check('model', want.model, c.model);
  check('layer', want.layer, c.layer);
  check('pooling', want.pooling, c.pooling);
  return notes;
}

/** The imported collection a choice is on: the one with exactly its dataset, model, layer and pooling. */
export function importedOf(
  list: readonly ImportedCollection[],
  c: Pick<Selection, 'dataset' | 'model' | 'layer' | 'pooling'>,
): ImportedCollection | undefined {
  const key = importedKey(c);
  return list.find((i) => importedKey(i) === key);
}

/**
 * The imported collection a change leads to: the wanted values, else the current ones while the dataset stays
 * (another dataset starts from its own first collection). Undefined when the dataset is not an imported one.
 */
export function importedTarget(
  list: readonly ImportedCollection[],
  want: Partial<Pick<Selection, 'dataset' | 'model' | 'layer' | 'pooling'>>,
  current: Pick<Selection, 'dataset' | 'model' | 'layer' | 'pooling'>,
): ImportedCollection | undefined {
  const sameDataset = want.dataset === undefined || want.dataset === current.dataset;
  return findImported(list, {
    dataset: want.dataset ?? (current.dataset || undefined),
    model: want.model ?? (sameDataset ? current.model || undefined : undefined),
    layer: want.layer ?? (sameDataset ? current.layer || undefined : undefined),
    pooling: want.pooling ?? (sameDataset ? current.pooling : undefined),
  });
}
