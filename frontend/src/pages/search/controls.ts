// The selectors: dataset, model, layer, metric, and pooling in an advanced area.
import './controls.css';
import type { Dataset } from '../../api/features';
import type { Layer, Model } from '../../api/catalog';
import { h } from '../../lib/dom';
import { datasetLabel, formatInt, layerLabel, modelLabel } from '../../lib/format';
import { groupLayers } from './defaults';
import { importedKey, importedLabel, type ImportedCollection } from '../common/imported';
import { POOLINGS, type Pooling, type Selection } from './state';

/** What the selectors show: a collection (dataset, model, layer, pooling) and a metric. */
export type CollectionChoice = Pick<Selection, 'dataset' | 'model' | 'layer' | 'metric' | 'pooling'>;

export interface ControlsView {
  readonly el: HTMLElement;
  /** imported: collections of imported vectors, offered as datasets in their own group (the search page's). */
  setLists(lists: { datasets?: Dataset[]; models?: Model[]; metrics?: string[]; imported?: ImportedCollection[] }): void;
  setLayers(model: Model, layers: readonly Layer[]): void;
  setLayersPending(message: string): void;
  /**
   * Fixes the model, layer and pooling to an imported collection's (shown, not choosable), or with undefined
   * offers the catalog's models again (the layers follow with setLayers).
   */
  setFixed(collection: ImportedCollection | undefined): void;
  render(state: CollectionChoice): void;
}

export interface ControlsOptions {
  /** The accessible name of the settings card ("Search settings" by default). */
  label?: string;
  /** A field shown in place of the metric selector (e.g. the map's projection method). */
  replaceMetric?: HTMLElement;
  /** A small action beside the dataset's label (the search page's "Add your images"). */
  datasetAction?: HTMLElement;
}

const POOLING_TEXT: Record<Pooling, string> = {
  avg: 'avg — mean over positions',
  max: 'max — strongest response',
};

export function field(id: string, label: string, control: HTMLElement, extra = ''): HTMLElement {
  return h('div', { class: `field ${extra}`.trim() }, h('label', { for: id, class: 'field-label' }, label), control);
}

function select(id: string, testid: string): HTMLSelectElement {
  const el = h('select', { id, name: testid, 'data-testid': testid, disabled: true });
  el.append(h('option', { value: '' }, 'Loading…'));
  return el;
}

function fill(el: HTMLSelectElement, options: { value: string; text: string }[]): void {
  el.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.text)));
  el.disabled = options.length === 0;
}

function setValue(el: HTMLSelectElement, value: string): void {
  if (value && el.value !== value && [...el.options].some((o) => o.value === value)) el.value = value;
}

