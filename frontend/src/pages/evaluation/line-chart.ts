// The line chart of mAP by relative depth, one line per model: hand-drawn SVG sized to its box.
import './line-chart.css';
import { h } from '../../lib/dom';
import { linearScale, linePath, niceTicks, scoreDomain, tickLabel, tickStep } from '../../lib/chart';
import { formatScore, type Series } from './board';

const NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 280;
const MARGIN = { top: 12, right: 16, bottom: 40, left: 48 };

export interface LineChart {
  readonly el: HTMLElement;
  render(series: readonly Series[], metric: string, colorOf: (model: string) => string): void;
}

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export function createLineChart(): LineChart {
  const box = h('div', { class: 'chart-box' });
  const legend = h('ul', { class: 'chart-legend', 'aria-label': 'Models' });
  const el = h('figure', { class: 'chart', 'data-testid': 'line-chart' }, box, legend);
  let last: { series: readonly Series[]; metric: string; colorOf: (m: string) => string } | undefined;
  let width = 0;

  function draw() {
    if (!last) return;
    const w = Math.max(280, Math.round(box.clientWidth || 600));
    width = w;
    const { series, metric, colorOf } = last;
    const ys = series.flatMap((x) => x.points.map((p) => p.y));
    const [y0, y1] = scoreDomain(ys);
    const sx = linearScale([0, 1], [MARGIN.left, w - MARGIN.right]);
    const sy = linearScale([y0, y1], [HEIGHT - MARGIN.bottom, MARGIN.top]);
    const yStep = tickStep(y1 - y0, 5);
    const svg = s('svg', { width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`, role: 'img', 'aria-label': `mAP under ${metric} by relative depth of the layer, one line per model` });
    const grid = s('g', { class: 'chart-grid' });
    for (const t of niceTicks(y0, y1, 5)) {
      const y = sy(t);
      grid.append(s('line', { x1: MARGIN.left, x2: w - MARGIN.right, y1: y, y2: y }), s('text', { x: MARGIN.left - 8, y: y + 4, 'text-anchor': 'end' }, tickLabel(t, yStep)));
    }
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const x = sx(t);
      grid.append(s('line', { x1: x, x2: x, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 4, class: 'chart-tick' }), s('text', { x, y: HEIGHT - MARGIN.bottom + 17, 'text-anchor': 'middle' }, tickLabel(t, 0.25)));
    }
    grid.append(
      s('line', { x1: MARGIN.left, x2: w - MARGIN.right, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom, class: 'chart-axis' }),
      s('text', { x: (MARGIN.left + w - MARGIN.right) / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'chart-axis-title' }, 'relative depth of the layer (0 = first feature layer, 1 = last)'),
      s('text', { x: 12, y: MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2, 'text-anchor': 'middle', class: 'chart-axis-title', transform: `rotate(-90 12 ${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2})` }, `mAP (${metric})`),
    );
    svg.append(grid);
    for (const line of series) {
      const color = colorOf(line.model);
      const g = s('g', { class: 'chart-series', 'data-model': line.model });
      g.append(s('path', { d: linePath(line.points, sx, sy), fill: 'none', stroke: color, 'stroke-width': 2.25, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', class: 'chart-line' }));
      for (const p of line.points) {
        g.append(s('circle', { cx: sx(p.x), cy: sy(p.y), r: 3.5, fill: '#fff', stroke: color, 'stroke-width': 2 }, s('title', {}, `${line.model} · ${p.row.layer} (relative depth ${p.x.toFixed(2)}): mAP ${formatScore(p.y)}`)));
      }
      svg.append(g);
    }
    box.replaceChildren(svg);
  }

  new ResizeObserver(() => {
    if (last && Math.abs(Math.round(box.clientWidth) - width) > 2) draw();
  }).observe(box);

  return {
    el,
    render(series, metric, colorOf) {
      last = { series, metric, colorOf };
      draw();
      legend.replaceChildren(
        ...series.map((line) => {
          const item = h('li', { class: 'chart-legend-item', 'data-model': line.model }, h('span', { class: 'chart-swatch', style: `background:${colorOf(line.model)}`, 'aria-hidden': 'true' }), line.model);
          const focus = (on: boolean) => {
            box.querySelector(`.chart-series[data-model="${CSS.escape(line.model)}"]`)?.classList.toggle('is-focus', on);
            box.firstElementChild?.classList.toggle('has-focus', on);
          };
          item.addEventListener('mouseenter', () => focus(true));
          item.addEventListener('mouseleave', () => focus(false));
          return item;
        }),
      );
    },
  };
}

