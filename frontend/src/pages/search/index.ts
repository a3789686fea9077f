// The Semantic Search page: wires the store, the URL hash and the page's parts together.
import './search.css';
import type { Layer, Model } from '../../api/catalog';
import type { Dataset } from '../../api/features';
import { errorMessage } from '../../api/problem';
import { searchApi, type Collection } from '../../api/search';
import type { Banner } from '../../ui/banner';
import { h, svg } from '../../lib/dom';
import { labelOfId } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { Store } from '../../lib/store';
import { layersOf, listCollections, loadLists, reloadLists } from '../common/lists';
import { createAddImagesDialog } from './add-images';
import { createControls } from './controls';
import { PREFERRED_DATASET, PREFERRED_MODEL, pickById, pickLayer, pickMetric } from './defaults';
import { importedCollections, importedKey, importedOf as importedCollectionOf, importedRejections, importedTarget, type ImportedCollection } from '../common/imported';
import { createIdBox } from './id-box';
import { idVerdict } from './id-lookup';
import { createPicker } from './picker';
import { createQueryPanel, type QueryView } from './query-panel';
import { createResults } from './results';
import { createRunner } from './runner';
import { createWhyDialog } from './why';
import { EMPTY_STATE, isComplete, queryKey, toHash, type SearchState, type Selection } from './state';

const PLUS_ICON = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M8 3v10M3 8h10"/></svg>`;

export interface SearchPage {
  readonly el: HTMLElement;
  /** Applies values from a link (the URL hash): unknown ones are replaced by defaults, with a note. */
  applyLink(params: Partial<Selection>): void;
  currentHash(): string;
  /** Stops whatever the page is waiting for (it is being left). */
  dispose(): void;
}

