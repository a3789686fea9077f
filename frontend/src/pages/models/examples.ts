// What excites a channel: the dataset images with the highest mean activation of one channel, each
// with the box of its strongest response. The first request for a dataset and layer indexes every
// channel (a feature-service job, with progress); after that any channel answers at once, so changing
// the channel then asks again by itself.
import './examples.css';
import { featuresApi, thumbnailUrl, type ChannelExample, type ChannelExamples, type Dataset } from '../../api/features';
import { errorMessage, isAbort } from '../../api/problem';
import { h } from '../../lib/dom';
import { datasetLabel, formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { FEATURE_JOBS, resolveJobs } from '../common/resolve';
import { createProgress } from '../search/progress';
import { containFit, scaleBox } from './boxes';
import { createChannelField } from './channel-field';

export const EXAMPLES_K = 9;
export const EXAMPLE_THUMB_SIZE = 160;

export interface ExamplesCard {
  readonly el: HTMLElement;
  setDatasets(datasets: readonly Dataset[], chosen: string): void;
  /** Sets the channel field; asks again when examples for this dataset were shown already. */
  setChannel(channel: number): void;
  /** Fills an empty channel field with a suggestion (the strongest channel), without asking. */
  suggest(channel: number): void;
  get(): { dataset: string; channel: number | undefined };
  /** Asks for the examples of the chosen dataset and channel. */
  show(): void;
  unavailable(message: string): void;
  dispose(): void;
}

export interface ExamplesOptions {
  model: string;
  layer: string;
  /** Channels of the layer (the field's range). */
  channels: number | undefined;
  onError(message: string): void;
  /** The dataset or channel changed (to write the URL). */
  onChange(dataset: string, channel: number | undefined): void;
  /** An example was chosen: look at it. */
  onPick(dataset: string, example: ChannelExample): void;
}

/** 2.7195 → "2.72", 58.52 → "58.5", 103.4 → "103": three significant digits at most. */
export function short(v: number | undefined): string {
  const x = v ?? 0;
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function createExamples(o: ExamplesOptions): ExamplesCard {
  const dataset = h('select', { id: 'examples-dataset', 'data-testid': 'examples-dataset', disabled: true }, h('option', { value: '' }, 'Loading…'));
  const field = createChannelField('examples-channel', o.channels);
  const channel = field.input;
  const button = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'examples-show' }, 'Show examples');
  const meta = h('p', { class: 'card-meta examples-meta', 'aria-live': 'polite' }, '\u00a0');
  const grid = h('ol', { class: 'examples-grid', 'aria-label': 'Images that excite the channel most', 'data-testid': 'examples-grid' });
  const message = h('div', { class: 'results-message examples-message' }, h('p', {}, 'Choose a channel (select an activation map or type its number) and a dataset, then Show examples.'));
  const progress = createProgress();
  const body = h('div', { class: 'examples-body' }, grid, message, progress.el);
  const el = h(
    'section',
    { class: 'card card-stack examples-card', 'aria-labelledby': 'examples-heading', 'data-testid': 'channel-examples', 'data-state': 'empty' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { class: 'card-title', id: 'examples-heading' }, 'What excites this channel'),
      h('p', { class: 'card-note' }, `The ${EXAMPLES_K} images of a dataset with the highest mean activation; the box marks each one's strongest response.`),
    ),
    h(
      'div',
      { class: 'card-controls examples-controls' },
      h('div', { class: 'field field-dataset' }, h('label', { for: 'examples-dataset', class: 'field-label' }, 'Dataset'), dataset),
      field.el,
      button,
      meta,
    ),
    body,
  );

  const latest = new Latest();
  /** Dataset (and layer) whose channels are known to be indexed: a new channel then asks by itself. */
  const indexed = new Set<string>();

  const read = field.read;

  function setState(state: string) {
    el.dataset.state = state;
    body.setAttribute('aria-busy', state === 'loading' || state === 'indexing' ? 'true' : 'false');
  }

  function example(ds: string, x: ChannelExample, rank: number): HTMLElement {
    const size = x.imageSize && x.imageSize.length === 2 ? (x.imageSize as [number, number]) : undefined;
    const box = scaleBox(x.box, size, [100, 100]);
    const id = x.id ?? '';
    const label = x.label ?? 'unlabeled';
    // The thumbnail fitted into the square stage; the box in percent of the image on top of it.
    const fit = containFit(size ?? [1, 1], [100, 100]);
    const pick = h(
      'button',
      { type: 'button', class: 'example-frame', style: `left:${fit.left}%;top:${fit.top}%;width:${fit.width}%;height:${fit.height}%`, title: `${id}\nmean activation ${(x.activation ?? 0).toFixed(3)}, peak ${(x.peak ?? 0).toFixed(3)}\nSelect to look at its activation maps`, 'data-id': id },
      h('img', { src: thumbnailUrl(ds, id, EXAMPLE_THUMB_SIZE), alt: `${label} — ${id}`, loading: 'lazy', decoding: 'async' }),
      box ? h('span', { class: 'example-box', 'data-testid': 'example-box', 'aria-hidden': 'true', style: `left:${box.left}%;top:${box.top}%;width:${box.width}%;height:${box.height}%` }) : null,
      h('span', { class: 'result-rank' }, h('span', { class: 'visually-hidden' }, 'rank '), String(rank)),
    );
    pick.addEventListener('click', () => o.onPick(ds, x));
    return h(
      'li',
      { class: 'example', 'data-testid': 'example' },
      h('div', { class: 'example-stage' }, pick),
      h('p', { class: 'example-meta' }, h('span', { class: 'example-label' }, label), h('span', { class: 'example-value', title: 'mean activation of the channel over the image, and its peak' }, `mean ${short(x.activation)} · peak ${short(x.peak)}`)),
    );
  }

  async function show() {
    const ds = dataset.value;
    if (!ds) return;
    const ch = field.validate();
    if (ch === undefined) return;
    const ticket = latest.begin();
    setState('loading');
    grid.classList.add('is-stale');
    message.hidden = true;
    if (!grid.childElementCount) skeletons();
    try {
      const result = await resolveJobs<ChannelExamples>(
        (signal) => featuresApi.POST('/api/features/channel-examples', { body: { dataset: ds, model: o.model, layer: o.layer, channel: ch, k: EXAMPLES_K }, signal }),
        {
          signal: ticket.signal,
          ...FEATURE_JOBS,
          onJob: (job) => {
            if (!ticket.isCurrent()) return;
            setState('indexing');
            progress.show(job, `Indexing every channel of ${o.layer} over ${ds}`);
          },
        },
      );
      if (!ticket.isCurrent()) return;
      indexed.add(ds);
      progress.hide();
      grid.classList.remove('is-stale');
      const examples = result.examples ?? [];
      grid.replaceChildren(...examples.map((x, i) => example(ds, x, i + 1)));
      meta.textContent = `channel ${result.channel ?? ch} of ${formatInt(result.channels ?? o.channels ?? 0)} · ${examples.length} images of ${ds}`;
      if (!examples.length) {
        message.replaceChildren(h('p', {}, 'The dataset has no images.'));
        message.hidden = false;
      }
      el.dataset.dataset = ds;
      el.dataset.channel = String(result.channel ?? ch);
      setState('ready');
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const text = errorMessage(e);
      progress.hide();
      grid.classList.remove('is-stale');
      grid.replaceChildren();
      message.replaceChildren(h('p', { class: 'results-empty-title' }, 'No examples'), h('p', {}, text));
      message.hidden = false;
      meta.textContent = '\u00a0';
      setState('error');
      o.onError(text);
    }
  }

  function skeletons() {
    grid.replaceChildren(
      ...Array.from({ length: EXAMPLES_K }, () => h('li', { class: 'example skeleton', 'aria-hidden': 'true' }, h('div', { class: 'example-stage' }, h('span', { class: 'example-frame' })), h('span', { class: 'skeleton-line' }))),
    );
  }

  const changed = () => o.onChange(dataset.value, read());
  button.addEventListener('click', () => void show());
  channel.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void show();
  });
  channel.addEventListener('change', () => {
    changed();
    if (indexed.has(dataset.value) && read() !== undefined) void show();
  });
  dataset.addEventListener('change', () => {
    changed();
    if (indexed.has(dataset.value) && read() !== undefined) void show();
  });

  return {
    el,
    setDatasets(datasets, chosen) {
      dataset.replaceChildren(...datasets.map((d) => h('option', { value: d.id ?? '' }, datasetLabel(d))));
      dataset.disabled = datasets.length === 0;
      if (datasets.some((d) => d.id === chosen)) dataset.value = chosen;
    },
    setChannel(ch) {
      field.set(ch);
      changed();
      if (indexed.has(dataset.value)) void show();
    },
    suggest(ch) {
      if (channel.value.trim() === '' && document.activeElement !== channel) channel.value = String(ch);
    },
    get: () => ({ dataset: dataset.value, channel: read() }),
    show: () => void show(),
    unavailable(text) {
      latest.cancel();
      dataset.disabled = true;
      channel.disabled = true;
      button.disabled = true;
      message.replaceChildren(h('p', {}, text));
      message.hidden = false;
      setState('unavailable');
    },
    dispose: () => latest.cancel(),
  };
}
