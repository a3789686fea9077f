// The layer table: every node of the graph with its operator, output shape, parameters, cumulative
// parameters and multiply-adds. Filters (operator, name, feature layers, Constant nodes), sortable
// headers, a footer with the totals. Rows are built once per model and only reordered afterwards; one
// listener on the body serves every row.
import './layer-table.css';
import type { Layer, Model } from '../../api/catalog';
import { h } from '../../lib/dom';
import { formatCount, formatInt, formatShape } from '../../lib/format';
import { CONSTANT_OP, describeShown, filterLayers, firstDirection, opCounts, sortLayers, totals } from './layers';
import { DEFAULT_TABLE, layerHref, type SortKey, type TableChoice } from './state';

const COLUMNS: { key: SortKey; title: string; numeric?: boolean; hint?: string }[] = [
  { key: 'index', title: '#', numeric: true, hint: 'position in the graph' },
  { key: 'name', title: 'Name', hint: 'the output tensor of the node' },
  { key: 'op', title: 'Op', hint: 'ONNX operator' },
  { key: 'shape', title: 'Output shape', numeric: true, hint: 'channels × height × width, without the batch; sorts by size' },
  { key: 'parameters', title: 'Parameters', numeric: true, hint: 'weights of this node' },
  { key: 'cumulativeParameters', title: 'Cumulative', numeric: true, hint: 'parameters up to and including this node, in graph order' },
  { key: 'flops', title: 'FLOPs', numeric: true, hint: 'multiply-adds per image' },
  { key: 'feature', title: 'Feature', hint: 'curated feature layers, offered first for search' },
];

const SEARCH_DEBOUNCE_MS = 150;

export interface LayerTable {
  readonly el: HTMLElement;
  setLayers(layers: readonly Layer[]): void;
  apply(choice: TableChoice): void;
  get(): TableChoice;
  error(message: string): void;
}

