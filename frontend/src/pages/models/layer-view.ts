// One layer of a model: its numbers and neighbours, the filters of its convolution, and for an image
// (from a dataset or uploaded) its activation maps and the model's predictions; then, for one of its
// channels, what it draws beside the dataset images that excite it most, and a grid of what the layer's
// channels draw. A channel chosen on any of them is chosen on all, and in the URL.
import './layer-view.css';
import { catalogApi, type Layer, type Model } from '../../api/catalog';
import { type Dataset, type ImageInput } from '../../api/features';
import { errorMessage, unwrap } from '../../api/problem';
import { h } from '../../lib/dom';
import { formatCount, formatInt, formatShape, labelOfId } from '../../lib/format';
import { layersOf } from '../common/lists';
import { createPicker } from '../search/picker';
import { createQueryPanel, type QueryView } from '../search/query-panel';
import { PREFERRED_DATASET } from '../search/defaults';
import { createActivations } from './activations';
import { channelCount, drawableUnits, producingConv, seesColour } from './describe';
import { DEFAULT_SEED, DEFAULT_STEPS, type DrawSettings } from './drawing';
import { createDraws, type DrawsCard } from './draws';
import { createExamples, type ExamplesCard } from './examples';
import type { View, ViewContext } from './index';
import { CONSTANT_OP } from './layers';
import { createOverview, type OverviewCard } from './overview';
import { createPredictions } from './predictions';
import { layerHref, modelHref, modelsHash, type ModelsRoute } from './state';

type LayerRoute = Extract<ModelsRoute, { view: 'layer' }>;

/** The last image uploaded on a layer view: the next layer's view (upload=1) shows it too. */
let lastUpload: File | undefined;
type Source = { kind: 'image'; dataset: string; id: string; label?: string } | { kind: 'upload'; file: File };

