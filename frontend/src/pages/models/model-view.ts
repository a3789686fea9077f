// One model's page: what it is (size, cost, input, preprocessing, provenance, notes) and two views of
// its layers, a sortable and filterable table and the graph as a flow of blocks.
import './model-view.css';
import type { Layer, Model } from '../../api/catalog';
import { errorMessage } from '../../api/problem';
import { h } from '../../lib/dom';
import { formatBytes, formatCount, formatInt } from '../../lib/format';
import { layersOf } from '../common/lists';
import { preprocessingFacts, provenance, shortLicence } from './describe';
import { createGraphView } from './graph-view';
import type { View, ViewContext } from './index';
import { createLayerTable } from './layer-table';
import { modelsHash, TABS, type ModelsRoute, type Tab, type TableChoice } from './state';

export function createModelView(ctx: ViewContext, model: Model, initial: Extract<ModelsRoute, { view: 'model' }>): View {
  const id = model.id ?? '';
  let tab: Tab = initial.tab;
  let disposed = false;

  const table = createLayerTable(model, initial.table, (choice) => write(choice));
  const graph = createGraphView(model);

  const tabs = TABS.map((t) =>
    h(
      'button',
      { type: 'button', role: 'tab', id: `tab-${t}`, class: 'tab', 'aria-controls': `panel-${t}`, 'data-tab': t, 'data-testid': `tab-${t}` },
      t === 'layers' ? 'Layer table' : 'Graph',
    ),
  );
  const panels = new Map<Tab, HTMLElement>([
    ['layers', h('div', { role: 'tabpanel', id: 'panel-layers', class: 'tab-panel', 'aria-labelledby': 'tab-layers' }, table.el)],
    ['graph', h('div', { role: 'tabpanel', id: 'panel-graph', class: 'tab-panel', 'aria-labelledby': 'tab-graph' }, graph.el)],
  ]);
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views of the layers' }, ...tabs);
  tablist.addEventListener('click', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('[role="tab"]')?.dataset.tab as Tab | undefined;
    if (t) select(t, true);
  });
  tablist.addEventListener('keydown', (e) => {
    const i = TABS.indexOf(tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : step ? (i + step + TABS.length) % TABS.length : -1;
    if (to < 0) return;
    e.preventDefault();
    select(TABS[to]!, true);
    tabs[to]!.focus();
  });

  const el = h(
    'div',
    { class: 'model-page', 'data-testid': 'model-page', 'data-model': id },
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: modelsHash({ view: 'list' }) }, 'Models'), h('span', { 'aria-hidden': 'true' }, '›'), h('span', { 'aria-current': 'page' }, id)),
    header(model, ctx.remove),
    h('section', { class: 'card layers-card', 'aria-label': 'Layers' }, tablist, ...panels.values()),
  );

  function route(choice: TableChoice = table.get()): ModelsRoute {
    return { view: 'model', model: id, tab, table: choice };
  }

  function write(choice?: TableChoice) {
    if (!disposed) ctx.replace(route(choice));
  }

  function select(t: Tab, fromUser: boolean) {
    tab = t;
    for (const b of tabs) {
      const on = b.dataset.tab === t;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    }
    for (const [key, panel] of panels) panel.hidden = key !== t;
    if (fromUser) write();
  }

  select(tab, false);
  layersOf(id).then(
    (layers: Layer[]) => {
      if (disposed) return;
      table.setLayers(layers);
      graph.setLayers(layers);
    },
    (e: unknown) => {
      if (disposed) return;
      const message = errorMessage(e);
      ctx.banner.show(message);
      table.error(message);
      graph.error(message);
    },
  );

  return {
    el,
    shows: (r) => r.view === 'model' && r.model === id,
    apply(r) {
      if (r.view !== 'model') return;
      select(r.tab, false);
      table.apply(r.table);
    },
    currentHash: () => modelsHash(route()),
    dispose() {
      disposed = true;
    },
  };
}

