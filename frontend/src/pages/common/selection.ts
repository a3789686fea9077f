// The collection selectors of the analysis pages (dataset, model, layer, metric, pooling): the search
// page's controls and defaults, validated against the lists the services return. Imported collections
// (vectors without images) are offered as datasets too; choosing one fixes its model, layer and pooling.
import type { Layer } from '../../api/catalog';
import { errorMessage } from '../../api/problem';
import { Latest } from '../../lib/latest';
import { Store } from '../../lib/store';
import type { Banner } from '../../ui/banner';
import { createControls, type CollectionChoice, type ControlsView } from '../search/controls';
import { PREFERRED_DATASET, PREFERRED_MODEL, pickById, pickLayer, pickMetric } from '../search/defaults';
import { importedCollections, importedOf, importedRejections, importedTarget, type ImportedCollection } from './imported';
import { layersOf, listCollections, loadLists, type Lists } from './lists';

export const EMPTY_CHOICE: CollectionChoice = { dataset: '', model: '', layer: '', metric: '', pooling: 'avg' };

export interface CollectionSelection {
  readonly controls: ControlsView;
  /** Applies a change from a control or a link; values from a link that are not listed are replaced, with a note. */
  apply(patch: Partial<CollectionChoice>, fromLink: boolean): Promise<void>;
  get(): CollectionChoice;
  /** The lists once loaded. */
  readonly lists: Promise<Lists>;
  /** Whether the choice names everything a request needs. */
  isComplete(c: CollectionChoice): boolean;
  /** The imported collection a choice is on (its items have ids and labels but no images), if any. */
  importedOf(c: CollectionChoice): ImportedCollection | undefined;
  dispose(): void;
}

export interface SelectionOptions {
  banner: Banner;
  label: string;
  /** A field in place of the metric selector (the metric then stays at its default). */
  replaceMetric?: HTMLElement;
  onChange(choice: CollectionChoice, previous: CollectionChoice): void;
  /** Nothing can be chosen (no datasets or models): why. */
  onUnavailable(message: string): void;
}

export function createCollectionSelection(options: SelectionOptions): CollectionSelection {
  const store = new Store<CollectionChoice>(EMPTY_CHOICE);
  const selecting = new Latest();
  const controls = createControls((patch) => void apply(patch, false), { label: options.label, replaceMetric: options.replaceMetric });
  let loaded: Lists = { datasets: [], models: [], metrics: [], failure: '', notes: [] };
  let imported: ImportedCollection[] = [];

  const lists = Promise.all([loadLists(), listCollections()]).then(([l, stored]) => {
    loaded = l;
    if (typeof stored !== 'string') imported = importedCollections(stored, l.datasets);
    controls.setLists({ datasets: l.datasets, models: l.models, metrics: l.metrics, imported });
    if (l.failure) options.banner.show(l.failure);
    else if (typeof stored === 'string') options.banner.show(`imported collections could not be listed: ${stored}`);
    for (const note of l.notes) options.banner.show(note);
    return l;
  });

  store.subscribe((s, previous) => {
    controls.render(s);
    options.onChange(s, previous);
  });

  // Changes made while an earlier one still waits for its model's layers are merged into it.
  let pending: Partial<CollectionChoice> = {};
  let pendingFromLink = false;
  async function apply(patch: Partial<CollectionChoice>, fromLink: boolean): Promise<void> {
    pending = { ...pending, ...patch };
    pendingFromLink ||= fromLink;
    await lists;
    const ticket = selecting.begin();
    const want = pending;
    const before = store.get();
    const collection = importedTarget(imported, want, before);
    const model = pickById(loaded.models, want.model ?? (before.model || undefined), PREFERRED_MODEL, 'model');
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
    if (!ticket.isCurrent()) return;
    const fromLinkNow = pendingFromLink;
    pending = {};
    pendingFromLink = false;

    const current = store.get();
    const notes: string[] = [];
    const note = (rejected: string | undefined) => rejected && fromLinkNow && notes.push(rejected);
    if (collection) {
      const metric = pickMetric(loaded.metrics, want.metric ?? (current.metric || undefined));
      note(metric.rejected);
      for (const rejected of importedRejections(collection, want)) note(rejected);
      controls.setFixed(collection);
      store.set({ dataset: collection.dataset, model: collection.model, layer: collection.layer, pooling: collection.pooling, metric: metric.value ?? '' });
      if (notes.length) options.banner.show(notes.join('; '));
      return;
    }
    controls.setFixed(undefined);
    const dataset = pickById(loaded.datasets, want.dataset ?? (current.dataset || undefined), PREFERRED_DATASET, 'dataset');
    const metric = pickMetric(loaded.metrics, want.metric ?? (current.metric || undefined));
    note(dataset.rejected);
    note(model.rejected);
    note(metric.rejected);
    if (!dataset.value?.id || !m?.id) {
      options.onUnavailable(loaded.failure || (loaded.datasets.length ? 'no models to choose from' : 'no datasets to choose from'));
      return;
    }
    if (!layers) {
      controls.setLayersPending('Layers unavailable');
      options.banner.show(errorMessage(failure));
      store.set({ dataset: dataset.value.id, model: m.id, layer: '', metric: metric.value ?? '' });
      return;
    }
    const modelChanged = m.id !== current.model;
    const layer = pickLayer(m, layers, want.layer ?? (modelChanged ? undefined : current.layer || undefined));
    note(layer.rejected);
    controls.setLayers(m, layers);
    store.set({
      dataset: dataset.value.id,
      model: m.id,
      layer: layer.value ?? '',
      metric: metric.value ?? '',
      // an imported collection's pooling was not chosen for this dataset
      pooling: want.pooling ?? (importedOf(imported, current) ? EMPTY_CHOICE.pooling : current.pooling),
    });
    if (notes.length) options.banner.show(notes.join('; '));
  }

  return {
    controls,
    apply,
    get: () => store.get(),
    lists,
    isComplete: (c) => Boolean(c.dataset && c.model && c.layer && c.metric),
    importedOf: (c) => importedOf(imported, c),
    dispose: () => selecting.cancel(),
  };
}
