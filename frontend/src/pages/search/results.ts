// The results: a one-line summary and a fixed-height grid of the 50 hits with similarity bars.
import './results.css';
import { thumbnailUrl } from '../../api/features';
import type { Hit, Job, PartialResults, SearchResults } from '../../api/search';
import { h } from '../../lib/dom';
import { barWidth, formatDistance, formatPercent } from '../../lib/format';
import { partialNote } from './jobs';
import { createProgress } from './progress';
import type { SearchState } from './state';
import { summarise } from './summary';

export const RESULT_THUMB_SIZE = 160;
export const K = 50;

export interface ResultsView {
  readonly el: HTMLElement;
  loading(state: SearchState): void;
  building(job: Job, state: SearchState): void;
  /** Shows the hits among the images a build has stored so far, noted as partial, until ready() replaces them. */
  partial(partial: PartialResults, state: SearchState): void;
  ready(results: SearchResults, state: SearchState): void;
  error(message: string): void;
}

/** Asks why a hit is similar to the query (the button on each result). */
export type OnWhy = (hit: Hit, state: SearchState, opener: HTMLElement) => void;

/**
 * hasImages says whether a state's hits have images; those that do not (an imported collection's) show id,
 * label and similarity without a thumbnail and without "Why similar?".
 */
export function createResults(onPick: (hit: Hit) => void, onRetry: () => void, onWhy?: OnWhy, hasImages: (s: SearchState) => boolean = () => true): ResultsView {
  const summary = h('p', { class: 'results-summary', 'data-testid': 'summary', 'aria-live': 'polite' }, '\u00a0');
  const legend = h('span', { class: 'legend', hidden: true }, h('span', { class: 'legend-swatch', 'aria-hidden': 'true' }), 'same class as the query');
  const grid = h('ol', { class: 'results-grid', 'aria-label': 'Most similar images' });
  const message = h('div', { class: 'results-message', hidden: true });
  const progress = createProgress();
  const scroller = h('div', { class: 'results-scroll scroll' }, grid);
  const el = h(
    'section',
    { class: 'results card', 'aria-labelledby': 'results-heading', 'data-testid': 'results', 'data-state': 'empty' },
    h('div', { class: 'card-head results-head' }, h('h2', { class: 'card-title', id: 'results-heading' }, 'Most similar'), summary, legend),
    h('div', { class: 'results-body' }, scroller, message, progress.el),
  );
  let hasHits = false;
  /** Partial results are on show: the build's progress docks below them instead of covering them. */
  let partialShown = false;

  const setState = (state: string, s?: SearchState) => {
    el.dataset.state = state;
    if (s) {
      el.dataset.dataset = s.dataset;
      el.dataset.model = s.model;
      el.dataset.layer = s.layer;
      el.dataset.metric = s.metric;
      el.dataset.pooling = s.pooling;
      el.dataset.query = s.upload ? `upload:${s.upload.name}` : s.q;
    }
    el.setAttribute('aria-busy', state === 'loading' || state === 'building' ? 'true' : 'false');
  };

  const skeletons = () => {
    grid.replaceChildren(
      ...Array.from({ length: K }, () =>
        h('li', { class: 'result skeleton', 'aria-hidden': 'true' }, h('div', { class: 'result-card' }, h('span', { class: 'result-thumb' }), h('span', { class: 'result-meta' }, h('span', { class: 'skeleton-line' }), h('span', { class: 'skeleton-line short' })))),
      ),
    );
    hasHits = false;
  };

  const card = (dataset: string, hit: Hit, metric: string, queryLabel: string | undefined, state: SearchState, partial = false): HTMLElement => {
    const id = hit.id ?? '';
    const label = hit.label ?? 'unlabeled';
    const same = queryLabel !== undefined && hit.label === queryLabel;
    const images = hasImages(state);
    const button = h(
      'button',
      { type: 'button', class: images ? 'result-card' : 'result-card no-image', title: `${id}\n${metric} distance ${formatDistance(hit.distance)}`, 'data-id': id },
      images
        ? h('span', { class: 'result-thumb' }, h('img', { src: thumbnailUrl(dataset, id, RESULT_THUMB_SIZE), alt: `${label} — ${id}`, loading: 'lazy', decoding: 'async', width: 160, height: 160 }))
        : null,
      h('span', { class: 'result-rank' }, h('span', { class: 'visually-hidden' }, 'rank '), String(hit.rank ?? '')),
      h(
        'span',
        { class: 'result-meta' },
        images ? null : h('span', { class: 'result-id', 'data-testid': 'result-id' }, id),
        h('span', { class: 'result-label', 'data-testid': 'result-label' }, label),
        h(
          'span',
          { class: 'sim' },
          h('span', { class: 'sim-bar', 'aria-hidden': 'true' }, h('span', { class: 'sim-fill', style: `width:${barWidth(hit.similarity)}%` })),
          h('span', { class: 'sim-value' }, formatPercent(hit.similarity)),
        ),
      ),
    );
    button.addEventListener('click', () => onPick(hit));
    // "why similar?" compares with the stored collection, which a build with partial results has not stored yet
    const why = onWhy && !partial && images
      ? h('button', { type: 'button', class: 'why-button', 'data-testid': 'why-button', 'aria-label': `Why is ${id} similar to the query?` }, 'Why similar?')
      : null;
    why?.addEventListener('click', () => onWhy!(hit, state, why));
    return h('li', { class: same ? 'result same' : 'result', 'data-testid': 'result' }, button, why);
  };

  skeletons();
  return {
    el,
    loading(s) {
      message.hidden = true;
      partialShown = false;
      delete el.dataset.partial;
      if (hasHits) grid.classList.add('is-stale');
      else skeletons();
      setState('loading', s);
    },
    building(job, s) {
      message.hidden = true;
      if (!hasHits) skeletons();
      if (!partialShown) grid.classList.add('is-stale');
      progress.show(job, `Building the collection for ${s.model} · ${s.layer} on ${s.dataset}`, partialShown);
      setState('building', s);
    },
    partial(p, s) {
      const hits = p.hits ?? [];
      if (hits.length === 0) return;
      partialShown = true;
      message.hidden = true;
      grid.classList.remove('is-stale');
      // the query's class is not known before its row is stored: no same-class marks on partial results
      grid.replaceChildren(...hits.map((hit) => card(s.dataset, hit, s.metric, undefined, s, true)));
      hasHits = true;
      const done = p.done ?? 0;
      summary.textContent = partialNote(p);
      summary.title = '';
      legend.hidden = true;
      el.dataset.partial = String(done);
      progress.dock(true);
    },
    ready(r, s) {
      progress.hide();
      partialShown = false;
      delete el.dataset.partial;
      message.hidden = true;
      grid.classList.remove('is-stale');
      const dataset = r.collection?.dataset ?? s.dataset;
      const metric = r.metric ?? s.metric;
      const queryLabel = r.query?.label || undefined;
      const hits = r.hits ?? [];
      grid.replaceChildren(...hits.map((hit) => card(dataset, hit, metric, queryLabel, s)));
      hasHits = hits.length > 0;
      scroller.scrollTop = 0;
      summary.textContent = summarise(r);
      summary.title = r.similarity ? `Similarity: ${r.similarity}` : '';
      legend.hidden = !queryLabel;
      if (!hasHits) {
        message.replaceChildren(h('div', { class: 'results-empty' }, h('p', { class: 'results-empty-title' }, 'No other images in this collection')));
        message.hidden = false;
      }
      setState('ready', s);
    },
    error(text) {
      progress.hide();
      partialShown = false;
      delete el.dataset.partial;
      grid.classList.remove('is-stale');
      grid.replaceChildren();
      hasHits = false;
      summary.textContent = '\u00a0';
      legend.hidden = true;
      const retry = h('button', { type: 'button', class: 'button button-secondary' }, 'Try again');
      retry.addEventListener('click', onRetry);
      message.replaceChildren(
        h('div', { class: 'results-empty' }, h('p', { class: 'results-empty-title' }, 'No results'), h('p', { class: 'results-empty-text' }, text), retry),
      );
      message.hidden = false;
      setState('error');
    },
  };
}
