// The Duplicates page: groups of near-identical images in a collection, side by side for review, with
// a distance threshold to tune (up to the collection's median pair distance, the most the service accepts)
// and JSON/CSV exports. When more pairs lie below the threshold than the service lists, the page says so.
// An imported collection's items have no images: each card shows its id and label only.
import './duplicates.css';
import { thumbnailUrl } from '../../api/features';
import { errorMessage, isAbort } from '../../api/problem';
import { searchApi, type Duplicates } from '../../api/search';
import { h } from '../../lib/dom';
import { saveBlob } from '../../lib/download';
import { formatDistance, formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import type { Banner } from '../../ui/banner';
import { replaceHash, type Page } from '../common/page';
import { resolveJobs } from '../common/resolve';
import { createCollectionSelection } from '../common/selection';
import type { CollectionChoice } from '../search/controls';
import { createProgress } from '../search/progress';
import { toHash as searchHash } from '../search/state';
import { duplicatesHash, formatThreshold, parseDuplicatesHash, parseThreshold, sliderRange, thresholdTooHigh } from './state';
import { atLeast, csvUrl, duplicatesQuery, exportFileName, groupClasses, groupLabels, pairDistances, summaryText } from './summary';

export const DUP_THUMB_SIZE = 160;
const GROUPS_PER_PAGE = 40;
const IMAGES_PER_GROUP = 24;
const DEBOUNCE_MS = 300;

export function mountDuplicatesPage(banner: Banner, hash: string): Page {
  const link = parseDuplicatesHash(hash);
  /** The chosen threshold; undefined: the service's default for the metric. */
  let threshold: number | undefined = link.threshold;
  let result: Duplicates | undefined;
  let shownGroups = GROUPS_PER_PAGE;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const latest = new Latest();
  let keepThreshold = true; // the first choice comes with the link's threshold

  const selection = createCollectionSelection({
    banner,
    label: 'Duplicate scan settings',
    onChange: (c, previous) => {
      const collectionChanged = ['dataset', 'model', 'layer', 'metric', 'pooling'].some((k) => c[k as keyof CollectionChoice] !== previous[k as keyof CollectionChoice]);
      // A threshold is a distance of one collection under one metric: another one starts from its default.
      if (collectionChanged && previous.dataset && !keepThreshold) threshold = undefined;
      keepThreshold = false;
      writeHash();
      void load();
    },
    onUnavailable: (message) => fail(message),
  });

  const slider = h('input', { type: 'range', id: 'dup-threshold-range', class: 'range', min: 0, max: 1, step: 0.001, value: 0, disabled: true, 'aria-label': 'Threshold', 'data-testid': 'threshold-range' });
  const number = h('input', { type: 'text', inputmode: 'decimal', id: 'dup-threshold', class: 'number-input', autocomplete: 'off', spellcheck: 'false', disabled: true, 'data-testid': 'threshold', 'aria-describedby': 'dup-threshold-help' });
  const help = h('p', { class: 'threshold-help', id: 'dup-threshold-help', 'aria-live': 'polite' }, '\u00a0');
  const resetButton = h('button', { type: 'button', class: 'button button-ghost', disabled: true, 'data-testid': 'threshold-default' }, 'Default');
  const counts = h('p', { class: 'card-meta dup-counts', 'data-testid': 'dup-counts', 'aria-live': 'polite' }, '\u00a0');
  const jsonButton = h('button', { type: 'button', class: 'button button-secondary', disabled: true, 'data-testid': 'export-json' }, 'JSON');
  const csvLink = h('a', { class: 'button button-secondary is-disabled', 'aria-disabled': 'true', 'data-testid': 'export-csv', role: 'link' }, 'CSV');
  const groupsList = h('ol', { class: 'dup-groups', 'aria-label': 'Groups of near-duplicates', 'data-testid': 'dup-groups' });
  const more = h('button', { type: 'button', class: 'button button-secondary dup-more', hidden: true });
  const message = h('div', { class: 'results-message', hidden: true });
  const progress = createProgress();
  const scroller = h('div', { class: 'results-scroll scroll dup-scroll' }, groupsList, more);
  const results = h(
    'section',
    { class: 'results dup-results card', 'aria-labelledby': 'dup-heading', 'data-testid': 'duplicates', 'data-state': 'empty' },
    h(
      'div',
      { class: 'card-head results-head dup-head' },
      h('h2', { class: 'card-title', id: 'dup-heading' }, 'Near-duplicates'),
      counts,
      h('div', { class: 'dup-exports', role: 'group', 'aria-label': 'Export the groups' }, h('span', { class: 'field-label' }, 'Export'), jsonButton, csvLink),
    ),
    h(
      'div',
      { class: 'threshold-bar' },
      h('label', { for: 'dup-threshold', class: 'field-label' }, 'Threshold'),
      slider,
      number,
      resetButton,
      help,
    ),
    h('div', { class: 'results-body' }, scroller, message, progress.el),
  );
  const el = h('div', { class: 'search-page duplicates-page' }, selection.controls.el, results);

  function writeHash() {
    replaceHash(duplicatesHash(selection.get(), threshold));
  }

  function setState(state: string) {
    results.dataset.state = state;
    results.setAttribute('aria-busy', state === 'loading' || state === 'building' ? 'true' : 'false');
  }

  function setThreshold(value: number | undefined, delay: number) {
    threshold = value;
    writeHash();
    clearTimeout(timer);
    timer = setTimeout(() => void load(), delay);
  }

  slider.addEventListener('input', () => {
    const v = Number(slider.value);
    number.value = formatThreshold(v);
    number.removeAttribute('aria-invalid');
    setThreshold(v, DEBOUNCE_MS);
  });
  const typed = (delay: number) => {
    const parsed = parseThreshold(number.value);
    if (!parsed.ok) {
      number.setAttribute('aria-invalid', 'true');
      help.textContent = parsed.message;
      help.classList.add('is-error');
      return;
    }
    const tooHigh = thresholdTooHigh(parsed.value, result?.maxThreshold, result?.metric);
    if (tooHigh) {
      number.setAttribute('aria-invalid', 'true');
      help.textContent = `'${number.value.trim()}' is too high; enter ${tooHigh}`;
      help.classList.add('is-error');
      return;
    }
    number.removeAttribute('aria-invalid');
    help.classList.remove('is-error');
    if (parsed.value === threshold) return;
    syncSlider(parsed.value);
    setThreshold(parsed.value, delay);
  };
  number.addEventListener('input', () => typed(DEBOUNCE_MS * 2));
  number.addEventListener('change', () => typed(0));
  number.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') typed(0);
  });
  resetButton.addEventListener('click', () => setThreshold(undefined, 0));
  jsonButton.addEventListener('click', () => {
    if (!result) return;
    saveBlob(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }), exportFileName(selection.get(), result.threshold, 'json'));
  });
  more.addEventListener('click', () => {
    shownGroups += GROUPS_PER_PAGE;
    renderGroups();
  });

  function syncSlider(value: number) {
    const range = sliderRange(result?.typicalDistance, value, result?.maxThreshold);
    slider.max = String(range.max);
    slider.step = String(range.step);
    slider.value = String(Math.min(value, range.max));
  }

  function fail(text: string) {
    progress.hide();
    result = undefined;
    groupsList.replaceChildren();
    more.hidden = true;
    counts.textContent = '\u00a0';
    setExports(undefined);
    const retry = h('button', { type: 'button', class: 'button button-secondary' }, 'Try again');
    retry.addEventListener('click', () => {
      banner.hide();
      void load();
    });
    // A chosen threshold may be what the service refused (above the collection's median distance, say).
    const byDefault = threshold === undefined ? null : h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'use-default-threshold' }, 'Use the default threshold');
    byDefault?.addEventListener('click', () => {
      banner.hide();
      setThreshold(undefined, 0);
    });
    message.replaceChildren(
      h('div', { class: 'results-empty' }, h('p', { class: 'results-empty-title' }, 'No scan'), h('p', { class: 'results-empty-text' }, text), h('div', { class: 'dup-retry' }, retry, byDefault)),
    );
    if (threshold !== undefined) {
      // The refused threshold stays in view, to be corrected or set back to the default.
      if (document.activeElement !== number) number.value = formatThreshold(threshold);
      number.disabled = false;
      resetButton.disabled = false;
    }
    message.hidden = false;
    setState('error');
  }

  function setExports(d: Duplicates | undefined) {
    jsonButton.disabled = !d;
    if (d) {
      const c = selection.get();
      csvLink.setAttribute('href', csvUrl(c, threshold));
      csvLink.setAttribute('download', exportFileName(c, d.threshold, 'csv'));
      csvLink.removeAttribute('aria-disabled');
      csvLink.removeAttribute('role');
      csvLink.classList.remove('is-disabled');
    } else {
      csvLink.removeAttribute('href');
      csvLink.removeAttribute('download');
      csvLink.setAttribute('aria-disabled', 'true');
      csvLink.setAttribute('role', 'link');
      csvLink.classList.add('is-disabled');
    }
  }

  async function load() {
    clearTimeout(timer);
    const c = selection.get();
    if (!selection.isComplete(c)) return;
    const ticket = latest.begin();
    const wanted = threshold;
    message.hidden = true;
    groupsList.classList.add('is-stale');
    setState('loading');
    Object.assign(results.dataset, { dataset: c.dataset, model: c.model, layer: c.layer, metric: c.metric });
    try {
      const d = await resolveJobs<Duplicates>(
        (signal) => searchApi.GET('/api/search/duplicates', { params: { query: duplicatesQuery(c, wanted) }, signal }),
        {
          signal: ticket.signal,
          onJob: (job) => {
            if (!ticket.isCurrent()) return;
            setState('building');
            progress.show(job, job.kind === 'duplicates' ? `Scanning ${c.dataset} for near-duplicates` : `Building the collection for ${c.model} · ${c.layer} on ${c.dataset}`);
          },
        },
      );
      if (!ticket.isCurrent()) return;
      progress.hide();
      groupsList.classList.remove('is-stale');
      show(d);
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      groupsList.classList.remove('is-stale');
      const text = errorMessage(e);
      fail(text);
      banner.show(text);
    }
  }

  function show(d: Duplicates) {
    const changedScan = !result || result.scanned !== d.scanned || result.typicalDistance !== d.typicalDistance;
    result = d;
    if (changedScan) shownGroups = GROUPS_PER_PAGE;
    const t = d.threshold ?? d.defaultThreshold ?? 0;
    slider.disabled = false;
    number.disabled = false;
    resetButton.disabled = threshold === undefined;
    if (document.activeElement !== number) number.value = formatThreshold(t);
    if (document.activeElement !== slider) syncSlider(t);
    else {
      const range = sliderRange(d.typicalDistance, t, d.maxThreshold);
      if (Number(slider.max) < t) slider.max = String(range.max);
    }
    slider.setAttribute('aria-valuetext', formatThreshold(t));
    help.classList.remove('is-error');
    // an imported collection's vectors have no images
    const noun = selection.importedOf(selection.get()) ? 'item' : 'image';
    help.replaceChildren(
      `${d.metric ?? ''} distance · default `,
      h('strong', {}, d.defaultThreshold === undefined ? '–' : formatThreshold(d.defaultThreshold)),
      ` · typical distance of two ${noun}s `,
      h('strong', { 'data-testid': 'typical-distance' }, d.typicalDistance === undefined ? '–' : formatDistance(d.typicalDistance)),
      d.maxThreshold === undefined ? '' : d.maxThreshold === d.typicalDistance ? ', the most a threshold may be' : ` · at most ${formatThreshold(d.maxThreshold)}`,
    );
    counts.textContent = summaryText(d, noun);
    const listedNote = d.truncated ? `Only the closest ${formatInt(d.pairs?.length ?? 0)} pairs are listed with their distances; every pair below the threshold joins its group.` : '';
    const capNote = atLeast(d) ? `${formatInt(d.imagesAtCap ?? 0)} ${noun}s have more than ${formatInt(d.neighbourCap ?? 0)} neighbours below the threshold, the most the scan of a large collection asks for: their further pairs are not counted (they still join their groups), so the total is a lower bound.` : '';
    counts.title = [listedNote, capNote].filter(Boolean).join(' ');
    results.dataset.truncated = String(Boolean(d.truncated));
    setExports(d);
    renderGroups();
    setState('ready');
  }

  function renderGroups() {
    const d = result;
    if (!d) return;
    const c = selection.get();
    const groups = d.groups ?? [];
    const distance = pairDistances(d.pairs);
    const labelOf = groupLabels(d.labels);
    const images = !selection.importedOf(c);
    groupsList.replaceChildren(...groups.slice(0, shownGroups).map((ids, i) => groupItem(c, ids, i + 1, distance, labelOf, images)));
    more.hidden = groups.length <= shownGroups;
    more.textContent = `Show ${formatInt(Math.min(GROUPS_PER_PAGE, groups.length - shownGroups))} more of ${formatInt(groups.length - shownGroups)} groups`;
    if (groups.length === 0) {
      message.replaceChildren(
        h(
          'div',
          { class: 'results-empty' },
          h('p', { class: 'results-empty-title' }, 'No near-duplicates at this threshold'),
          h('p', { class: 'results-empty-text' }, `No two of the ${formatInt(d.scanned ?? 0)} ${images ? 'images' : 'items'} are closer than ${formatThreshold(d.threshold ?? 0)} under ${d.metric}. Raise the threshold to see the closest pairs.`),
        ),
      );
      message.hidden = false;
    } else message.hidden = true;
  }

  function groupItem(
    c: CollectionChoice,
    ids: readonly string[],
    n: number,
    distance: (a: string, b: string) => number | undefined,
    labelOf: (id: string) => string | undefined,
    images: boolean,
  ): HTMLElement {
    const first = ids[0] ?? '';
    const row = h('ol', { class: 'dup-row', 'aria-label': `Group ${n}` });
    const add = (list: readonly string[], from: number) =>
      row.append(...list.map((id, i) => dupCard(c, id, labelOf(id), from + i === 0 ? undefined : distance(first, id), from + i === 0, images)));
    add(ids.slice(0, IMAGES_PER_GROUP), 0);
    if (ids.length > IMAGES_PER_GROUP) {
      const rest = h('button', { type: 'button', class: 'dup-rest' }, `+${formatInt(ids.length - IMAGES_PER_GROUP)} more`);
      rest.addEventListener('click', () => {
        rest.parentElement?.remove();
        add(ids.slice(IMAGES_PER_GROUP), IMAGES_PER_GROUP);
      });
      row.append(h('li', { class: 'dup-rest-item' }, rest));
    }
    return h(
      'li',
      { class: 'dup-group', 'data-testid': 'dup-group', 'data-ids': ids.join('\n') },
      h('div', { class: 'dup-group-head' }, h('h3', { class: 'dup-group-title' }, `Group ${n}`), meta(`${formatInt(ids.length)} ${images ? 'images' : 'items'} · ${groupClasses(ids, labelOf)}`)),
      h('div', { class: 'dup-row-scroll scroll' }, row),
    );
  }

  function dupCard(c: CollectionChoice, id: string, labelOfCard: string | undefined, d: number | undefined, first: boolean, images: boolean): HTMLElement {
    const label = labelOfCard ?? 'unlabeled';
    const href = searchHash({ dataset: c.dataset, model: c.model, layer: c.layer, metric: c.metric, pooling: c.pooling, q: id });
    return h(
      'li',
      { class: 'dup-item', 'data-id': id },
      h(
        'a',
        { class: images ? 'result-card dup-card' : 'result-card dup-card no-image', href, title: `${id}\nOpen in Semantic Search` },
        // no thumbnail for an imported collection's item: the feature-service has no image of it
        images ? h('span', { class: 'result-thumb' }, h('img', { src: thumbnailUrl(c.dataset, id, DUP_THUMB_SIZE), alt: `${label} — ${id}`, loading: 'lazy', decoding: 'async', width: 160, height: 160 })) : null,
        h(
          'span',
          { class: 'result-meta' },
          h('span', { class: 'result-label' }, label),
          h('span', { class: 'dup-id' }, label !== 'unlabeled' && id.startsWith(`${label}/`) ? id.slice(label.length + 1) : id),
          h(
            'span',
            { class: 'dup-distance', title: !first && d === undefined && result?.truncated ? `Only the closest ${formatInt(result.pairs?.length ?? 0)} pairs are listed: this image joins the group through another image, or through a pair not listed` : undefined },
            first ? 'first of the group' : d !== undefined ? `distance ${formatDistance(d)}` : result?.truncated ? 'distance not listed' : 'linked through another image',
          ),
        ),
      ),
    );
  }

  void selection.apply({ pooling: 'avg', ...link.collection }, true);

  return {
    el,
    applyLink(next) {
      const parsed = parseDuplicatesHash(next);
      keepThreshold = true;
      threshold = parsed.threshold;
      void selection.apply({ pooling: 'avg', ...parsed.collection }, true).then(() => {
        keepThreshold = false;
        void load();
      });
    },
    currentHash: () => duplicatesHash(selection.get(), threshold),
    dispose() {
      clearTimeout(timer);
      latest.cancel();
      selection.dispose();
    },
  };
}

/** A group's count and classes: one line, cut at the edge when long, the whole of it as its title. */
function meta(text: string): HTMLElement {
  return h('span', { class: 'card-meta', title: text }, text);
}
