// Activation maps: the layer's strongest channels for the chosen image, as the feature-service's PNG
// grid with each cell labelled by its channel and mean (from the JSON answer, same order). Clicking a
// cell chooses that channel.
import './activations.css';
import { featuresApi, type Activations, type ImageInput } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { formData } from '../../api/search';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { rovingFocus } from '../../lib/roving';
import { gridCells, gridSize } from './boxes';

/** Maps in the grid. */
export const TOP = 16;

export interface ActivationsCard {
  readonly el: HTMLElement;
  /** Computes the maps of the image; a newer call cancels an older one. */
  run(input: ImageInput): void;
  /** Marks the chosen channel's cell (if it is among the shown ones). */
  choose(channel: number | undefined): void;
  /** Nothing to compute: says why. */
  unavailable(message: string): void;
  dispose(): void;
}

export function createActivations(
  model: string,
  layer: string,
  onError: (message: string) => void,
  onChoose: (channel: number) => void,
  /** The shown channels, and every channel of the layer, strongest first (the JSON's order). */
  onShown?: (channels: number[], ranked: number[]) => void,
): ActivationsCard {
  const meta = h('p', { class: 'card-meta act-meta', 'aria-live': 'polite' }, '\u00a0');
  const img = h('img', { class: 'act-img', alt: '', decoding: 'async' });
  const cells = h('div', { class: 'act-cells', role: 'group', 'aria-label': 'Channels, strongest first' });
  const figure = h('div', { class: 'act-figure', 'data-testid': 'activation-grid' }, img, cells);
  const message = h('p', { class: 'panel-message', hidden: true });
  const body = h('div', { class: 'act-body is-loading' }, figure, message);
  const el = h(
    'section',
    { class: 'card act-card', 'aria-labelledby': 'act-heading', 'data-testid': 'activations', 'data-state': 'empty' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'act-heading' }, 'Activation maps'), meta),
    body,
    h('p', { class: 'card-foot-note' }, 'Each map is scaled to its own range (viridis: dark = low, yellow = high). Select a map to look for the images that excite its channel most.'),
  );
  const latest = new Latest();
  const roving = rovingFocus(cells, 'button.act-cell');
  let objectUrl: string | undefined;
  let chosen: number | undefined;
  let shownChannels: number[] = [];
  let rankedChannels: number[] = [];

  cells.addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button.act-cell');
    if (!button) return;
    const channel = Number(button.dataset.channel);
    choose(channel);
    onChoose(channel);
  });

  function choose(channel: number | undefined) {
    chosen = channel;
    for (const b of cells.querySelectorAll<HTMLButtonElement>('button.act-cell')) b.setAttribute('aria-pressed', Number(b.dataset.channel) === channel ? 'true' : 'false');
  }

  function setState(state: string) {
    el.dataset.state = state;
    el.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  function render(a: Activations, blob: Blob) {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(blob);
    const shown = Math.min(a.shown ?? 0, a.channels?.length ?? 0);
    const grid = { shown, columns: a.columns, cell: a.cell };
    const [w, hgt] = gridSize(grid);
    img.width = w;
    img.height = hgt;
    img.src = objectUrl;
    img.alt = `Activation maps of the ${shown} strongest channels of ${layer}`;
    // A little larger than the PNG where there is room: the maps are small pictures of coarse grids.
    figure.style.maxWidth = `${Math.round(w * 1.25)}px`;
    const channels = (a.channels ?? []).slice(0, shown);
    shownChannels = channels.map((c) => c.channel ?? -1);
    rankedChannels = (a.channels ?? []).flatMap((c) => (typeof c.channel === 'number' ? [c.channel] : []));
    const rects = gridCells(grid);
    cells.replaceChildren(
      ...channels.map((c, i) => {
        const r = rects[i]!;
        const mean = (c.mean ?? 0).toFixed(2);
        return h(
          'button',
          {
            type: 'button',
            class: 'act-cell',
            'data-channel': c.channel,
            'data-testid': 'activation-cell',
            tabindex: -1,
            'aria-pressed': c.channel === chosen ? 'true' : 'false',
            'aria-label': `Channel ${c.channel}, mean ${mean}, max ${(c.max ?? 0).toFixed(2)}`,
            title: `channel ${c.channel} · mean ${mean} · max ${(c.max ?? 0).toFixed(2)}`,
            style: `left:${r.left}%;top:${r.top}%;width:${r.width}%;height:${r.height}%`,
          },
          h('span', { class: 'act-label', 'data-testid': 'activation-label' }, h('span', { class: 'act-ch' }, `#${c.channel}`), h('span', { class: 'act-mean' }, mean)),
        );
      }),
    );
    roving.reset(cells.querySelector<HTMLElement>('button.act-cell[aria-pressed="true"]') ?? undefined);
    const [, channelsTotal, mh, mw] = a.shape ?? [];
    meta.textContent = `${shown} strongest of ${formatInt(channelsTotal ?? shown)} channels${mh && mw ? ` · ${mh}×${mw} maps` : ''}`;
  }

  async function run(input: ImageInput) {
    const ticket = latest.begin();
    body.classList.add('is-stale');
    message.hidden = true;
    setState('loading');
    try {
      const ask = (format: 'json' | 'png') =>
        featuresApi.POST('/api/features/activations', {
          body: { ...input, model, layer, top: String(TOP), format },
          bodySerializer: formData,
          parseAs: format === 'png' ? 'blob' : 'json',
          signal: ticket.signal,
        });
      const [json, png] = await Promise.all([ask('json'), ask('png')]);
      const a = unwrap(json) as Activations;
      const blob = unwrap(png) as unknown as Blob;
      if (!ticket.isCurrent()) return;
      await new Promise<void>((resolve) => {
        img.onload = img.onerror = () => resolve();
        render(a, blob);
      });
      if (!ticket.isCurrent()) return;
      body.classList.remove('is-stale', 'is-loading');
      setState('ready');
      el.dataset.channels = shownChannels.join(',');
      onShown?.(shownChannels, rankedChannels);
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const text = errorMessage(e);
      body.classList.remove('is-stale', 'is-loading');
      figure.hidden = true;
      message.textContent = `No activation maps: ${text}`;
      message.hidden = false;
      setState('error');
      onError(text);
      return;
    }
    figure.hidden = false;
  }

  return {
    el,
    run: (input) => void run(input),
    choose,
    unavailable(text) {
      latest.cancel();
      body.classList.remove('is-stale', 'is-loading');
      figure.hidden = true;
      meta.textContent = '\u00a0';
      message.textContent = text;
      message.hidden = false;
      setState('unavailable');
    },
    dispose() {
      latest.cancel();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    },
  };
}
