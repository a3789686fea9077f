// The lists every page chooses from (datasets, models, metrics) and each model's layers, fetched once
// per visit and shared by the pages.
import { catalogApi, type Layer, type Model } from '../../api/catalog';
import { featuresApi, type Dataset } from '../../api/features';
import { errorMessage, unwrap } from '../../api/problem';
import { searchApi, type Collection } from '../../api/search';
import { PREFERRED_METRIC } from '../search/defaults';

export interface Lists {
  datasets: Dataset[];
  /** In the catalog's order: by complexity. */
  models: Model[];
  metrics: string[];
  /** Why a list could not be loaded ('' when all were). */
  failure: string;
  /** Other things to tell the user (an empty list). */
  notes: string[];
}

let lists: Promise<Lists> | undefined;
const layerCache = new Map<string, Promise<Layer[]>>();

/** The lists; a failed load is retried on the next call. */
export function loadLists(): Promise<Lists> {
  if (!lists) {
    lists = fetchLists();
    void lists.then((l) => {
      if (l.failure) lists = undefined;
    });
  }
  return lists;
}

/**
 * Fetches the lists again (a dataset or model was added or deleted); the layers of models are
 * forgotten too, since an id can now name another model.
 */
export function reloadLists(): Promise<Lists> {
  lists = undefined;
  layerCache.clear();
  return loadLists();
}

async function fetchLists(): Promise<Lists> {
  const [d, m, x] = await Promise.allSettled([
    featuresApi.GET('/api/features/datasets').then(unwrap),
    catalogApi.GET('/api/catalog/models').then(unwrap),
    searchApi.GET('/api/search/metrics').then(unwrap),
  ]);
  const failures: string[] = [];
  const notes: string[] = [];
  const datasets = d.status === 'fulfilled' ? d.value : (failures.push(errorMessage(d.reason)), []);
  const models = m.status === 'fulfilled' ? m.value : (failures.push(errorMessage(m.reason)), []);
  // The search-service ranks by cosine when no metric is named: offer that and let the request say more.
  const metrics = x.status === 'fulfilled' ? x.value : (failures.push(errorMessage(x.reason)), [PREFERRED_METRIC]);
  if (d.status === 'fulfilled' && datasets.length === 0) notes.push('the feature-service lists no datasets: add a folder of class sub-folders to its datasets directory');
  if (m.status === 'fulfilled' && models.length === 0) notes.push('the model catalog lists no models');
  return { datasets, models, metrics, failure: failures.join('; '), notes };
}

/** A model's layers (cached; a failure is forgotten so that it is retried). */
export function layersOf(modelId: string): Promise<Layer[]> {
  let layers = layerCache.get(modelId);
  if (!layers) {
    layers = catalogApi.GET('/api/catalog/models/{id}/layers', { params: { path: { id: modelId } } }).then(unwrap);
    layerCache.set(modelId, layers);
    layers.catch(() => layerCache.delete(modelId));
  }
  return layers;
}

/** The search-service's stored collections (imported ones among them), fetched anew each time, or why not. */
export async function listCollections(): Promise<Collection[] | string> {
  try {
    return unwrap(await searchApi.GET('/api/search/collections'));
  } catch (e) {
    return errorMessage(e);
  }
}
