// The Semantic Search page: wires the store, the URL hash and the page's parts together.
import { catalogApi, type Layer, type Model } from '../../api/catalog';
import { featuresApi, type Dataset, type ImageItem } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { searchApi } from '../../api/search';
import type { Banner } from '../../ui/banner';
import { h } from '../../lib/dom';
import { labelOfId } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { Store } from '../../lib/store';
import { createControls } from './controls';
import { PREFERRED_DATASET, PREFERRED_MODEL, pickById, pickLayer, pickMetric } from './defaults';
import { createPicker } from './picker';
import { createQueryPanel, type QueryView } from './query-panel';
import { createResults } from './results';
import { createRunner } from './runner';
import { EMPTY_STATE, isComplete, queryKey, toHash, type SearchState, type Selection } from './state';

export interface SearchPage {
  readonly el: HTMLElement;
  /** Applies values from a link (the URL hash): unknown ones are replaced by defaults, with a note. */
  applyLink(params: Partial<Selection>): void;
  currentHash(): string;
}

export function mountSearchPage(banner: Banner, initial: Partial<Selection>): SearchPage {
  const store = new Store<SearchState>(EMPTY_STATE);
  const labels = new Map<string, string>();
  const layerCache = new Map<string, Promise<Layer[]>>();
  const selecting = new Latest();
  let datasets: Dataset[] = [];
  let models: Model[] = [];
  let metrics: string[] = [];
  let listsReady: Promise<void>;

  const controls = createControls((patch) => void select(patch, false));
  const query = createQueryPanel(
    (file) => store.set({ upload: file, q: '' }),
    (message) => banner.show(message),
  );
  const picker = createPicker({
    onPick: (item) => pick(item.id, item.label),
    onItems: (items) => remember(items),
    onError: (message) => banner.show(message),
  });
  const results = createResults((hit) => pick(hit.id, hit.label));
  const runner = createRunner(results, {
    onError: (message) => banner.show(message),
    onResults: (r) => {
      remember(r.hits ?? []);
      if (r.query?.id && r.query.label) labels.set(r.query.id, r.query.label);
      refreshQuery(store.get());
    },
  });

  const el = h(
    'div',
    { class: 'search-page' },
    controls.el,
    h('div', { class: 'workspace' }, h('div', { class: 'sidebar' }, query.el, picker.el), results.el),
  );

  function remember(items: readonly ImageItem[]) {
    for (const i of items) if (i.id && i.label) labels.set(i.id, i.label);
  }

  function pick(id: string | undefined, label: string | undefined) {
    if (!id) return;
    if (label) labels.set(id, label);
    store.set({ q: id, upload: null });
  }

  function refreshQuery(s: SearchState) {
    const view: QueryView = s.upload
      ? { kind: 'upload', file: s.upload }
      : s.q && s.dataset
        ? { kind: 'image', dataset: s.dataset, id: s.q, label: labels.get(s.q) ?? labelOfId(s.q) }
        : { kind: 'none' };
    query.show(view);
  }

  function layersOf(modelId: string): Promise<Layer[]> {
    let layers = layerCache.get(modelId);
    if (!layers) {
      layers = catalogApi.GET('/api/catalog/models/{id}/layers', { params: { path: { id: modelId } } }).then(unwrap);
      layerCache.set(modelId, layers);
      layers.catch(() => layerCache.delete(modelId));
    }
    return layers;
  }

  /**
   * Validates a change (from a control or a link) against the lists and moves the store there. A new
   * model resets the layer to its embedding layer unless the change names a layer; a new dataset
   * resets the query to its first image unless the change names one.
   */
  async function select(patch: Partial<Selection>, fromLink: boolean): Promise<void> {
    await listsReady;
    const current = store.get();
    const notes: string[] = [];
    const note = (rejected: string | undefined) => rejected && fromLink && notes.push(rejected);

    const dataset = pickById(datasets, patch.dataset ?? (current.dataset || undefined), PREFERRED_DATASET, 'dataset');
    const model = pickById(models, patch.model ?? (current.model || undefined), PREFERRED_MODEL, 'model');
    const metric = pickMetric(metrics, patch.metric ?? (current.metric || undefined));
    note(dataset.rejected);
    note(model.rejected);
    note(metric.rejected);
    if (!dataset.value?.id || !model.value?.id) return;
    const m = model.value;
    const modelChanged = m.id !== current.model;

    let layers: Layer[];
    try {
      if (modelChanged) controls.setLayersPending('Loading layers…');
      const answer = await selecting.run(() => layersOf(m.id ?? ''));
      if (!answer) return; // a newer selection is under way
      layers = answer.value;
    } catch (e) {
      if (isAbort(e)) return;
      controls.setLayersPending('Layers unavailable');
      banner.show(errorMessage(e));
      store.set({ dataset: dataset.value.id, model: m.id, layer: '', metric: metric.value ?? '' });
      return;
    }
    const layer = pickLayer(m, layers, patch.layer ?? (modelChanged ? undefined : current.layer || undefined));
    note(layer.rejected);

    const datasetChanged = dataset.value.id !== current.dataset;
    const q = patch.q ?? (datasetChanged ? '' : current.q);
    controls.setLayers(m, layers);
    store.set({
      dataset: dataset.value.id,
      model: m.id,
      layer: layer.value ?? '',
      metric: metric.value ?? '',
      pooling: patch.pooling ?? current.pooling,
      q,
      upload: patch.q ? null : current.upload,
    });
    if (notes.length) banner.show(notes.join('; '));
  }

  store.subscribe((s, previous) => {
    const hash = toHash(s);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    controls.render(s);
    if (s.dataset !== previous.dataset) {
      const ds = datasets.find((d) => d.id === s.dataset);
      if (ds) {
        void picker.load(ds).then((first) => {
          const now = store.get();
          if (first?.id && now.dataset === ds.id && !now.q && !now.upload) store.set({ q: first.id });
        });
      }
    }
    picker.highlight(s.upload ? '' : s.q);
    refreshQuery(s);
    if (queryKey(s) !== queryKey(previous)) {
      if (isComplete(s)) runner.run(s);
      else {
        runner.cancel();
        results.loading(s);
      }
    }
  });

  async function loadLists(): Promise<void> {
    const [d, m, x] = await Promise.allSettled([
      featuresApi.GET('/api/features/datasets').then(unwrap),
      catalogApi.GET('/api/catalog/models').then(unwrap),
      searchApi.GET('/api/search/metrics').then(unwrap),
    ]);
    const failures: string[] = [];
    if (d.status === 'fulfilled') datasets = d.value;
    else failures.push(errorMessage(d.reason));
    if (m.status === 'fulfilled') models = m.value;
    else failures.push(errorMessage(m.reason));
    if (x.status === 'fulfilled') metrics = x.value;
    else failures.push(errorMessage(x.reason));
    controls.setLists({ datasets, models, metrics });
    if (failures.length) banner.show(failures.join('; '));
    if (d.status === 'fulfilled' && datasets.length === 0) banner.show('the feature-service lists no datasets: add a folder of class sub-folders to its datasets directory');
    if (m.status === 'fulfilled' && models.length === 0) banner.show('the model catalog lists no models');
  }

  listsReady = loadLists();
  void select(initial, true);

  return {
    el,
    applyLink(params) {
      void select(params, true);
    },
    currentHash: () => toHash(store.get()),
  };
}
