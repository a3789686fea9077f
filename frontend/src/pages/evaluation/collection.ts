// "This collection": the retrieval numbers of one collection under one metric, and a sortable table
// of the same per class.
import './collection.css';
import type { EvaluationResult, Job } from '../../api/search';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import type { CollectionChoice } from '../search/controls';
import { createProgress } from '../search/progress';
import { firstDirection, formatScore, sortClasses, type ClassKey, type Direction } from './board';

export interface CollectionReport {
  readonly el: HTMLElement;
  loading(c: CollectionChoice): void;
  building(job: Job, c: CollectionChoice): void;
  ready(r: EvaluationResult, c: CollectionChoice): void;
  error(message: string): void;
}

const KS = ['1', '5', '10', '20'] as const;

const COLUMNS: { key: ClassKey; title: string; numeric: boolean; hint?: string }[] = [
  { key: 'label', title: 'Class', numeric: false },
  { key: 'queries', title: 'Queries', numeric: true },
  { key: 'map', title: 'mAP', numeric: true, hint: 'mean average precision of the queries of this class' },
  { key: 'precisionAt10', title: 'P@10', numeric: true, hint: 'share of the class among the first 10 hits' },
  { key: 'recallAt10', title: 'R@10', numeric: true, hint: 'share of the class found among the first 10 hits' },
];

