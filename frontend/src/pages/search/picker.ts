// The image picker: the dataset's images as small thumbnails, paged in as the grid scrolls, with
// class filter chips. Clicking an image makes it the query. An imported collection's items, which have
// no images, are listed by id and label instead.
import './picker.css';
import { featuresApi, thumbnailUrl, type Dataset, type ImageItem } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { searchApi } from '../../api/search';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { rovingFocus } from '../../lib/roving';
import type { ImportedCollection } from '../common/imported';

export const PICKER_THUMB_SIZE = 96;
export const PAGE_SIZE = 500;
const SKELETONS = 24;

export interface Picker {
  readonly el: HTMLElement;
  /** Shows a dataset from its first page; resolves to its first image (undefined if none or stale). */
  load(dataset: Dataset): Promise<ImageItem | undefined>;
  /** Lists an imported collection's items (no thumbnails, no class filter); resolves to its first item. */
  loadCollection(collection: ImportedCollection): Promise<ImageItem | undefined>;
  highlight(id: string): void;
}

export interface PickerEvents {
  onPick(item: ImageItem): void;
  onItems(items: readonly ImageItem[]): void;
  onError(message: string): void;
}

/** tools: shown in the card's head between its title and the count (the id box), so the grid keeps its room. */
export function createPicker(events: PickerEvents, tools?: HTMLElement): Picker {
  const count = h('span', { class: 'card-meta', 'aria-live': 'polite' });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Filter by class' });
  const grid = h('ul', { class: 'picker-grid', 'data-testid': 'picker', 'aria-label': 'Dataset images' });
  const sentinel = h('li', { class: 'picker-sentinel', 'aria-hidden': 'true' });
  const scroller = h('div', { class: 'picker-scroll scroll' }, grid);
  const heading = h('h2', { class: 'card-title', id: 'picker-heading' }, 'Dataset images');
  const el = h(
    'section',
    { class: 'picker card', 'aria-labelledby': 'picker-heading' },
    h('div', { class: 'card-head picker-head' }, heading, tools, count),
    chips,
    scroller,
  );

  const latest = new Latest();
  const roving = rovingFocus(grid, 'button.thumb');
  let dataset: Dataset | undefined;
  /** Set instead of dataset while an imported collection is listed. */
  let collection: ImportedCollection | undefined;
  let label: string | undefined;
  let loaded = 0;
  let total = 0;
  let loading = false;
  let selected = '';
  const buttons = new Map<string, HTMLButtonElement>();

  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void more();
  }, { root: scroller, rootMargin: '400px' });

  function skeletons(): HTMLElement[] {
    return Array.from({ length: SKELETONS }, () => h('li', { class: 'thumb skeleton', 'aria-hidden': 'true' }));
  }

  function item(image: ImageItem): HTMLElement {
    const id = image.id ?? '';
    const text = `${image.label ?? 'unlabeled'} — ${id}`;
    const shown = collection
      ? [h('span', { class: 'item-id' }, id), h('span', { class: 'item-label' }, image.label ?? 'unlabeled')]
      : [h('img', { src: thumbnailUrl(dataset?.id ?? '', id, PICKER_THUMB_SIZE), alt: text, loading: 'lazy', decoding: 'async', width: 96, height: 96 })];
    const button = h(
      'button',
      { type: 'button', class: collection ? 'thumb item' : 'thumb', title: text, 'aria-pressed': id === selected ? 'true' : 'false', 'data-id': id, tabindex: -1 },
      ...shown,
    );
    button.addEventListener('click', () => events.onPick(image));
    buttons.set(id, button);
    return h('li', {}, button);
  }

  function renderCount() {
    const what = label ? ` of '${label}'` : '';
    count.textContent = total ? `${formatInt(total)} ${collection ? 'items' : 'images'}${what}` : '';
  }

  function renderChips(ds: Dataset) {
    const chip = (value: string | undefined, text: string, n?: number) => {
      const b = h('button', { type: 'button', class: 'chip', 'aria-pressed': value === label ? 'true' : 'false' }, text, n !== undefined ? h('span', { class: 'chip-count' }, formatInt(n)) : null);
      b.addEventListener('click', () => {
        if (label === value || !dataset) return;
        label = value;
        for (const c of chips.querySelectorAll('.chip')) c.setAttribute('aria-pressed', 'false');
        b.setAttribute('aria-pressed', 'true');
        void reload();
      });
      return b;
    };
    chips.replaceChildren(chip(undefined, 'All'), ...(ds.classes ?? []).map((c) => chip(c, c, ds.classCounts?.[c])));
  }

  async function page(offset: number, signal: AbortSignal): Promise<{ items?: ImageItem[]; total?: number }> {
    const c = collection;
    if (c) {
      return unwrap(
        await searchApi.GET('/api/search/collections/{dataset}/{model}/{layer}/items', {
          params: { path: { dataset: c.dataset, model: c.model, layer: c.layer }, query: { limit: PAGE_SIZE, offset, pooling: c.pooling } },
          signal,
        }),
      );
    }
    const ds = dataset!;
    return unwrap(
      await featuresApi.GET('/api/features/datasets/{id}/images', {
        params: { path: { id: ds.id ?? '' }, query: { limit: PAGE_SIZE, offset, ...(label ? { label } : {}) } },
        signal,
      }),
    );
  }

  async function reload(): Promise<ImageItem | undefined> {
    if (!dataset && !collection) return undefined;
    observer.disconnect();
    buttons.clear();
    loaded = 0;
    total = 0;
    loading = true;
    grid.replaceChildren(...skeletons());
    grid.setAttribute('aria-busy', 'true');
    scroller.scrollTop = 0;
    scroller.scrollLeft = 0;
    renderCount();
    try {
      const answer = await latest.run((ticket) => page(0, ticket.signal));
      if (!answer) return undefined;
      const items = answer.value.items ?? [];
      total = answer.value.total ?? items.length;
      loaded = items.length;
      grid.replaceChildren(...items.map(item), sentinel);
      roving.reset(buttons.get(selected));
      events.onItems(items);
      renderCount();
      if (loaded < total) observer.observe(sentinel);
      return items[0];
    } catch (e) {
      if (isAbort(e)) return undefined;
      grid.replaceChildren(h('li', { class: 'picker-empty' }, `The ${collection ? 'items' : 'images'} could not be listed.`));
      events.onError(errorMessage(e));
      return undefined;
    } finally {
      loading = false;
      grid.removeAttribute('aria-busy');
    }
  }

  async function more(): Promise<void> {
    if ((!dataset && !collection) || loading || loaded >= total) return;
    loading = true;
    try {
      const answer = await latest.run((ticket) => page(loaded, ticket.signal));
      if (!answer) return;
      const items = answer.value.items ?? [];
      loaded += items.length;
      total = answer.value.total ?? total;
      sentinel.before(...items.map(item));
      events.onItems(items);
      if (items.length === 0 || loaded >= total) observer.disconnect();
    } catch (e) {
      if (!isAbort(e)) events.onError(errorMessage(e));
    } finally {
      loading = false;
    }
  }

  function show(title: string, items: boolean) {
    heading.textContent = title;
    grid.setAttribute('aria-label', title);
    grid.classList.toggle('is-items', items);
  }

  grid.replaceChildren(...skeletons());
  return {
    el,
    load(ds) {
      dataset = ds;
      collection = undefined;
      label = undefined;
      show('Dataset images', false);
      renderChips(ds);
      return reload();
    },
    loadCollection(c) {
      dataset = undefined;
      collection = c;
      label = undefined;
      show('Collection items', true);
      chips.replaceChildren();
      return reload();
    },
    highlight(id) {
      if (id === selected) return;
      buttons.get(selected)?.setAttribute('aria-pressed', 'false');
      selected = id;
      const button = buttons.get(id);
      if (!button) return;
      button.setAttribute('aria-pressed', 'true');
      if (!grid.contains(document.activeElement)) roving.reset(button);
      // Scroll the picker (not the page) so the query is in view.
      const box = scroller.getBoundingClientRect();
      const at = button.getBoundingClientRect();
      if (at.top < box.top || at.bottom > box.bottom) scroller.scrollTop += at.top - box.top - (box.height - at.height) / 2;
      if (at.left < box.left || at.right > box.right) scroller.scrollLeft += at.left - box.left - (box.width - at.width) / 2;
    },
  };
}
