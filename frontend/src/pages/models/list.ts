// The model list: every model of the catalog in its order (fewest parameters first) as a card with its
// size, depth, cost, input, licence and provenance, and a link to its page.
import './list.css';
import type { Model } from '../../api/catalog';
import { h, svg } from '../../lib/dom';
import { formatCount, formatInt } from '../../lib/format';
import { complexityScale, provenance, shortLicence } from './describe';
import type { View } from './index';
import { modelHref, modelsHash } from './state';

export interface ListActions {
  /** "Import a model" was chosen. */
  onImport(opener: HTMLElement): void;
  /** Delete was chosen on an imported or downloaded model. */
  onDelete(model: Model, opener: HTMLElement): void;
}

const PLUS_ICON = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M8 3v10M3 8h10"/></svg>`;
const ORIGIN_TEXT: Record<string, string> = { upload: 'imported', download: 'downloaded' };

export function createModelList(initial: readonly Model[], actions: ListActions): View & { update(models: readonly Model[]): void; focusImport(): void } {
  let paramScale = complexityScale(initial.map((m) => m.parameters ?? 0));
  let flopScale = complexityScale(initial.map((m) => m.flops ?? 0));

  const importButton = h('button', { type: 'button', class: 'button button-primary page-head-action', 'data-testid': 'import-model', 'aria-haspopup': 'dialog' }, svg(PLUS_ICON), 'Import a model');
  importButton.addEventListener('click', () => actions.onImport(importButton));
  const lead = h('p', { class: 'page-lead' });
  const grid = h('ol', { class: 'model-grid', 'data-testid': 'model-list', 'aria-label': 'Models in order of complexity' });
  const el = h('div', { class: 'models-list' }, h('header', { class: 'page-head has-action' }, h('h1', { class: 'page-title' }, 'Models'), lead, importButton), grid);

  function render(models: readonly Model[]) {
    paramScale = complexityScale(models.map((m) => m.parameters ?? 0));
    flopScale = complexityScale(models.map((m) => m.flops ?? 0));
    const own = models.filter((m) => m.readOnly === false).length;
    lead.textContent = `${models.length} pretrained CNNs${own ? ` (${own} of them yours)` : ''}, simplest first. Parameters and multiply-adds per image are counted from each ONNX graph; open a model for every layer, its graph and what its channels respond to.`;
    grid.replaceChildren(...models.map((m, i) => card(m, i)));
  }

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
        m.readOnly === false ? h('span', { class: 'origin-chip', 'data-testid': 'model-origin' }, ORIGIN_TEXT[m.origin ?? ''] ?? 'yours') : null,
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
        m.readOnly === false ? deleteButton(m) : null,
        h('a', { class: 'button button-secondary', href: modelHref(id), 'data-testid': 'more-info', 'aria-label': `More info about ${id}` }, 'More info'),
      ),
    );
  }

  function deleteButton(m: Model): HTMLElement {
    const b = h('button', { type: 'button', class: 'button button-ghost button-danger', 'data-testid': 'delete-model', 'aria-label': `Delete ${m.id ?? ''}` }, 'Delete');
    b.addEventListener('click', () => actions.onDelete(m, b));
    return b;
  }

  render(initial);

  return {
    el,
    update: render,
    focusImport: () => importButton.focus(),
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
