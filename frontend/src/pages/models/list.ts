// The model list: every model of the catalog in its order (fewest parameters first) as a card with its
// size, depth, cost, input, licence and provenance, and a link to its page.
import type { Model } from '../../api/catalog';
import { h } from '../../lib/dom';
import { formatCount, formatInt } from '../../lib/format';
import { complexityScale, provenance, shortLicence } from './describe';
import type { View } from './index';
import { modelHref, modelsHash } from './state';

export function createModelList(models: readonly Model[]): View {
  const paramScale = complexityScale(models.map((m) => m.parameters ?? 0));
  const flopScale = complexityScale(models.map((m) => m.flops ?? 0));

  const el = h(
    'div',
    { class: 'models-list' },
    h(
      'header',
      { class: 'page-head' },
      h('h1', { class: 'page-title' }, 'Models'),
      h(
        'p',
        { class: 'page-lead' },
        `${models.length} pretrained CNNs, simplest first. Parameters and multiply-adds per image are counted from each ONNX graph; open a model for every layer, its graph and what its channels respond to.`,
      ),
    ),
    h('ol', { class: 'model-grid', 'data-testid': 'model-list', 'aria-label': 'Models in order of complexity' }, ...models.map((m, i) => card(m, i))),
  );

  function card(m: Model, i: number): HTMLElement {
    const id = m.id ?? '';
    const source = provenance(m.source);
    const headingId = `model-${i}-name`;
    return h(
      'li',
      { class: 'model-card card', 'data-testid': 'model-card', 'data-model': id, 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'model-card-head' },
        h('span', { class: 'model-rank', title: 'Position in the complexity order' }, h('span', { class: 'visually-hidden' }, 'rank '), String(m.complexityRank ?? i + 1)),
        h('h2', { class: 'model-name', id: headingId }, h('a', { href: modelHref(id) }, m.name ?? id)),
      ),
      h(
        'p',
        { class: 'model-sub' },
        m.family ? h('span', { class: 'family-chip' }, m.family) : null,
        h('span', { class: 'model-kind' }, m.hasClassifier ? `ImageNet classifier · ${formatInt(m.numClasses ?? 0)} classes` : 'feature extractor'),
      ),
      h('p', { class: 'model-arch', title: m.architecture ?? '' }, m.architecture ?? ''),
      h(
        'dl',
        { class: 'model-stats' },
        stat('Parameters', formatCount(m.parameters ?? NaN), 'weights', m.parameters !== undefined ? `${formatInt(m.parameters)} weights` : undefined),
        stat('Layers', m.layerCount !== undefined ? formatInt(m.layerCount) : '–', 'graph nodes'),
        stat('FLOPs', formatCount(m.flops ?? NaN), 'multiply-adds', m.flops !== undefined ? `${formatInt(m.flops)} multiply-adds per image` : undefined),
        stat('Input', m.inputSize?.length === 2 ? `${m.inputSize[0]}×${m.inputSize[1]}` : '–', 'pixels'),
      ),
      h(
        'div',
        { class: 'complexity', role: 'img', 'aria-label': `Complexity on a log scale: parameters ${Math.round(paramScale(m.parameters ?? 0) * 100)}%, multiply-adds ${Math.round(flopScale(m.flops ?? 0) * 100)}% of the scale` },
        bar('params', paramScale(m.parameters ?? 0)),
        bar('FLOPs', flopScale(m.flops ?? 0)),
      ),
      h(
        'dl',
        { class: 'model-facts' },
        h('div', {}, h('dt', {}, 'Licence'), h('dd', { title: m.license ?? '' }, shortLicence(m.license))),
        h(
          'div',
          {},
          h('dt', {}, 'Source'),
          h(
            'dd',
            { title: source?.detail ?? '' },
            source
              ? source.url
                ? h('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer', class: 'source-link' }, source.repository)
                : source.repository
              : 'unknown',
            source?.shortCommit ? h('span', { class: 'commit' }, ` @ ${source.shortCommit}`) : null,
          ),
        ),
      ),
      h(
        'div',
        { class: 'model-card-foot' },
        h('a', { class: 'button button-secondary', href: modelHref(id), 'data-testid': 'more-info', 'aria-label': `More info about ${id}` }, 'More info'),
      ),
    );
  }

  return {
    el,
    shows: (route) => route.view === 'list',
    apply: () => undefined,
    currentHash: () => modelsHash({ view: 'list' }),
    dispose: () => undefined,
  };
}

function stat(title: string, value: string, unit: string, hint?: string): HTMLElement {
  return h('div', { class: 'model-stat', title: hint }, h('dt', {}, title), h('dd', {}, value), unit ? h('dd', { class: 'model-stat-unit' }, unit) : null);
}

function bar(label: string, fraction: number): HTMLElement {
  return h(
    'span',
    { class: 'complexity-row', 'aria-hidden': 'true' },
    h('span', { class: 'complexity-label' }, label),
    h('span', { class: 'complexity-bar' }, h('span', { class: 'complexity-fill', style: `width:${(fraction * 100).toFixed(1)}%` })),
  );
}