export function createLayerView(ctx: ViewContext, model: Model, initial: LayerRoute): View {
  const id = model.id ?? '';
  const layerName = initial.layer;
  const datasets = ctx.lists.datasets;
  let route: LayerRoute = { ...initial };
  let source: Source | undefined;
  let disposed = false;
  /** The channel chosen (a map, a field, a grid cell or the link), rather than only suggested. */
  let channel: number | undefined = initial.channel;
  /** How the channel's picture (and the grid's) are drawn. */
  let drawing: DrawSettings = { steps: initial.steps ?? DEFAULT_STEPS, seed: initial.seed ?? DEFAULT_SEED };
  /** While a choice is handed to every card, their echoes are ignored. */
  let syncing = false;
  /** Whether the layer has N×C×H×W maps (activation maps and channel examples need them). */
  let fourD = false;
  /** While the view is put together from the link, the URL is left as it is. */
  let building = true;
  let filtersUrl: string | undefined;
  const labels = new Map<string, string>();

  const el = h('div', { class: 'layer-page', 'data-testid': 'layer-page', 'data-model': id, 'data-layer': layerName });
  el.append(
    h(
      'nav',
      { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: modelsHash({ view: 'list' }) }, 'Models'),
      h('span', { 'aria-hidden': 'true' }, '›'),
      h('a', { href: modelHref(id) }, id),
      h('span', { 'aria-hidden': 'true' }, '›'),
      h('span', { 'aria-current': 'page' }, layerName),
    ),
    h('div', { class: 'models-loading-card card', 'aria-busy': 'true' }),
  );

  // ---- the parts that need the image ----
  const datasetSelect = h('select', { id: 'layer-dataset', 'data-testid': 'image-dataset' });
  for (const d of datasets) datasetSelect.append(h('option', { value: d.id ?? '' }, d.id ?? ''));
  const query = createQueryPanel(
    (file) => {
      lastUpload = file;
      setSource({ kind: 'upload', file });
    },
    (message) => ctx.banner.show(message),
    'Image',
  );
  const picker = createPicker({
    onPick: (item) => item.id && setSource({ kind: 'image', dataset: datasetSelect.value, id: item.id, label: item.label ?? undefined }),
    onItems: (items) => {
      for (const i of items) if (i.id && i.label) labels.set(i.id, i.label);
    },
    onError: (message) => ctx.banner.show(message),
  });
  picker.el.insertBefore(h('div', { class: 'field picker-dataset' }, h('label', { for: 'layer-dataset', class: 'field-label' }, 'Dataset'), datasetSelect), picker.el.children[1] ?? null);
  datasetSelect.addEventListener('change', () => void loadDataset(datasetSelect.value, true));

  const onError = (message: string) => ctx.banner.show(message);
  const activations = createActivations(
    id,
    layerName,
    onError,
    (ch) => chooseChannel(ch, 'maps'),
    (shown, ranked) => {
      if (shown[0] !== undefined && channel === undefined) {
        if (examples?.get().channel === undefined) examples?.suggest(shown[0]);
        draws?.suggest(shown[0]);
      }
      const image = source?.kind === 'upload' ? source.file.name : source?.kind === 'image' ? source.id : 'the image';
      overview?.setRanking(ranked, image);
    },
  );
  const predictions = createPredictions(model, onError);
  /** Made once the layer is known (its channel count bounds the fields). */
  let examples: ExamplesCard | undefined;
  let draws: DrawsCard | undefined;
  let overview: OverviewCard | undefined;

  /** A channel chosen on one card (or by the link) is chosen on every other, and named in the URL. */
  function chooseChannel(ch: number, from: 'maps' | 'examples' | 'draws' | 'overview' | 'link') {
    if (syncing) return;
    syncing = true;
    try {
      channel = ch;
      if (from !== 'examples' && fourD) examples?.setChannel(ch);
      activations.choose(ch);
      overview?.choose(ch);
      if (from !== 'draws') draws?.setChannel(ch);
    } finally {
      syncing = false;
    }
    write();
  }

  function dataset(idOf: string): Dataset | undefined {
    return datasets.find((d) => d.id === idOf);
  }

  async function loadDataset(ds: string, pickFirst: boolean): Promise<void> {
    const d = dataset(ds);
    if (!d) return;
    datasetSelect.value = ds;
    const first = await picker.load(d);
    if (disposed || datasetSelect.value !== ds) return;
    if (pickFirst && first?.id) setSource({ kind: 'image', dataset: ds, id: first.id, label: first.label ?? undefined });
    else if (source?.kind === 'image') picker.highlight(source.dataset === ds ? source.id : '');
  }

  function write() {
    const ex = examples?.get() ?? { dataset: '', channel: undefined };
    const imageDataset = source?.kind === 'image' ? source.dataset : undefined;
    route = {
      view: 'layer',
      model: id,
      layer: layerName,
      ...(source?.kind === 'image' ? { dataset: source.dataset, image: source.id } : source?.kind === 'upload' ? { upload: true } : {}),
      ...(channel !== undefined ? { channel } : {}),
      // The examples' dataset only when it is not the image's (it defaults to that).
      ...(ex.dataset && ex.dataset !== (imageDataset ?? PREFERRED_DATASET) ? { examples: ex.dataset } : {}),
      ...(drawing.steps !== DEFAULT_STEPS ? { steps: drawing.steps } : {}),
      ...(drawing.seed !== DEFAULT_SEED ? { seed: drawing.seed } : {}),
    };
    if (disposed || building) return;
    ctx.replace(route);
    // Links to other layers keep the image, the examples' dataset and how channels are drawn.
    const keep = { dataset: route.dataset, image: route.image, upload: route.upload, examples: route.examples, steps: route.steps, seed: route.seed };
    for (const a of el.querySelectorAll<HTMLAnchorElement>('a[data-keep]')) a.href = layerHref(id, a.dataset.keep ?? '', keep);
  }

  function setSource(next: Source) {
    source = next;
    const view: QueryView =
      next.kind === 'upload' ? { kind: 'upload', file: next.file } : { kind: 'image', dataset: next.dataset, id: next.id, label: next.label ?? labels.get(next.id) ?? labelOfId(next.id) };
    query.show(view);
    picker.highlight(next.kind === 'image' && next.dataset === datasetSelect.value ? next.id : '');
    write();
    compute(next);
  }

  function compute(s: Source) {
    if (disposed) return;
    const input: ImageInput = s.kind === 'upload' ? { image: s.file } : { dataset: s.dataset, imageId: s.id };
    if (fourD) activations.run(input);
    predictions.run(input);
  }

  async function build(layers: Layer[]) {
    // What the link asked for (writing the URL below replaces `route`).
    const link = { ...route };
    const layer = layers.find((l) => l.name === layerName);
    if (!layer) {
      let message = `unknown layer '${layerName}' of model '${id}'`;
      try {
        unwrap(await catalogApi.GET('/api/catalog/models/{id}/layers/{layer}', { params: { path: { id, layer: layerName } } }));
      } catch (e) {
        message = errorMessage(e);
      }
      if (disposed) return;
      ctx.banner.show(message);
      el.lastElementChild?.replaceWith(
        h('section', { class: 'card models-missing', 'data-testid': 'models-missing' }, h('h1', { class: 'section-title' }, 'Unknown layer'), h('p', {}, message), h('a', { class: 'button button-secondary', href: modelHref(id) }, `All layers of ${id}`)),
      );
      return;
    }
    fourD = layer.outputShape?.length === 4;
    const channels = channelCount(layer.outputShape);
    const card = createExamples({
      model: id,
      layer: layerName,
      channels,
      onError,
      onChange: (_ds, ch) => {
        if (ch !== undefined) chooseChannel(ch, 'examples');
        else write();
      },
      onPick: (ds, x) => {
        if (!x.id) return;
        if (x.label) labels.set(x.id, x.label);
        if (ds !== datasetSelect.value) void loadDataset(ds, false);
        setSource({ kind: 'image', dataset: ds, id: x.id, label: x.label ?? undefined });
        query.el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      },
    });

    const units = drawableUnits(layer.outputShape);
    const drawn = { model: id, layer: layerName, channels: units, inputSize: model.inputSize, settings: drawing, onError };
    draws = createDraws({
      ...drawn,
      onChange: (ch) => chooseChannel(ch, 'draws'),
      onSettings: (next) => {
        drawing = next;
        overview?.setSettings(next);
        write();
      },
    });
    overview = createOverview({ ...drawn, onChoose: (ch) => chooseChannel(ch, 'overview') });

    const conv = producingConv(layers, layerName);
    const top = h('div', { class: 'layer-top' }, layerHeader(layers, layer), conv ? filtersCard(layers, layer, conv) : null);
    const workspace = h(
      'div',
      { class: 'layer-workspace' },
      h('div', { class: 'layer-sidebar' }, query.el, picker.el),
      h('div', { class: 'layer-main' }, activations.el, predictions.el),
    );
    examples = card;
    el.lastElementChild?.replaceWith(top, workspace, h('div', { class: 'channel-pair' }, draws.el, card.el), overview.el);

    card.setDatasets(datasets, link.examples ?? link.dataset ?? PREFERRED_DATASET);
    if (!fourD) {
      const shape = layer.outputShape;
      const what = !shape ? 'an output of unknown shape' : shape.length === 0 ? 'a scalar output' : `an output of ${formatShape(shape)} values`;
      activations.unavailable(`${layerName} has ${what}: activation maps need a 4-D (channels × height × width) output. Choose a convolutional layer.`);
      card.unavailable(`Channel examples need a layer with channel maps; ${layerName} has ${what}.`);
      if (units === undefined) {
        const why = `Nothing to draw: a drawing excites one channel (or unit) of a layer's output, and ${layerName} has ${what}, without a channel axis.`;
        draws.unavailable(why);
        overview.unavailable(why);
      } else overview.firstOnly(`${layerName} has no activation maps to rank its channels by for an image`);
    }
    if (link.channel !== undefined) chooseChannel(link.channel, 'link');
    building = false;
    if (datasets.length === 0) {
      write();
      ctx.banner.show(ctx.lists.failure || 'the feature-service lists no datasets: upload an image instead');
      return;
    }
    const wanted = link.dataset && dataset(link.dataset) ? link.dataset : dataset(PREFERRED_DATASET) ? PREFERRED_DATASET : datasets[0]!.id!;
    if (link.dataset && wanted !== link.dataset) ctx.banner.show(`unknown dataset '${link.dataset}' in the link; showing '${wanted}' instead`);
    if (link.upload && lastUpload) {
      setSource({ kind: 'upload', file: lastUpload });
      void loadDataset(wanted, false);
    } else if (link.image && wanted === link.dataset) {
      setSource({ kind: 'image', dataset: wanted, id: link.image });
      void loadDataset(wanted, false);
    } else void loadDataset(wanted, true);
    if (link.channel !== undefined && link.examples && fourD) card.show();
  }

  function layerHeader(layers: Layer[], layer: Layer): HTMLElement {
    const visible = layers.filter((l) => l.op !== CONSTANT_OP);
    const at = visible.indexOf(layer);
    const prev = at > 0 ? visible[at - 1] : undefined;
    const next = at >= 0 && at < visible.length - 1 ? visible[at + 1] : undefined;
    const byName = new Map(layers.map((l) => [l.name ?? '', l]));
    const inputs = (layer.inputs ?? []).filter((i) => byName.get(i)?.op !== CONSTANT_OP);
    const users = layers.filter((l) => (l.inputs ?? []).includes(layerName));
    const link = (name: string) =>
      byName.has(name) ? h('a', { href: layerHref(id, name), 'data-keep': name }, name) : h('span', { class: 'muted' }, name === model.inputName ? `${name} (the image)` : `${name} (weights)`);
    const join = (names: string[]) => (names.length ? names.flatMap((n, i) => (i ? [', ', link(n)] : [link(n)])) : ['–']);
    const flopsShare = model.flops && layer.flops ? ` · ${((layer.flops / model.flops) * 100).toFixed(1)}% of the model` : '';
    const badges: HTMLElement[] = [];
    if (layer.feature) badges.push(h('span', { class: 'badge badge-feature' }, 'feature layer'));
    if (layerName === model.embeddingLayer) badges.push(h('span', { class: 'badge' }, 'embedding'));
    if (layerName === model.outputLayer) badges.push(h('span', { class: 'badge' }, 'output'));
    return h(
      'section',
      { class: 'card layer-header', 'aria-labelledby': 'layer-title', 'data-testid': 'layer-header' },
      h(
        'div',
        { class: 'model-title-row' },
        h('h1', { class: 'model-title layer-title', id: 'layer-title' }, layerName),
        h('span', { class: 'op-chip op-chip-lg' }, layer.op ?? '?'),
        ...badges,
        h(
          'span',
          { class: 'layer-steps' },
          prev ? h('a', { class: 'button button-ghost', href: layerHref(id, prev.name ?? ''), 'data-keep': prev.name, title: prev.name, 'data-testid': 'prev-layer' }, '← Previous') : null,
          next ? h('a', { class: 'button button-ghost', href: layerHref(id, next.name ?? ''), 'data-keep': next.name, title: next.name, 'data-testid': 'next-layer' }, 'Next →') : null,
        ),
      ),
      h(
        'dl',
        { class: 'stat-row layer-stats' },
        stat('Output shape', formatShape(layer.outputShape), 'channels × height × width', 'stat-main'),
        stat('Position', `${formatInt(layer.index ?? 0)}`, `of ${formatInt(layers.length)} nodes`),
        stat('Parameters', formatInt(layer.parameters ?? 0), `${formatInt(layer.cumulativeParameters ?? 0)} up to here`),
        stat('FLOPs', formatCount(layer.flops ?? 0), `multiply-adds${flopsShare}`),
      ),
      h(
        'dl',
        { class: 'facts layer-facts' },
        h('div', { class: 'fact' }, h('dt', {}, 'Node'), h('dd', {}, layer.node ?? '–')),
        h('div', { class: 'fact' }, h('dt', {}, 'Inputs'), h('dd', {}, ...join(inputs))),
        h('div', { class: 'fact' }, h('dt', {}, 'Used by'), h('dd', {}, ...join(users.map((u) => u.name ?? '')))),
      ),
    );
  }

  function filtersCard(layers: Layer[], layer: Layer, conv: Layer): HTMLElement {
    const colour = seesColour(layers, conv, model.inputName);
    const img = h('img', { class: 'filters-img', alt: `Filters of ${conv.name}`, 'data-testid': 'filters-image' });
    const frame = h('div', { class: 'filters-frame is-loading' }, img);
    const count = channelCount(conv.outputShape);
    const own = conv.name === layer.name;
    const card = h(
      'section',
      { class: 'card filters-card', 'aria-labelledby': 'filters-heading', 'data-testid': 'filters', 'data-state': 'loading' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'filters-heading' }, 'Filters'), h('p', { class: 'card-meta' }, count ? `${formatInt(count)} filters` : '')),
      own ? null : h('p', { class: 'card-foot-note' }, `${layerName} is a ${layer.op}; these are the filters of the convolution before it, `, h('a', { href: layerHref(id, conv.name ?? ''), 'data-keep': conv.name }, conv.name ?? ''), '.'),
      frame,
      h(
        'p',
        { class: 'card-foot-note' },
        colour
          ? 'Each square is one filter over the red, green and blue channels: mid-grey = 0, brighter colours are positive weights, darker ones negative; each filter is scaled by its largest weight.'
          : 'Deeper filters see many channels: each square shows the size (norm) of the weights at each position, in grey — brighter is larger.',
      ),
    );
    void (async () => {
      try {
        const blob = unwrap(await catalogApi.GET('/api/catalog/models/{id}/filters', { params: { path: { id }, query: { layer: conv.name ?? '' } }, parseAs: 'blob' })) as unknown as Blob;
        if (disposed) return;
        filtersUrl = URL.createObjectURL(blob);
        img.onload = () => {
          frame.classList.remove('is-loading');
          card.dataset.state = 'ready';
        };
        img.src = filtersUrl;
      } catch (e) {
        if (disposed) return;
        frame.classList.remove('is-loading');
        frame.replaceChildren(h('p', { class: 'panel-message' }, `No filters: ${errorMessage(e)}`));
        card.dataset.state = 'error';
        ctx.banner.show(errorMessage(e));
      }
    })();
    return card;
  }

  layersOf(id).then(
    (layers) => {
      if (!disposed) void build(layers);
    },
    (e: unknown) => {
      if (disposed) return;
      const message = errorMessage(e);
      ctx.banner.show(message);
      el.lastElementChild?.replaceWith(h('section', { class: 'card models-missing' }, h('p', {}, `The layers of ${id} could not be loaded: ${message}`)));
    },
  );

  return {
    el,
    shows: (r) => r.view === 'layer' && r.model === id && r.layer === layerName,
    apply(r) {
      if (r.view !== 'layer') return;
      if (r.dataset && r.image && (source?.kind !== 'image' || source.dataset !== r.dataset || source.id !== r.image) && dataset(r.dataset)) {
        if (r.dataset !== datasetSelect.value) void loadDataset(r.dataset, false);
        setSource({ kind: 'image', dataset: r.dataset, id: r.image });
      }
      if (examples && r.channel !== undefined && r.channel !== channel) chooseChannel(r.channel, 'link');
    },
    currentHash: () => modelsHash(route),
    dispose() {
      disposed = true;
      activations.dispose();
      predictions.dispose();
      examples?.dispose();
      draws?.dispose();
      overview?.dispose();
      if (filtersUrl) URL.revokeObjectURL(filtersUrl);
    },
  };
}

function stat(title: string, value: string, sub: string, extra = ''): HTMLElement {
  return h('div', { class: `stat ${extra}`.trim() }, h('dt', { class: 'stat-title' }, title), h('dd', { class: 'stat-value' }, value), sub ? h('dd', { class: 'stat-sub' }, sub) : null);
}
