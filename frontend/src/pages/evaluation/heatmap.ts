// A heat map of mAP per model (rows, complexity order) and feature-layer depth (columns), one per
// metric, as a real table whose cells link to Semantic Search with that layer.
import './heatmap.css';
import type { LeaderboardRow } from '../../api/search';
import { valueColor, textOn, sequentialColor, type Domain } from '../../lib/color';
import { niceTicks, tickLabel, tickStep } from '../../lib/chart';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { toHash as searchHash } from '../search/state';
import type { Pooling } from '../search/state';
import { formatScore, type HeatMatrix } from './board';

export function heatMapTable(matrix: HeatMatrix, domain: Domain, dataset: string, pooling: Pooling, params: ReadonlyMap<string, number | undefined>): HTMLElement {
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'heat-corner' }, h('span', { class: 'visually-hidden' }, 'Model'), h('span', { 'aria-hidden': 'true' }, 'model ╲ layer')),
    ...Array.from({ length: matrix.columns }, (_, d) => h('th', { scope: 'col', class: 'heat-col', title: `feature layer ${d + 1} of each model` }, String(d + 1))),
  );
  const body = matrix.rows.map((row) =>
    h(
      'tr',
      { 'data-model': row.model },
      h('th', { scope: 'row', class: 'heat-model' }, h('span', { class: 'heat-model-name' }, row.model), params.get(row.model) ? h('span', { class: 'heat-model-size' }, paramsText(params.get(row.model)!)) : null),
      ...row.cells.map((cell, d) => (cell ? heatCell(cell, d, domain, dataset, pooling) : h('td', { class: 'heat-empty' }, h('span', { class: 'visually-hidden' }, 'no layer')))),
    ),
  );
  return h(
    'figure',
    { class: 'heat', 'data-testid': 'heatmap', 'data-metric': matrix.metric },
    h('figcaption', { class: 'heat-title' }, h('span', { class: 'heat-metric' }, matrix.metric), ' — mAP by feature layer, early → late'),
    h('div', { class: 'table-scroll scroll' }, h('table', { class: 'heat-table' }, h('caption', { class: 'visually-hidden' }, `mAP under ${matrix.metric}: rows are models from least to most complex, columns their feature layers from early to late; each cell opens Semantic Search`), h('thead', {}, head), h('tbody', {}, ...body))),
  );
}

function heatCell(cell: LeaderboardRow, depth: number, domain: Domain, dataset: string, pooling: Pooling): HTMLElement {
  const bg = valueColor(cell.map ?? NaN, domain);
  const tip = `${cell.model} · ${cell.layer} (layer ${depth + 1}${cell.dimension ? `, ${cell.dimension}-d` : ''})\n${cell.metric}: mAP ${formatScore(cell.map)} · P@10 ${formatScore(cell.precisionAt10)} · weighted share ${formatScore(cell.weightedShare)}\nOpen in Semantic Search`;
  const link = h(
    'a',
    {
      class: 'heat-link',
      href: searchHash({ dataset, model: cell.model, layer: cell.layer, metric: cell.metric, pooling }),
      title: tip,
      'aria-label': `${cell.model} ${cell.layer}: mAP ${formatScore(cell.map)}; open in Semantic Search`,
      style: `background:${bg};color:${textOn(bg)}`,
      'data-layer': cell.layer,
    },
    formatScore(cell.map, 2),
  );
  return h('td', { class: 'heat-cell' }, link);
}

/** The colour legend of the heat maps: the sequential scale over the domain, with round ticks. */
export function heatLegend(domain: Domain): HTMLElement {
  const stops = Array.from({ length: 11 }, (_, i) => `${sequentialColor(i / 10)} ${i * 10}%`).join(', ');
  const span = domain.max - domain.min || 1;
  const ticks = niceTicks(domain.min, domain.max, 4).filter((t) => t >= domain.min - 1e-9 && t <= domain.max + 1e-9);
  const step = tickStep(span, 4);
  return h(
    'div',
    { class: 'heat-legend', 'data-testid': 'heat-legend' },
    h('span', { class: 'heat-legend-title' }, 'mAP'),
    h(
      'span',
      { class: 'heat-legend-scale' },
      h('span', { class: 'heat-legend-bar', style: `background:linear-gradient(to right, ${stops})`, 'aria-hidden': 'true' }),
      h(
        'span',
        { class: 'heat-legend-ticks' },
        ...legendTicks(domain, ticks, step).map(([t, text]) => {
          const at = (t - domain.min) / span;
          // The ends are aligned inside the bar, the others centred on their place.
          return h('span', { style: `left:${(at * 100).toFixed(2)}%`, class: at < 0.01 ? 'at-start' : at > 0.99 ? 'at-end' : undefined }, text);
        }),
      ),
    ),
  );
}

function paramsText(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${formatInt(Math.round(n / 1e3))} K`;
}

/** The legend's labels: the round ticks, plus the ends of the scale where no tick is near them. */
export function legendTicks(domain: Domain, ticks: readonly number[], step: number): [number, string][] {
  const span = domain.max - domain.min || 1;
  const out: [number, string][] = ticks.map((t) => [t, tickLabel(t, step)]);
  const end = (v: number) => [v, Number(v.toFixed(3)).toString()] as [number, string];
  if (!ticks.length || (ticks[0]! - domain.min) / span > 0.18) out.unshift(end(domain.min));
  if (!ticks.length || (domain.max - ticks[ticks.length - 1]!) / span > 0.18) out.push(end(domain.max));
  return out;
}
