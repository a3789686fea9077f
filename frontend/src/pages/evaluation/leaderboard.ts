// The leaderboard ("compare all", the original playground's view): every feature layer of the chosen
// models under the chosen metrics, as heat maps, a line chart by depth and a ranked table.
import './leaderboard.css';
import type { Model } from '../../api/catalog';
import type { Dataset } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { searchApi, type Job, type Leaderboard, type LeaderboardRow } from '../../api/search';
import { categoricalColor, niceDomain } from '../../lib/color';
import { h } from '../../lib/dom';
import { datasetLabel, formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { radioGroup } from '../../lib/roving';
import type { Banner } from '../../ui/banner';
import { resolveJobs } from '../common/resolve';
import { field } from '../search/controls';
import { PREFERRED_DATASET, pickById } from '../search/defaults';
import { createProgress } from '../search/progress';
import { toHash as searchHash, type Pooling } from '../search/state';
import { boardKeyOf, chartSeries, formatScore, heatMatrix, orderModels } from './board';
import { heatLegend, heatMapTable } from './heatmap';
import { createLineChart } from './line-chart';
import { scoreBar } from './collection';

/** The search-service has no leaderboard for the choice and is not computing one (204 to start=false). */
class NotComputed extends Error {}
import { DEFAULT_BOARD_METRICS, type BoardChoice } from './state';

const POOLING: Pooling = 'avg';
const TOP_ROWS = 20;

export interface LeaderboardView {
  readonly el: HTMLElement;
  /** Fills the selectors; applies link values (unknown ones replaced, with a note). */
  setLists(datasets: Dataset[], models: Model[], metrics: string[], link: Partial<BoardChoice>): void;
  apply(link: Partial<BoardChoice>): void;
  get(): BoardChoice;
  dispose(): void;
}

export function createLeaderboard(banner: Banner, onChange: () => void): LeaderboardView {
  let datasets: Dataset[] = [];
  let models: Model[] = [];
  let metrics: string[] = [];
  let choice: BoardChoice = { dataset: '', models: [], metrics: [...DEFAULT_BOARD_METRICS], chart: DEFAULT_BOARD_METRICS[0]! };
  let board: Leaderboard | undefined;
  let showAll = false;
  const latest = new Latest();

  const datasetSelect = h('select', { id: 'board-dataset', 'data-testid': 'board-dataset', disabled: true }, h('option', { value: '' }, 'Loading…'));
  const modelChips = h('div', { class: 'chips chips-wrap', role: 'group', 'aria-labelledby': 'board-models-label', 'data-testid': 'board-models' });
  const metricChips = h('div', { class: 'chips chips-wrap', role: 'group', 'aria-labelledby': 'board-metrics-label', 'data-testid': 'board-metrics' });
  const compute = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'compute', disabled: true }, 'Compute');
  const meta = h('p', { class: 'card-meta', 'aria-live': 'polite' }, '\u00a0');
  const idle = h('div', { class: 'board-idle', 'data-testid': 'board-idle' });
  const progress = createProgress();
  const heatGrid = h('div', { class: 'heat-grid' });
  const legendSlot = h('div', { class: 'heat-legend-slot' });
  const chartMetric = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Metric of the chart' });
  const chartRadios = radioGroup(chartMetric);
  const chart = createLineChart();
  const topBody = h('tbody');
  const moreButton = h('button', { type: 'button', class: 'button button-ghost', hidden: true });
  const results = h(
    'div',
    { class: 'board-results', hidden: true },
    h('div', { class: 'board-section-head' }, h('h3', { class: 'section-title' }, 'mAP of every feature layer'), legendSlot),
    heatGrid,
    h(
      'div',
      { class: 'board-lower' },
      h('section', { class: 'board-chart', 'aria-labelledby': 'chart-heading' }, h('div', { class: 'board-section-head' }, h('h3', { class: 'section-title', id: 'chart-heading' }, 'mAP by depth'), chartMetric), chart.el),
      h(
        'section',
        { class: 'board-top', 'aria-labelledby': 'top-heading' },
        h('div', { class: 'board-section-head' }, h('h3', { class: 'section-title', id: 'top-heading' }, 'Best combinations'), moreButton),
        h(
          'div',
          { class: 'table-scroll scroll' },
          h(
            'table',
            { class: 'data-table top-table', 'data-testid': 'top-table' },
            h('caption', { class: 'visually-hidden' }, 'Model, layer and metric combinations ranked by mAP; each row opens Semantic Search'),
            h('thead', {}, h('tr', {}, ...['#', 'Model · layer', 'Metric', 'mAP', 'P@10'].map((t, i) => h('th', { scope: 'col', class: ['num', '', 'metric-cell', 'num', 'num p10'][i] }, t)))),
            topBody,
          ),
        ),
      ),
    ),
  );
  const body = h('div', { class: 'board-body' }, idle, results, progress.el);
  const el = h(
    'section',
    { class: 'board card', 'aria-labelledby': 'board-heading', 'data-testid': 'leaderboard', 'data-state': 'empty' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'board-heading' }, 'Leaderboard — compare all'), meta),
    h(
      'div',
      { class: 'board-controls' },
      field('board-dataset', 'Dataset', datasetSelect, 'board-field-dataset'),
      h('div', { class: 'field board-field-models' }, h('span', { class: 'field-label', id: 'board-models-label' }, 'Models'), modelChips),
      h('div', { class: 'field board-field-metrics' }, h('span', { class: 'field-label', id: 'board-metrics-label' }, 'Metrics'), metricChips),
      h('div', { class: 'board-compute' }, compute),
    ),
    body,
  );

  datasetSelect.addEventListener('change', () => change({ dataset: datasetSelect.value }));
  /** What the Compute / Try again button does: start the work, or (after a failed look-up) look again. */
  let buttonStarts = true;
  compute.addEventListener('click', () => void load(buttonStarts));
  moreButton.addEventListener('click', () => {
    showAll = !showAll;
    renderTop();
  });

  const setState = (state: string) => {
    el.dataset.state = state;
    el.setAttribute('aria-busy', state === 'checking' || state === 'loading' || state === 'computing' ? 'true' : 'false');
  };

  /** The chosen models in complexity order (all when none are chosen). */
  const chosenModels = () => (choice.models.length ? models.filter((m) => choice.models.includes(m.id ?? '')) : models).map((m) => m.id ?? '');

  function renderChips() {
    const all = choice.models.length === 0;
    const allChip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(all) }, 'All models');
    allChip.addEventListener('click', () => change({ models: [] }));
    modelChips.replaceChildren(
      allChip,
      ...models.map((m, i) => {
        const id = m.id ?? '';
        const on = !all && choice.models.includes(id);
        const chip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(on), 'data-model': id, title: m.family ? `${m.family} · ${formatInt(m.parameters ?? 0)} parameters` : undefined }, h('span', { class: 'chip-dot', style: `background:${categoricalColor(i)}`, 'aria-hidden': 'true' }), id);
        chip.addEventListener('click', () => {
          const set = new Set(all ? [] : choice.models);
          if (on) set.delete(id);
          else set.add(id);
          const next = models.map((x) => x.id ?? '').filter((x) => set.has(x));
          // None chosen means all; every one chosen is "All models" too.
          change({ models: next.length === models.length ? [] : next });
        });
        return chip;
      }),
    );
    metricChips.replaceChildren(
      ...metrics.map((m) => {
        const on = choice.metrics.includes(m);
        const chip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(on), 'data-metric': m }, m);
        chip.addEventListener('click', () => {
          const next = metrics.filter((x) => (x === m ? !on : choice.metrics.includes(x)));
          if (next.length === 0) return; // at least one metric
          change({ metrics: next });
        });
        return chip;
      }),
    );
  }

  function colorOf(model: string): string {
    const i = models.findIndex((m) => m.id === model);
    return categoricalColor(i < 0 ? models.length : i);
  }

  function change(patch: Partial<BoardChoice>) {
    choice = normalise({ ...choice, ...patch });
    renderChips();
    datasetSelect.value = choice.dataset;
    onChange();
    void load(false);
  }

  /** Keeps only listed values: metrics in the service's order, models in complexity order. */
  function normalise(c: BoardChoice): BoardChoice {
    const ms = metrics.filter((m) => c.metrics.includes(m));
    const ids = models.map((m) => m.id ?? '').filter((id) => c.models.includes(id));
    const chosenMetrics = ms.length ? ms : DEFAULT_BOARD_METRICS.filter((m) => metrics.includes(m));
    return {
      dataset: c.dataset,
      models: ids.length === models.length ? [] : ids,
      metrics: chosenMetrics,
      chart: chosenMetrics.includes(c.chart) ? c.chart : chosenMetrics[0] ?? '',
    };
  }

  /** "8 models · 64 feature layers · cosine, euclidean[ on caltech101-iconic200]" */
  function describe(withDataset = true): string {
    const ids = chosenModels();
    const layers = models.filter((m) => ids.includes(m.id ?? '')).reduce((sum, m) => sum + (m.featureLayers?.length ?? 0), 0);
    const base = `${ids.length} ${ids.length === 1 ? 'model' : 'models'} · ${layers} feature layers · ${choice.metrics.join(', ')}`;
    return withDataset ? `${base} on ${choice.dataset}` : base;
  }

  /** Nothing computed for this choice yet: offer Compute, which starts the work. */
  function showNotComputed() {
    board = undefined;
    results.hidden = true;
    meta.textContent = describe();
    showIdle('Not computed yet', `Compute builds the missing collections (every feature layer of a model in one extraction pass) and evaluates each layer under each metric. The first time this can take minutes; you can leave the page meanwhile — the work goes on and you can come back to it.`);
    compute.textContent = 'Compute';
    buttonStarts = true;
    compute.disabled = false;
    compute.hidden = false;
    setState('idle');
  }

  function showIdle(text: string, detail: string) {
    idle.replaceChildren(h('p', { class: 'results-empty-title' }, text), h('p', { class: 'results-empty-text' }, detail));
    idle.hidden = false;
  }

  /**
   * Shows the leaderboard of the choice. Without `start`, only one already computed or under way is fetched
   * (start=false); otherwise the Compute button is offered, since asking for it starts the work.
   */
  async function load(start: boolean): Promise<void> {
    const ticket = latest.begin();
    if (!choice.dataset || models.length === 0) return;
    const key = boardKeyOf(choice.dataset, POOLING, chosenModels(), choice.metrics);
    if (board && boardKey(board) === key && !start) {
      render();
      return;
    }
    if (board) results.classList.add('is-stale');
    compute.disabled = true;
    try {
      setState(start ? 'loading' : 'checking');
      const result = await resolveJobs<Leaderboard>(
        async (signal) => {
          // start=false only looks: a computed leaderboard (200), one being computed (202), else 204
          const answer = await searchApi.GET('/api/search/leaderboard', {
            params: { query: { dataset: choice.dataset, models: choice.models.length ? choice.models.join(',') : undefined, metrics: choice.metrics.join(','), pooling: POOLING, start: start ? undefined : false } },
            signal,
          });
          if (answer.response.status === 204) throw new NotComputed();
          return answer;
        },
        {
          signal: ticket.signal,
          onJob: (job: Job) => {
            if (!ticket.isCurrent()) return;
            setState('computing');
            compute.textContent = 'Computing…';
            idle.hidden = true;
            progress.show(job, `Computing the leaderboard: ${describe()}`);
          },
        },
      );
      if (!ticket.isCurrent()) return;
      progress.hide();
      board = result;
      render();
      compute.hidden = true;
      setState('ready');
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      progress.hide();
      if (e instanceof NotComputed) {
        showNotComputed();
        return;
      }
      const message = errorMessage(e);
      banner.show(message);
      results.hidden = true;
      board = undefined;
      showIdle('No leaderboard', message);
      compute.textContent = 'Try again';
      buttonStarts = start;
      compute.disabled = false;
      compute.hidden = false;
      setState('error');
    }
  }

  function render() {
    if (!board) return;
    const order = orderModels(board, models.map((m) => m.id ?? ''));
    const rows = board.rows ?? [];
    const domain = niceDomain(rows.map((r) => r.map ?? NaN));
    const params = new Map((board.models ?? []).map((m) => [m.id ?? '', m.parameters]));
    const pooling = (board.pooling ?? POOLING) as Pooling;
    heatGrid.replaceChildren(...(board.metrics ?? choice.metrics).map((metric) => heatMapTable(heatMatrix(rows, metric, order), domain, board!.dataset ?? choice.dataset, pooling, params)));
    legendSlot.replaceChildren(heatLegend(domain));
    chartMetric.replaceChildren(
      ...(board.metrics ?? []).map((m) => {
        const button = h('button', { type: 'button', role: 'radio', class: 'segment', 'aria-checked': String(m === choice.chart), 'data-metric': m }, m);
        button.addEventListener('click', () => {
          if (choice.chart === m) return;
          choice = { ...choice, chart: m };
          onChange();
          render();
        });
        return button;
      }),
    );
    chartRadios.sync();
    chart.render(chartSeries(rows, choice.chart, order), choice.chart, colorOf);
    renderTop();
    const when = board.computedAt ? new Date(board.computedAt) : undefined;
    const at = when && !Number.isNaN(when.getTime()) ? ` · computed ${when.toLocaleDateString()} ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
    meta.textContent = `${describe(false)} · ${formatInt(rows.length)} combinations${at}`;
    idle.hidden = true;
    results.hidden = false;
    results.classList.remove('is-stale');
  }

  function renderTop() {
    if (!board) return;
    const rows = board.rows ?? [];
    const shown = showAll ? rows : rows.slice(0, TOP_ROWS);
    const dataset = board.dataset ?? choice.dataset;
    const pooling = (board.pooling ?? POOLING) as Pooling;
    topBody.replaceChildren(...shown.map((r, i) => topRow(r, i + 1, dataset, pooling, board!)));
    moreButton.hidden = rows.length <= TOP_ROWS;
    moreButton.textContent = showAll ? `Show the top ${TOP_ROWS}` : `Show all ${formatInt(rows.length)}`;
  }

  function topRow(r: LeaderboardRow, rank: number, dataset: string, pooling: Pooling, b: Leaderboard): HTMLElement {
    const href = searchHash({ dataset, model: r.model, layer: r.layer, metric: r.metric, pooling });
    const layers = b.models?.find((m) => m.id === r.model)?.featureLayers?.length;
    const row = h(
      'tr',
      { class: 'is-link', 'data-model': r.model, 'data-layer': r.layer, 'data-metric': r.metric },
      h('td', { class: 'num rank' }, String(rank)),
      h(
        'td',
        { class: 'model-cell' },
        h('span', { class: 'chip-dot', style: `background:${colorOf(r.model ?? '')}`, 'aria-hidden': 'true' }),
        h(
          'span',
          { class: 'model-layer' },
          h('a', { href, class: 'row-link', title: `Open ${r.model} · ${r.layer} · ${r.metric} in Semantic Search` }, r.model ?? ''),
          h(
            'span',
            { class: 'layer-name' },
            r.layer ?? '',
            h('span', { class: 'layer-depth' }, layers ? ` · layer ${(r.depth ?? 0) + 1} of ${layers}` : ''),
            h('span', { class: 'layer-metric', 'aria-hidden': 'true' }, ` · ${r.metric ?? ''}`),
          ),
        ),
      ),
      h('td', { class: 'metric-cell' }, r.metric ?? ''),
      h('td', { class: 'num bar-cell' }, scoreBar(r.map)),
      h('td', { class: 'num p10' }, formatScore(r.precisionAt10)),
    );
    row.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('a')) return;
      location.hash = href;
    });
    return row;
  }

  function boardKey(b: Leaderboard): string {
    return boardKeyOf(b.dataset ?? '', b.pooling ?? POOLING, orderModels(b, models.map((m) => m.id ?? '')), b.metrics ?? []);
  }

  return {
    el,
    setLists(ds, ms, xs, link) {
      datasets = ds;
      models = ms;
      metrics = xs;
      datasetSelect.replaceChildren(...ds.map((d) => h('option', { value: d.id ?? '' }, datasetLabel(d))));
      datasetSelect.disabled = ds.length === 0;
      this.apply(link);
    },
    apply(link) {
      if (datasets.length === 0 || models.length === 0) {
        // The lists could not be loaded (the banner says why): nothing to validate against.
        showIdle('No leaderboard', datasets.length ? 'the model catalog lists no models' : 'no datasets are listed');
        compute.hidden = true;
        setState('error');
        return;
      }
      const notes: string[] = [];
      const dataset = pickById(datasets, link.dataset ?? (choice.dataset || undefined), PREFERRED_DATASET, 'dataset');
      if (dataset.rejected) notes.push(dataset.rejected.replace('dataset', 'leaderboard dataset'));
      const unknownModels = (link.models ?? []).filter((id) => !models.some((m) => m.id === id));
      const unknownMetrics = metrics.length > 1 ? (link.metrics ?? []).filter((m) => !metrics.includes(m)) : [];
      if (unknownModels.length) notes.push(`unknown model${unknownModels.length > 1 ? 's' : ''} ${unknownModels.map((m) => `'${m}'`).join(', ')} in the link; left out`);
      if (unknownMetrics.length) notes.push(`unknown metric${unknownMetrics.length > 1 ? 's' : ''} ${unknownMetrics.map((m) => `'${m}'`).join(', ')} in the link; left out`);
      if (notes.length) banner.show(notes.join('; '));
      change({
        dataset: dataset.value?.id ?? '',
        models: link.models ?? [],
        metrics: link.metrics ?? [...DEFAULT_BOARD_METRICS],
        chart: link.chart ?? choice.chart,
      });
    },
    get: () => choice,
    dispose: () => latest.cancel(),
  };
}