function header(m: Model, remove?: ViewContext['remove']): HTMLElement {
  // Imported and downloaded models can be deleted here too (the shared ones are read-only).
  const del = m.readOnly === false && remove ? h('button', { type: 'button', class: 'button button-ghost button-danger model-delete', 'data-testid': 'delete-model', 'aria-label': `Delete ${m.id ?? ''}` }, 'Delete model') : null;
  del?.addEventListener('click', () => remove!(m, del));
  const source = provenance(m.source);
  const paths = Array.isArray(m.source?.paths) ? (m.source.paths as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  const facts = preprocessingFacts(m.preprocessing);
  const inputs = m.inputSize?.length === 2 ? `${m.inputSize[0]}×${m.inputSize[1]}` : '–';
  return h(
    'section',
    { class: 'card model-header', 'aria-labelledby': 'model-title' },
    h(
      'div',
      { class: 'model-title-row' },
      h('h1', { class: 'model-title', id: 'model-title' }, m.name ?? m.id ?? ''),
      m.family ? h('span', { class: 'family-chip' }, m.family) : null,
      h('span', { class: 'kind-chip' }, m.hasClassifier ? `ImageNet classifier · ${formatInt(m.numClasses ?? 0)} classes` : 'feature extractor (no classifier)'),
      m.complexityRank !== undefined ? h('span', { class: 'card-meta' }, `#${m.complexityRank} by complexity`) : null,
      m.readOnly === false ? h('span', { class: 'origin-chip' }, m.origin === 'download' ? 'downloaded' : 'imported') : null,
      del,
    ),
    m.architecture ? h('p', { class: 'model-arch-full' }, m.architecture) : null,
    h(
      'dl',
      { class: 'stat-row model-stat-row', 'data-testid': 'model-stats' },
      bigStat('Parameters', formatCount(m.parameters ?? NaN), m.parameters !== undefined ? `${formatInt(m.parameters)} weights` : '', 'stat-main', 'parameters', m.parameters),
      bigStat('Layers', m.layerCount !== undefined ? formatInt(m.layerCount) : '–', 'graph nodes, Constants included'),
      bigStat('FLOPs', formatCount(m.flops ?? NaN), m.flops !== undefined ? `${formatInt(m.flops)} multiply-adds per image` : '', '', 'flops', m.flops),
      bigStat('Input', inputs, m.inputName ? `tensor '${m.inputName}'` : ''),
      bigStat('File', formatBytes(m.sizeBytes), [m.opset !== undefined ? `ONNX opset ${m.opset}` : '', m.sha256 ? `sha256 ${m.sha256.slice(0, 12)}…` : ''].filter(Boolean).join(' · '), '', undefined, undefined, m.sha256 ? `sha256 ${m.sha256}` : undefined),
    ),
    h(
      'div',
      { class: 'model-details' },
      h(
        'section',
        { class: 'detail-block', 'aria-labelledby': 'prep-title' },
        h('h2', { class: 'section-title', id: 'prep-title' }, 'Preprocessing'),
        h('dl', { class: 'facts', 'data-testid': 'preprocessing' }, ...facts.map((f) => fact(f.label, f.value, f.hint))),
        m.preprocessing?.description ? h('p', { class: 'detail-note' }, m.preprocessing.description) : null,
      ),
      h(
        'section',
        { class: 'detail-block', 'aria-labelledby': 'source-title' },
        h('h2', { class: 'section-title', id: 'source-title' }, 'Provenance'),
        h(
          'dl',
          { class: 'facts', 'data-testid': 'provenance' },
          fact(
            'Source',
            source
              ? h(
                  'span',
                  {},
                  source.url ? h('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, source.repository) : source.repository,
                  source.shortCommit ? h('span', { class: 'commit', title: source.commit }, ` @ ${source.shortCommit}`) : null,
                )
              : 'unknown',
          ),
          source?.detail ? fact('As published', source.detail) : null,
          paths.length ? fact(paths.length === 1 ? 'File' : 'Files', paths.join(', ')) : null,
          m.originalFormat ? fact('Converted from', m.originalFormat) : null,
          fact('Licence', h('span', {}, h('strong', {}, shortLicence(m.license)), m.license && m.license !== shortLicence(m.license) ? h('span', { class: 'detail-note' }, ` — ${m.license}`) : null)),
          m.outputLayer ? fact('Layers of note', `embedding ${m.embeddingLayer ?? '–'} · output ${m.outputLayer}`) : null,
        ),
        m.notes ? h('p', { class: 'detail-note', 'data-testid': 'notes' }, h('strong', {}, 'Notes: '), m.notes) : null,
      ),
    ),
  );
}

function bigStat(title: string, value: string, sub: string, extra = '', testid?: string, raw?: number, hint?: string): HTMLElement {
  return h(
    'div',
    { class: `stat ${extra}`.trim(), title: hint ?? sub, 'data-testid': testid ? `stat-${testid}` : undefined, 'data-value': raw },
    h('dt', { class: 'stat-title' }, title),
    h('dd', { class: 'stat-value' }, value),
    sub ? h('dd', { class: 'stat-sub' }, sub) : null,
  );
}

function fact(label: string, value: Node | string, hint?: string): HTMLElement {
  return h('div', { class: 'fact', title: hint }, h('dt', {}, label), h('dd', {}, value));
}