export function createLayerTable(model: Model, initial: TableChoice, onChange: (choice: TableChoice) => void): LayerTable {
  let choice: TableChoice = { ...initial };
  let all: readonly Layer[] = [];
  let rows = new Map<number, HTMLTableRowElement>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const id = model.id ?? '';

  const op = h('select', { id: 'layer-op', 'data-testid': 'op-filter', disabled: true }, h('option', { value: '' }, 'All operators'));
  const search = h('input', { type: 'search', id: 'layer-search', class: 'text-input', placeholder: 'e.g. expanded_conv_6', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'layer-search' });
  const featuresOnly = h('input', { type: 'checkbox', id: 'layer-features', 'data-testid': 'features-only' });
  const constants = h('input', { type: 'checkbox', id: 'layer-constants', 'data-testid': 'show-constants' });
  const constantsLabel = h('span', {}, 'Show Constant nodes');
  const count = h('p', { class: 'card-meta table-count', 'aria-live': 'polite', 'data-testid': 'layer-count' }, '\u00a0');

  const headRow = h('tr');
  const headers = new Map<SortKey, HTMLTableCellElement>();
  for (const col of COLUMNS) {
    const button = h('button', { type: 'button', class: 'sort-button', title: col.hint, 'data-sort': col.key }, col.title, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      const direction = choice.sort === col.key ? (choice.direction === 'ascending' ? 'descending' : 'ascending') : firstDirection(col.key);
      change({ sort: col.key, direction });
    });
    const th = h('th', { scope: 'col', class: `col-${col.key}${col.numeric ? ' num' : ''}` }, button);
    headers.set(col.key, th);
    headRow.append(th);
  }
  const tbody = h('tbody', { 'data-testid': 'layer-rows' });
  const shownTotals = h('tr', { class: 'totals-row shown-totals', hidden: true, 'data-testid': 'shown-totals' });
  const modelTotals = h('tr', { class: 'totals-row', 'data-testid': 'totals' });
  const table = h(
    'table',
    { class: 'data-table layer-table', 'data-testid': 'layer-table' },
    h('caption', { class: 'visually-hidden' }, `Layers of ${id} in graph order; select a column header to sort, a layer name to open it`),
    h('thead', {}, headRow),
    tbody,
    h('tfoot', {}, shownTotals, modelTotals),
  );
  const scroller = h('div', { class: 'table-scroll scroll layer-scroll', tabindex: 0, 'aria-label': `Layer table of ${id}` }, table);
  const message = h('p', { class: 'table-message', hidden: true });

  const el = h(
    'div',
    { class: 'layer-table-view' },
    h(
      'div',
      { class: 'table-filters', role: 'group', 'aria-label': 'Filter the layers' },
      h('div', { class: 'field' }, h('label', { for: 'layer-op', class: 'field-label' }, 'Operator'), op),
      h('div', { class: 'field field-grow' }, h('label', { for: 'layer-search', class: 'field-label' }, 'Search names'), search),
      h('label', { class: 'check', for: 'layer-features' }, featuresOnly, h('span', {}, 'Feature layers only')),
      h('label', { class: 'check', for: 'layer-constants' }, constants, constantsLabel),
      count,
    ),
    scroller,
    message,
  );

  op.addEventListener('change', () => change({ op: op.value }));
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      change({ text: search.value });
    }, SEARCH_DEBOUNCE_MS);
  });
  featuresOnly.addEventListener('change', () => change({ featuresOnly: featuresOnly.checked }));
  constants.addEventListener('change', () => change({ constants: constants.checked }));

  // One listener for every row: a click anywhere on a row opens its layer (the name is the link).
  tbody.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    if (target.closest('a')) return;
    const row = target.closest<HTMLTableRowElement>('tr[data-layer]');
    const link = row?.querySelector<HTMLAnchorElement>('a.row-link');
    if (link && !window.getSelection()?.toString()) link.click();
  });

  function change(patch: Partial<TableChoice>) {
    // Text typed but not yet applied goes with any other change (it would be overwritten otherwise).
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
      if (patch.text === undefined) patch = { ...patch, text: search.value };
    }
    choice = { ...choice, ...patch };
    render();
    onChange(choice);
  }

  function syncControls() {
    if ([...op.options].some((o) => o.value === choice.op)) op.value = choice.op;
    if (document.activeElement !== search) search.value = choice.text;
    featuresOnly.checked = choice.featuresOnly;
    constants.checked = choice.constants;
    constants.disabled = choice.op !== '';
    for (const [key, th] of headers) {
      if (key === choice.sort) th.setAttribute('aria-sort', choice.direction);
      else th.removeAttribute('aria-sort');
    }
  }

  function row(l: Layer): HTMLTableRowElement {
    const name = l.name ?? '';
    const badges: Node[] = [];
    if (l.feature) badges.push(h('span', { class: 'badge badge-feature' }, 'feature'));
    if (name === model.embeddingLayer) badges.push(h('span', { class: 'badge' }, 'embedding'));
    if (name === model.outputLayer) badges.push(h('span', { class: 'badge' }, 'output'));
    const tr = h(
      'tr',
      { 'data-layer': name, 'data-index': l.index, class: l.op === CONSTANT_OP ? 'is-constant' : l.feature ? 'is-feature' : undefined },
      h('td', { class: 'num col-index' }, String(l.index ?? '')),
      h('th', { scope: 'row', class: 'col-name' }, h('a', { class: 'row-link', href: layerHref(id, name), title: name }, name)),
      h('td', { class: 'col-op' }, h('span', { class: 'op-chip' }, l.op ?? '?')),
      h('td', { class: 'num col-shape' }, formatShape(l.outputShape)),
      h('td', { class: 'num col-parameters', 'data-value': l.parameters ?? 0 }, formatInt(l.parameters ?? 0)),
      h('td', { class: 'num col-cumulative' }, formatInt(l.cumulativeParameters ?? 0)),
      h('td', { class: 'num col-flops', 'data-value': l.flops ?? 0, title: l.flops ? `${formatInt(l.flops)} multiply-adds` : undefined }, l.flops ? formatCount(l.flops) : '0'),
      h('td', { class: 'col-feature' }, ...badges),
    );
    return tr;
  }

  function totalsCells(tr: HTMLTableRowElement, label: string, t: { parameters: number; flops: number }) {
    tr.dataset.parameters = String(t.parameters);
    tr.dataset.flops = String(t.flops);
    tr.replaceChildren(
      h('td', { class: 'num col-index' }),
      h('th', { scope: 'row', colspan: 3, class: 'totals-label' }, label),
      h('td', { class: 'num col-parameters' }, formatInt(t.parameters)),
      h('td', { class: 'num col-cumulative' }),
      h('td', { class: 'num col-flops', title: `${formatInt(t.flops)} multiply-adds` }, formatCount(t.flops)),
      h('td', { class: 'col-feature' }),
    );
  }

  function render() {
    syncControls();
    if (all.length === 0) return;
    const shown = sortLayers(filterLayers(all, choice), choice.sort, choice.direction);
    tbody.replaceChildren(...shown.map((l) => rows.get(l.index ?? -1)!));
    count.textContent = describeShown(shown.length, all, choice);
    const filtered = choice.op !== '' || choice.text.trim() !== '' || choice.featuresOnly;
    shownTotals.hidden = !filtered;
    if (filtered) totalsCells(shownTotals, `Shown: ${shown.length} ${shown.length === 1 ? 'node' : 'nodes'}`, totals(shown));
    message.hidden = shown.length > 0;
    message.textContent = shown.length ? '' : 'No layer matches these filters.';
    el.dataset.rows = String(shown.length);
  }

  function skeleton() {
    tbody.replaceChildren(...Array.from({ length: 12 }, () => h('tr', { class: 'skeleton', 'aria-hidden': 'true' }, ...COLUMNS.map(() => h('td', {}, h('span', { class: 'skeleton-line' }))))));
  }

  skeleton();
  syncControls();
  return {
    el,
    setLayers(layers) {
      all = layers;
      rows = new Map(layers.map((l) => [l.index ?? -1, row(l)]));
      const ops = opCounts(layers);
      op.replaceChildren(
        h('option', { value: '' }, `All operators (${layers.length})`),
        ...ops.map((o) => h('option', { value: o.op }, `${o.op === 'Conv' ? 'Only Conv' : o.op} (${o.count})`)),
      );
      op.disabled = false;
      if (choice.op && !ops.some((o) => o.op === choice.op)) choice = { ...choice, op: DEFAULT_TABLE.op };
      const constantCount = ops.find((o) => o.op === CONSTANT_OP)?.count ?? 0;
      constantsLabel.textContent = `Show Constant nodes (${constantCount})`;
      totalsCells(modelTotals, `Model total: all ${layers.length} nodes`, totals(layers));
      const t = totals(layers);
      const mismatch = (t.parameters !== model.parameters ? ` parameters ${formatInt(t.parameters)} ≠ ${formatInt(model.parameters ?? 0)}` : '') + (t.flops !== model.flops ? ` multiply-adds ${formatInt(t.flops)} ≠ ${formatInt(model.flops ?? 0)}` : '');
      modelTotals.classList.toggle('is-mismatch', mismatch !== '');
      modelTotals.title = mismatch ? `The layers do not add up to the model's totals:${mismatch}` : 'Equals the model\'s parameters and multiply-adds';
      el.dataset.state = 'ready';
      render();
    },
    apply(next) {
      choice = { ...next };
      render();
    },
    get: () => choice,
    error(text) {
      tbody.replaceChildren();
      message.textContent = `The layers could not be loaded: ${text}`;
      message.hidden = false;
      el.dataset.state = 'error';
    },
  };
}