export function createCollectionReport(onRetry: () => void): CollectionReport {
  const meta = h('p', { class: 'card-meta eval-meta', 'aria-live': 'polite' }, '\u00a0');
  const stats = h('dl', { class: 'stat-row', 'data-testid': 'stats' });
  const tbody = h('tbody');
  const headRow = h('tr');
  const table = h('table', { class: 'data-table class-table', 'data-testid': 'class-table' }, h('caption', { class: 'visually-hidden' }, 'Retrieval per class; select a column header to sort'), h('thead', {}, headRow), tbody);
  const tableWrap = h('div', { class: 'table-scroll scroll class-scroll' }, table);
  const message = h('div', { class: 'results-message eval-message', hidden: true });
  const progress = createProgress();
  const el = h(
    'section',
    { class: 'eval-collection card', 'aria-labelledby': 'eval-heading', 'data-testid': 'evaluation', 'data-state': 'empty' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'eval-heading' }, 'This collection'), h('p', { class: 'card-note' }, 'Each one in turn is the query; the others of its class are the ones it should find.'), meta),
    h('div', { class: 'eval-body' }, stats, tableWrap, message, progress.el),
  );

  let sortKey: ClassKey = 'map';
  let direction: Direction = 'descending';
  let current: EvaluationResult | undefined;
  const headers = new Map<ClassKey, HTMLTableCellElement>();

  for (const col of COLUMNS) {
    const button = h('button', { type: 'button', class: 'sort-button', title: col.hint }, col.title, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      if (sortKey === col.key) direction = direction === 'ascending' ? 'descending' : 'ascending';
      else {
        sortKey = col.key;
        direction = firstDirection(col.key);
      }
      renderTable();
    });
    const th = h('th', { scope: 'col', class: col.numeric ? 'num' : '' }, button);
    headers.set(col.key, th);
    headRow.append(th);
  }

  function renderHeaders() {
    for (const [key, th] of headers) {
      if (key === sortKey) th.setAttribute('aria-sort', direction);
      else th.removeAttribute('aria-sort');
    }
  }

  function renderTable() {
    renderHeaders();
    const rows = sortClasses(current?.perClass, sortKey, direction);
    tbody.replaceChildren(
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-label': r.label },
          h('th', { scope: 'row', class: 'class-name' }, r.label),
          h('td', { class: 'num' }, r.queries === undefined ? '–' : formatInt(r.queries)),
          h('td', { class: 'num bar-cell' }, scoreBar(r.map)),
          h('td', { class: 'num' }, formatScore(r.precisionAt10)),
          h('td', { class: 'num' }, formatScore(r.recallAt10)),
        ),
      ),
    );
  }

  function skeletonStats() {
    stats.replaceChildren(
      stat('mAP', h('span', { class: 'skeleton-line stat-skeleton' }), 'stat-main'),
      stat('Precision at k', h('span', { class: 'skeleton-line stat-skeleton' }), 'stat-group'),
      stat('Recall at k', h('span', { class: 'skeleton-line stat-skeleton' }), 'stat-group'),
      stat('Weighted share', h('span', { class: 'skeleton-line stat-skeleton' })),
      stat('Queries', h('span', { class: 'skeleton-line stat-skeleton' })),
    );
  }

  function skeletonTable() {
    renderHeaders();
    tbody.replaceChildren(
      ...Array.from({ length: 10 }, () =>
        h('tr', { class: 'skeleton', 'aria-hidden': 'true' }, ...COLUMNS.map(() => h('td', {}, h('span', { class: 'skeleton-line' })))),
      ),
    );
  }

  const setState = (state: string, c?: CollectionChoice) => {
    el.dataset.state = state;
    if (c) Object.assign(el.dataset, { dataset: c.dataset, model: c.model, layer: c.layer, metric: c.metric, pooling: c.pooling });
    el.setAttribute('aria-busy', state === 'loading' || state === 'building' ? 'true' : 'false');
  };

  skeletonStats();
  skeletonTable();
  return {
    el,
    loading(c) {
      message.hidden = true;
      stats.hidden = false;
      tableWrap.hidden = false;
      if (current) el.classList.add('is-stale');
      else {
        skeletonStats();
        skeletonTable();
      }
      setState('loading', c);
    },
    building(job, c) {
      message.hidden = true;
      el.classList.add('is-stale');
      progress.show(job, job.kind === 'evaluation' ? `Evaluating ${c.model} · ${c.layer} under ${c.metric}` : `Building the collection for ${c.model} · ${c.layer} on ${c.dataset}`);
      setState('building', c);
    },
    ready(r, c) {
      progress.hide();
      message.hidden = true;
      stats.hidden = false;
      tableWrap.hidden = false;
      el.classList.remove('is-stale');
      current = r;
      el.dataset.map = String(r.map ?? '');
      const col = r.collection;
      meta.textContent = [
        `${r.metric ?? c.metric} on ${col?.layer ?? c.layer}${col?.dimension ? ` (${col.dimension}-d)` : ''}`,
        r.seconds !== undefined ? `computed in ${r.seconds < 1 ? `${Math.round(r.seconds * 1000)} ms` : `${r.seconds.toFixed(1)} s`}` : '',
      ].filter(Boolean).join(' · ');
      stats.replaceChildren(
        stat('mAP', h('span', { 'data-testid': 'map' }, formatScore(r.map)), 'stat-main', 'mean average precision: each one in turn is the query, the others of its class the relevant ones'),
        stat('Precision at k', kValues(r.precisionAt), 'stat-group', 'share of the query\'s class among the first k hits'),
        stat('Recall at k', kValues(r.recallAt), 'stat-group', 'share of the query\'s class found among the first k hits'),
        stat('Weighted share', formatScore(r.weightedShare), '', 'same-class share of the first 20 hits, hit r weighted 21 − r (the original playground\'s score)'),
        stat('Queries', r.queries === undefined ? '–' : formatInt(r.queries)),
      );
      renderTable();
      setState('ready', c);
    },
    error(text) {
      progress.hide();
      el.classList.remove('is-stale');
      current = undefined;
      el.dataset.map = '';
      meta.textContent = '\u00a0';
      stats.hidden = true;
      tableWrap.hidden = true;
      skeletonStats();
      skeletonTable();
      const retry = h('button', { type: 'button', class: 'button button-secondary' }, 'Try again');
      retry.addEventListener('click', onRetry);
      message.replaceChildren(h('div', { class: 'results-empty' }, h('p', { class: 'results-empty-title' }, 'No evaluation'), h('p', { class: 'results-empty-text' }, text), retry));
      message.hidden = false;
      setState('error');
    },
  };
}

function stat(title: string, value: Node | string, extra = '', hint?: string): HTMLElement {
  return h('div', { class: `stat ${extra}`.trim(), title: hint }, h('dt', { class: 'stat-title' }, title), h('dd', { class: 'stat-value' }, value));
}

function kValues(values: Record<string, number> | undefined): HTMLElement {
  return h(
    'span',
    { class: 'stat-ks' },
    ...KS.map((k) => h('span', { class: 'stat-k' }, h('span', { class: 'stat-k-label' }, `@${k}`), h('span', { class: 'stat-k-value' }, formatScore(values?.[k])))),
  );
}

/** A score 0..1 with a small inline bar. */
export function scoreBar(v: number | undefined, digits = 3): HTMLElement {
  const width = typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.min(1, v)) * 100 : 0;
  return h(
    'span',
    { class: 'score' },
    h('span', { class: 'score-bar', 'aria-hidden': 'true' }, h('span', { class: 'score-fill', style: `width:${width.toFixed(1)}%` })),
    h('span', { class: 'score-value' }, formatScore(v, digits)),
  );
}