export function mountSearchPage(banner: Banner, initial: Partial<Selection>): SearchPage {
  const store = new Store<SearchState>(EMPTY_STATE);
  const labels = new Map<string, string>();
  const selecting = new Latest();
  let datasets: Dataset[] = [];
  let models: Model[] = [];
  let metrics: string[] = [];
  /** Every stored collection (the search-service's list), and those of them opened as imported vectors. */
  let collections: Collection[] = [];
  let imported: ImportedCollection[] = [];
  let listsReady: Promise<void>;
  let listFailure: string | undefined;

  const addButton = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'add-images', 'aria-haspopup': 'dialog' },
    svg(PLUS_ICON),
    'Add your images',
  );
  const controls = createControls((patch) => void select(patch, false), { datasetAction: addButton });
  const addImages = createAddImagesDialog({
    async onImported(id) {
      const l = await refreshDatasets();
      const now = store.get();
      if (now.dataset !== id) await select({ dataset: id }, false);
      else {
        // The same dataset grew: its picker shows the new images, the search catches its collection up.
        const ds = datasets.find((d) => d.id === id);
        if (ds) void picker.load(ds);
        if (isComplete(now)) runner.run(now);
      }
      return l;
    },
    async onDeleted(id) {
      const l = await refreshDatasets();
      if (store.get().dataset === id) await select({}, false);
      return l;
    },
  });
  addButton.addEventListener('click', () => addImages.open(addButton, datasets, store.get().dataset));
  const query = createQueryPanel(
    (file) => store.set({ upload: file, q: '' }),
    (message) => banner.show(message),
  );
  const idBox = createIdBox({
    async lookup(id, signal) {
      const s = store.get();
      const answer = await searchApi.GET('/api/search/collections/{dataset}/{model}/{layer}/vectors/{id}', {
        params: { path: { dataset: s.dataset, model: s.model, layer: s.layer, id }, query: { pooling: s.pooling } },
        signal,
      });
      const where = importedOf(s) ? `imported dataset '${s.dataset}'` : `dataset '${s.dataset}'`;
      return idVerdict(id, answer.response.status, answer.data ?? answer.error, where);
    },
    onFound: (id, label) => pick(id, label),
  });
  const picker = createPicker(
    {
      onPick: (item) => pick(item.id, item.label),
      onItems: (items) => remember(items),
      onError: (message) => banner.show(message),
    },
    idBox.el,
  );
  const why = createWhyDialog((message) => banner.show(message));
  const results = createResults(
    (hit) => pick(hit.id, hit.label),
    () => {
      banner.hide();
      if (isComplete(store.get())) runner.run(store.get());
      else void select({}, false);
    },
    (hit, state, opener) => why.open(hit, state, opener),
    (state) => !importedOf(state),
  );
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

  /** The imported collection the state is on, if it is on one. */
  const importedOf = (s: Selection): ImportedCollection | undefined => importedCollectionOf(imported, s);

  /** What the picker lists: an imported collection, or a dataset's images. */
  function sourceOf(s: Selection): string {
    return importedOf(s) ? importedKey(s) : `dataset:${s.dataset}`;
  }

  function remember(items: readonly { id?: string; label?: string | null }[]) {
    for (const i of items) if (i.id && i.label) labels.set(i.id, i.label);
  }

  function pick(id: string | undefined, label: string | null | undefined) {
    if (!id) return;
    if (label) labels.set(id, label);
    store.set({ q: id, upload: null });
  }

  function refreshQuery(s: SearchState) {
    const view: QueryView = s.upload
      ? { kind: 'upload', file: s.upload }
      : s.q && importedOf(s)
        ? { kind: 'item', id: s.q, label: labels.get(s.q) }
        : s.q && s.dataset
          ? { kind: 'image', dataset: s.dataset, id: s.q, label: labels.get(s.q) ?? labelOfId(s.q) }
          : { kind: 'none' };
    query.show(view);
  }

  /**
   * Validates a change (from a control or a link) against the lists and moves the store there. A new
   * model resets the layer to its embedding layer unless the change names a layer; a new dataset
   * resets the query to its first image unless the change names one. Changes made while an earlier
   * one still waits for its model's layers are merged into it, so quick successive changes all count.
   * A dataset of imported vectors fixes the model, layer and pooling to one of its collections.
   */
  let pending: Partial<Selection> = {};
  let pendingFromLink = false;
  async function select(patch: Partial<Selection>, fromLink: boolean): Promise<void> {
    pending = { ...pending, ...patch };
    pendingFromLink ||= fromLink;
    await listsReady;
    const ticket = selecting.begin();
    const want = pending;
    const before = store.get();
    const collection = importedTarget(imported, want, before);
    const model = pickById(models, want.model ?? (before.model || undefined), PREFERRED_MODEL, 'model');
    const m = collection ? undefined : model.value;
    let layers: Layer[] | undefined;
    let failure: unknown;
    if (m?.id) {
      if (m.id !== before.model) controls.setLayersPending('Loading layers…');
      try {
        layers = await layersOf(m.id);
      } catch (e) {
        failure = e;
      }
    }
    if (!ticket.isCurrent()) return; // a newer change is under way and carries this one
    const fromLinkNow = pendingFromLink;
    pending = {};
    pendingFromLink = false;

    const current = store.get();
    const notes: string[] = [];
    const note = (rejected: string | undefined) => rejected && fromLinkNow && notes.push(rejected);
    if (collection) {
      const metric = pickMetric(metrics, want.metric ?? (current.metric || undefined));
      note(metric.rejected);
      for (const rejected of importedRejections(collection, want)) note(rejected);
      const collectionChanged = importedKey(collection) !== importedKey(current);
      controls.setFixed(collection);
      store.set({
        dataset: collection.dataset,
        model: collection.model,
        layer: collection.layer,
        pooling: collection.pooling,
        metric: metric.value ?? '',
        q: want.q ?? (collectionChanged ? '' : current.q),
        upload: null, // no model of the catalog to embed an upload with
      });
      if (notes.length) banner.show(notes.join('; '));
      return;
    }
    controls.setFixed(undefined);
    const dataset = pickById(datasets, want.dataset ?? (current.dataset || undefined), PREFERRED_DATASET, 'dataset');
    const metric = pickMetric(metrics, want.metric ?? (current.metric || undefined));
    note(dataset.rejected);
    note(model.rejected);
    note(metric.rejected);
    if (!dataset.value?.id || !m?.id) {
      results.error(listFailure ?? (datasets.length ? 'no models to search with' : 'no datasets to search'));
      return;
    }
    if (!layers) {
      controls.setLayersPending('Layers unavailable');
      banner.show(errorMessage(failure));
      store.set({ dataset: dataset.value.id, model: m.id, layer: '', metric: metric.value ?? '' });
      return;
    }
    const modelChanged = m.id !== current.model;
    const layer = pickLayer(m, layers, want.layer ?? (modelChanged ? undefined : current.layer || undefined));
    note(layer.rejected);

    const datasetChanged = dataset.value.id !== current.dataset;
    controls.setLayers(m, layers);
    store.set({
      dataset: dataset.value.id,
      model: m.id,
      layer: layer.value ?? '',
      metric: metric.value ?? '',
      // an imported collection's pooling was not chosen for this dataset
      pooling: want.pooling ?? (importedOf(current) ? EMPTY_STATE.pooling : current.pooling),
      q: want.q ?? (datasetChanged ? '' : current.q),
      upload: want.q ? null : current.upload,
    });
    if (notes.length) banner.show(notes.join('; '));
  }

  store.subscribe((s, previous) => {
    const hash = toHash(s);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    controls.render(s);
    const collection = importedOf(s);
    query.allowUpload(!collection);
    if (sourceOf(s) !== sourceOf(previous)) {
      idBox.reset();
      const ds = datasets.find((d) => d.id === s.dataset);
      const source = sourceOf(s);
      if (collection) {
        void picker.loadCollection(collection).then((first) => {
          const now = store.get();
          if (first?.id && sourceOf(now) === source && !now.q && !now.upload) store.set({ q: first.id });
        });
      } else if (ds) {
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

  async function loadAll(): Promise<void> {
    const [l, stored] = await Promise.all([loadLists(), listCollections()]);
    datasets = l.datasets;
    models = l.models;
    metrics = l.metrics;
    if (typeof stored !== 'string') collections = stored;
    imported = importedCollections(collections, datasets);
    controls.setLists({ datasets, models, metrics, imported });
    if (l.failure) {
      listFailure = l.failure;
      banner.show(listFailure);
    } else if (typeof stored === 'string') {
      banner.show(`imported collections could not be listed: ${stored}`);
    }
    for (const note of l.notes) banner.show(note);
  }

  /** The datasets again after one was added or deleted (the shared lists are fetched anew). */
  async function refreshDatasets(): Promise<Dataset[]> {
    const l = await reloadLists();
    if (!l.failure) {
      datasets = l.datasets;
      // a dataset added under an imported one's name is the feature-service's from now on
      imported = importedCollections(collections, datasets);
      controls.setLists({ datasets, imported });
    }
    return datasets;
  }

  listsReady = loadAll();
  void select(initial, true);

  return {
    el,
    applyLink(params) {
      void select(params, true);
    },
    currentHash: () => toHash(store.get()),
    dispose() {
      runner.cancel();
      selecting.cancel();
      why.dispose();
      addImages.dispose();
    },
  };
}