export function createControls(onChange: (patch: Partial<Selection>) => void, options: ControlsOptions = {}): ControlsView {
  const dataset = select('sel-dataset', 'dataset');
  const model = select('sel-model', 'model');
  const layer = select('sel-layer', 'layer');
  const metric = select('sel-metric', 'metric');
  const pooling = h('select', { id: 'sel-pooling', name: 'pooling', 'data-testid': 'pooling' });
  for (const p of POOLINGS) pooling.append(h('option', { value: p }, POOLING_TEXT[p]));

  let importedList: ImportedCollection[] = [];
  let modelList: Model[] = [];
  let fixed: ImportedCollection | undefined;
  dataset.addEventListener('change', () => {
    const c = importedList.find((i) => importedKey(i) === dataset.value);
    // an imported collection brings its model, layer and pooling along
    onChange(c ? { dataset: c.dataset, model: c.model, layer: c.layer, pooling: c.pooling } : { dataset: dataset.value });
  });
  model.addEventListener('change', () => onChange({ model: model.value }));
  layer.addEventListener('change', () => onChange({ layer: layer.value }));
  metric.addEventListener('change', () => onChange({ metric: metric.value }));
  pooling.addEventListener('change', () => onChange({ pooling: pooling.value as Pooling }));

  const advanced = h(
    'details',
    { class: 'advanced' },
    h('summary', { class: 'advanced-toggle' }, 'Advanced'),
    h(
      'div',
      { class: 'advanced-panel' },
      field('sel-pooling', 'Pooling', pooling),
      h('p', { class: 'advanced-note' }, "How a layer's H×W×C output becomes one C-value vector per image. Each pooling is its own collection, built on first use."),
    ),
  );
  const closeAdvanced = (e: MouseEvent) => {
    if (!advanced.isConnected) document.removeEventListener('click', closeAdvanced);
    else if (advanced.open && !advanced.contains(e.target as Node)) advanced.open = false;
  };
  document.addEventListener('click', closeAdvanced);

  const el = h(
    'section',
    { class: 'controls card', 'aria-label': options.label ?? 'Search settings' },
    options.datasetAction
      ? h(
          'div',
          { class: 'field field-dataset' },
          h('div', { class: 'field-label-row' }, h('label', { for: 'sel-dataset', class: 'field-label' }, 'Dataset'), options.datasetAction),
          dataset,
        )
      : field('sel-dataset', 'Dataset', dataset, 'field-dataset'),
    field('sel-model', 'Model', model, 'field-model'),
    field('sel-layer', 'Layer', layer, 'field-layer'),
    options.replaceMetric ?? field('sel-metric', 'Metric', metric, 'field-metric'),
    advanced,
  );

  let lastState: CollectionChoice | undefined;
  return {
    el,
    setLists({ datasets, models, metrics, imported }) {
      if (datasets) fill(dataset, datasets.map((d) => ({ value: d.id ?? '', text: datasetLabel(d) })));
      if (imported) {
        importedList = imported;
        dataset.querySelector('optgroup.imported')?.remove();
      }
      if ((datasets || imported) && importedList.length) {
        const group = h('optgroup', { class: 'imported', label: 'Imported vectors (no images)' });
        group.append(...importedList.map((c) => h('option', { value: importedKey(c) }, importedLabel(c))));
        dataset.append(group);
        dataset.disabled = false;
      }
      if (models) {
        modelList = models;
        if (!fixed) fill(model, models.map((m) => ({ value: m.id ?? '', text: modelLabel(m) })));
      }
      if (metrics) fill(metric, metrics.map((m) => ({ value: m, text: m })));
      if (lastState) this.render(lastState);
    },
    setLayers(m, layers) {
      const groups = groupLayers(m, layers);
      const option = (l: Layer) => h('option', { value: l.name ?? '' }, layerLabel(l, m.embeddingLayer));
      const children: HTMLElement[] = [];
      if (groups.feature.length) children.push(h('optgroup', { label: 'Feature layers' }, ...groups.feature.map(option)));
      if (groups.other.length) children.push(h('optgroup', { label: 'All layers' }, ...groups.other.map(option)));
      layer.replaceChildren(...children);
      layer.disabled = children.length === 0;
      if (lastState) setValue(layer, lastState.layer);
    },
    setLayersPending(message) {
      layer.replaceChildren(h('option', { value: '' }, message));
      layer.disabled = true;
    },
    setFixed(c) {
      if (c === fixed) return;
      fixed = c;
      if (c) {
        model.replaceChildren(h('option', { value: c.model }, c.model));
        layer.replaceChildren(h('option', { value: c.layer }, `${c.layer} · ${formatInt(c.dimension)} values`));
      } else {
        fill(model, modelList.map((m) => ({ value: m.id ?? '', text: modelLabel(m) })));
      }
      model.disabled = layer.disabled = pooling.disabled = c !== undefined;
    },
    render(state) {
      lastState = state;
      setValue(dataset, fixed && fixed.dataset === state.dataset ? importedKey(fixed) : state.dataset);
      setValue(model, state.model);
      setValue(layer, state.layer);
      setValue(metric, state.metric);
      setValue(pooling, state.pooling);
    },
  };
}
