// The Embedding map: a collection's vectors projected to 2-D (PCA or t-SNE), each image a thumbnail
// or dot in its class colour. Clicking one searches with it.
import './map.css';
import { errorMessage, isAbort } from '../../api/problem';
import { searchApi, type Projection } from '../../api/search';
import { categoricalColor } from '../../lib/color';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { radioGroup } from '../../lib/roving';
import type { Banner } from '../../ui/banner';
import { replaceHash, type Page } from '../common/page';
import { resolveJobs } from '../common/resolve';
import { createCollectionSelection } from '../common/selection';
import type { CollectionChoice } from '../search/controls';
import { createProgress } from '../search/progress';
import { toHash as searchHash } from '../search/state';
import { createMapCanvas, type MapPoint } from './canvas';
import { describeProjection, mapHash, METHODS, parseMapHash, type Method } from './state';

const METHOD_TEXT: Record<Method, { label: string; hint: string }> = {
  pca: { label: 'PCA', hint: 'the two main axes of variance; linear, instant' },
  tsne: { label: 't-SNE', hint: 'keeps neighbours together; distances between clusters mean little' },
};

export function mountMapPage(banner: Banner, hash: string): Page {
  const link = parseMapHash(hash);
  let method: Method = link.method ?? 'pca';
  let highlighted: string | undefined;
  let shown: { choice: CollectionChoice; method: Method } | undefined;
  const latest = new Latest();

  const methodButtons = METHODS.map((m) => {
    const b = h('button', { type: 'button', role: 'radio', class: 'segment', 'aria-checked': String(m === method), 'data-method': m, title: METHOD_TEXT[m].hint }, METHOD_TEXT[m].label);
    b.addEventListener('click', () => setMethod(m));
    return b;
  });
  const methodGroup = h('div', { class: 'segmented segmented-fill', role: 'radiogroup', 'aria-labelledby': 'method-label', 'data-testid': 'method' }, ...methodButtons);
  const methodRadios = radioGroup(methodGroup);
  methodRadios.sync();
  const methodField = h('div', { class: 'field field-metric' }, h('span', { class: 'field-label', id: 'method-label' }, 'Method'), methodGroup);

  const selection = createCollectionSelection({
    banner,
    label: 'Map settings',
    replaceMetric: methodField,
    onChange: () => {
      writeHash();
      void load();
    },
    onUnavailable: (message) => fail(message),
  });

  const status = h('p', { class: 'card-meta map-status', 'data-testid': 'map-status', 'aria-live': 'polite' }, '\u00a0');
  const hoverLine = h('p', { class: 'map-hover', 'aria-live': 'off' }, 'Hover a point to see it; click it to search with it. Drag to pan, scroll or use + / − to zoom.');
  const canvas = createMapCanvas({
    onHover: (p) => {
      hoverLine.textContent = p ? `${p.label} — ${p.id}` : 'Hover a point to see it; click it to search with it. Drag to pan, scroll or use + / − to zoom.';
    },
    onPick: (p) => {
      const c = selection.get();
      location.hash = searchHash({ dataset: c.dataset, model: c.model, layer: c.layer, metric: '', pooling: c.pooling, q: p.id });
    },
    onZoom: (z) => {
      zoomText.textContent = `${z < 10 ? z.toFixed(1) : Math.round(z)}×`;
    },
  });
  const zoomText = h('span', { class: 'zoom-level', 'data-testid': 'zoom-level', 'aria-live': 'polite' }, '1.0×');
  const zoomButton = (text: string, label: string, action: () => void, testid: string) => {
    const b = h('button', { type: 'button', class: 'icon-button', 'aria-label': label, title: label, 'data-testid': testid }, text);
    b.addEventListener('click', action);
    return b;
  };
  const zoomBar = h(
    'div',
    { class: 'zoom-bar', role: 'group', 'aria-label': 'Zoom' },
    zoomButton('+', 'Zoom in', () => canvas.zoomBy(1.5), 'zoom-in'),
    zoomText,
    zoomButton('−', 'Zoom out', () => canvas.zoomBy(1 / 1.5), 'zoom-out'),
    zoomButton('⤢', 'Show everything', () => canvas.reset(), 'zoom-reset'),
  );
  const message = h('div', { class: 'results-message', hidden: true });
  const progress = createProgress();
  const legendList = h('ul', { class: 'legend-list', 'data-testid': 'map-legend' });
  const legendCount = h('span', { class: 'card-meta' });
  const mapCard = h(
    'section',
    { class: 'map-card card', 'aria-labelledby': 'map-heading', 'data-testid': 'map', 'data-state': 'empty' },
    h('div', { class: 'card-head map-head' }, h('h2', { class: 'card-title', id: 'map-heading' }, 'Embedding map'), status),
    h('div', { class: 'map-body' }, canvas.el, zoomBar, message, progress.el),
    hoverLine,
  );
  const legend = h(
    'section',
    { class: 'legend-card card', 'aria-labelledby': 'legend-heading' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'legend-heading' }, 'Classes'), legendCount),
    h('p', { class: 'legend-hint' }, 'Select a class to highlight it.'),
    h('div', { class: 'legend-scroll scroll' }, legendList),
  );
  const el = h('div', { class: 'search-page map-page' }, selection.controls.el, h('div', { class: 'map-workspace' }, mapCard, legend));

  function writeHash() {
    replaceHash(mapHash(selection.get(), method));
  }

  function setMethod(m: Method) {
    if (m === method) return;
    method = m;
    for (const b of methodButtons) b.setAttribute('aria-checked', String(b.dataset.method === m));
    methodRadios.sync();
    writeHash();
    void load();
  }

  function setState(state: string) {
    mapCard.dataset.state = state;
    mapCard.setAttribute('aria-busy', state === 'loading' || state === 'building' ? 'true' : 'false');
  }

  function fail(text: string) {
    shown = undefined;
    progress.hide();
    canvas.clear();
    const retry = h('button', { type: 'button', class: 'button button-secondary' }, 'Try again');
    retry.addEventListener('click', () => {
      banner.hide();
      void load();
    });
    message.replaceChildren(h('div', { class: 'results-empty' }, h('p', { class: 'results-empty-title' }, 'No map'), h('p', { class: 'results-empty-text' }, text), retry));
    message.hidden = false;
    status.textContent = '\u00a0';
    setState('error');
  }

  async function load() {
    const c = selection.get();
    if (!c.dataset || !c.model || !c.layer) return;
    if (shown && shown.method === method && shown.choice.dataset === c.dataset && shown.choice.model === c.model && shown.choice.layer === c.layer && shown.choice.pooling === c.pooling) return;
    const ticket = latest.begin();
    message.hidden = true;
    mapCard.classList.add('is-stale');
    setState('loading');
    Object.assign(mapCard.dataset, { dataset: c.dataset, model: c.model, layer: c.layer, method });
    try {
      const p = await resolveJobs<Projection>(
        (signal) => searchApi.GET('/api/search/projection', { params: { query: { dataset: c.dataset, model: c.model, layer: c.layer, pooling: c.pooling, method } }, signal }),
        {
          signal: ticket.signal,
          onJob: (job) => {
            if (!ticket.isCurrent()) return;
            setState('building');
            progress.show(job, job.kind === 'projection' ? `Computing the ${METHOD_TEXT[method].label} map of ${c.model} · ${c.layer}` : `Building the collection for ${c.model} · ${c.layer} on ${c.dataset}`);
          },
        },
      );
      if (!ticket.isCurrent()) return;
      progress.hide();
      mapCard.classList.remove('is-stale');
      show(c, p);
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      mapCard.classList.remove('is-stale');
      const text = errorMessage(e);
      fail(text);
      banner.show(text);
    }
  }

  function show(c: CollectionChoice, p: Projection) {
    shown = { choice: { ...c }, method };
    const points: MapPoint[] = (p.points ?? [])
      .filter((q) => q.id && Number.isFinite(q.x) && Number.isFinite(q.y))
      .map((q) => ({ id: q.id!, label: q.label ?? 'unlabeled', x: q.x!, y: q.y! }));
    const counts = new Map<string, number>();
    for (const q of points) counts.set(q.label, (counts.get(q.label) ?? 0) + 1);
    const labels = [...counts.keys()].sort((a, b) => a.localeCompare(b));
    const colorIndex = new Map(labels.map((l, i) => [l, i]));
    const colorOf = (label: string) => categoricalColor(colorIndex.get(label) ?? 0);
    if (highlighted && !counts.has(highlighted)) highlighted = undefined;
    canvas.highlight(highlighted);
    // an imported collection's items have no images to ask the feature-service for
    const imported = Boolean(selection.importedOf(c));
    canvas.setPoints(c.dataset, points, colorOf, !imported);
    status.textContent = describeProjection(p, imported ? 'item' : 'image');
    legendCount.textContent = `${formatInt(labels.length)} ${labels.length === 1 ? 'class' : 'classes'}`;
    legendList.replaceChildren(
      ...labels.map((label) => {
        const b = h(
          'button',
          { type: 'button', class: 'legend-item', 'aria-pressed': String(label === highlighted), 'data-label': label },
          h('span', { class: 'legend-dot', style: `background:${colorOf(label)}`, 'aria-hidden': 'true' }),
          h('span', { class: 'legend-name' }, label),
          h('span', { class: 'chip-count' }, formatInt(counts.get(label) ?? 0)),
        );
        b.addEventListener('click', () => {
          highlighted = highlighted === label ? undefined : label;
          for (const item of legendList.querySelectorAll('.legend-item')) item.setAttribute('aria-pressed', String((item as HTMLElement).dataset.label === highlighted));
          legendList.classList.toggle('has-highlight', highlighted !== undefined);
          canvas.highlight(highlighted);
        });
        return h('li', {}, b);
      }),
    );
    legendList.classList.toggle('has-highlight', highlighted !== undefined);
    setState('ready');
  }

  void selection.apply({ pooling: 'avg', ...link.collection }, true);

  return {
    el,
    applyLink(next) {
      const parsed = parseMapHash(next);
      if (parsed.method && parsed.method !== method) setMethod(parsed.method);
      else if (!parsed.method && method !== 'pca') setMethod('pca');
      void selection.apply({ pooling: 'avg', ...parsed.collection }, true);
    },
    currentHash: () => mapHash(selection.get(), method),
    dispose() {
      latest.cancel();
      selection.dispose();
    },
  };
}
