// What the layer's channels draw: a grid of pictures, one per channel (the strongest for the current image,
// or the first N), drawn one after the other by the feature-service's overview job and filled in cell by
// cell as it runs. Every cell's box is there from the start; selecting one chooses its channel.
import './overview.css';
import { visualisationImageUrl, type VisualisationCell, type VisualisationOverviewJob } from '../../api/features';
import { errorMessage, isAbort } from '../../api/problem';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { radioGroup, rovingFocus } from '../../lib/roving';
import { isFinished } from '../search/jobs';
import {
  DEFAULT_OVERVIEW_COUNT,
  OVERVIEW_COUNTS,
  cellsByChannel,
  overviewChannels,
  overviewText,
  pictureAlt,
  plannedChannels,
  stepFraction,
  type DrawSettings,
  type OverviewMode,
} from './drawing';
import { createStepBar } from './step-bar';
import { cancelOverview, drawOverview } from './visualisations';

export interface OverviewCard {
  readonly el: HTMLElement;
  /** The layer's channels, strongest first, for the image now shown (from its activation maps). */
  setRanking(channels: readonly number[], image: string): void;
  /** Marks the chosen channel's cell. */
  choose(channel: number | undefined): void;
  setSettings(settings: DrawSettings): void;
  /** The layer has no activation maps to rank channels by: only the first N can be drawn. */
  firstOnly(reason: string): void;
  /** Nothing can be drawn at this layer: says why. */
  unavailable(message: string): void;
  dispose(): void;
}

export interface OverviewOptions {
  model: string;
  layer: string;
  channels: number | undefined;
  inputSize: readonly number[] | undefined;
  settings: DrawSettings;
  onChoose(channel: number): void;
  onError(message: string): void;
}

const MODE_TEXT: Record<OverviewMode, string> = { strongest: 'Strongest for the image', first: 'First channels' };

export function createOverview(o: OverviewOptions): OverviewCard {
  const [ih, iw] = o.inputSize && o.inputSize.length === 2 ? o.inputSize : [1, 1];
  let mode: OverviewMode = 'strongest';
  let ranking: readonly number[] = [];
  let rankedFor = '';
  let settings = { ...o.settings };
  let chosen: number | undefined;
  let disabled = false;
  let watched: VisualisationOverviewJob | undefined;
  /** The cells on the grid, by channel. */
  const cells = new Map<number, { li: HTMLElement; button: HTMLButtonElement; img: HTMLImageElement; state: string; image?: string }>();

  const modeButtons = (['strongest', 'first'] as const).map((m) => {
    const b = h('button', { type: 'button', role: 'radio', class: 'segment', 'aria-checked': String(m === mode), 'data-method': m }, MODE_TEXT[m]);
    b.addEventListener('click', () => setMode(m));
    return b;
  });
  const modeGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'overview-mode-label', 'data-testid': 'overview-mode' }, ...modeButtons);
  const modeRadios = radioGroup(modeGroup);
  modeRadios.sync();
  const counts = (OVERVIEW_COUNTS as readonly number[]).filter((n, i) => o.channels === undefined || n <= o.channels || i === 0);
  const count = h('select', { id: 'overview-count', 'data-testid': 'overview-count' }, ...counts.map((n) => h('option', { value: n }, String(o.channels !== undefined ? Math.min(n, o.channels) : n))));
  count.value = String(counts.includes(DEFAULT_OVERVIEW_COUNT) ? DEFAULT_OVERVIEW_COUNT : counts[counts.length - 1]);
  const action = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'overview-action', 'data-action': 'draw' }, 'Draw the grid');
  const meta = h('p', { class: 'card-meta overview-meta', 'data-testid': 'overview-meta' }, '\u00a0');
  const bar = createStepBar('Grid progress', 'overview-status');
  const grid = h('ol', { class: 'overview-grid', 'aria-label': 'What each channel draws', 'data-testid': 'overview-grid' });
  const message = h('p', { class: 'overview-message', 'data-testid': 'overview-message' }, 'Draw the grid to see, channel by channel, what this layer responds to. Pictures drawn before fill in at once.');
  const el = h(
    'section',
    { class: 'card card-stack overview-card', 'aria-labelledby': 'overview-heading', 'data-testid': 'channel-overview', 'data-state': 'empty' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { class: 'card-title', id: 'overview-heading' }, "What the layer's channels draw"),
      h('p', { class: 'card-note' }, 'One picture per channel, drawn one after the other in the background; select one to choose its channel.'),
    ),
    h(
      'div',
      { class: 'card-controls overview-controls' },
      h('div', { class: 'field' }, h('span', { class: 'field-label', id: 'overview-mode-label' }, 'Channels'), modeGroup),
      h('div', { class: 'field' }, h('label', { for: 'overview-count', class: 'field-label' }, 'How many'), count),
      action,
      meta,
    ),
    bar.el,
    grid,
    message,
  );
  const roving = rovingFocus(grid, 'button.ov-cell');
  const latest = new Latest();

  function setMode(m: OverviewMode) {
    mode = m;
    for (const b of modeButtons) b.setAttribute('aria-checked', String(b.dataset.method === m));
    modeRadios.sync();
    describe();
  }

  /** What the button will draw. */
  function describe() {
    const n = Number(count.value);
    const request = overviewChannels(mode, n, ranking, o.channels);
    const planned = plannedChannels(request).length;
    if (el.dataset.state !== 'drawing') {
      action.textContent = planned ? `Draw ${formatInt(planned)} channels` : 'Draw the grid';
      action.disabled = disabled || planned === 0;
    }
    // Nothing to draw here: no plan to describe (the message in the grid says why).
    if (disabled) {
      meta.textContent = '\u00a0';
      return;
    }
    meta.textContent =
      mode === 'strongest'
        ? ranking.length
          ? `the ${formatInt(planned)} strongest for ${rankedFor} · ${drawnWith()}`
          : 'choose an image: its activation maps rank the channels'
        : `channels 0 to ${formatInt(Math.max(0, planned - 1))} · ${drawnWith()}`;
  }

  function drawnWith(): string {
    return `${formatInt(settings.steps)} steps each${settings.seed ? `, seed ${settings.seed}` : ''}`;
  }

  function setState(state: string) {
    el.dataset.state = state;
    el.setAttribute('aria-busy', state === 'drawing' ? 'true' : 'false');
    const drawing = state === 'drawing';
    action.dataset.action = drawing ? 'cancel' : 'draw';
    action.classList.toggle('button-primary', !drawing);
    action.classList.toggle('button-secondary', drawing);
    if (drawing) {
      action.textContent = 'Cancel';
      action.disabled = false;
    } else describe();
  }

  function cellLabel(ch: number, state: string, activation?: number | null): string {
    const what = state === 'done' ? `drawn${typeof activation === 'number' ? `, mean activation ${activation.toFixed(2)}` : ''}` : state === 'drawing' ? 'being drawn' : state === 'failed' ? 'its picture could not be loaded' : state === 'missing' ? 'not drawn' : 'waiting to be drawn';
    return `Channel ${ch}: ${what}`;
  }

  /** Empty cells for the channels, in order (their boxes reserved before any picture arrives). */
  function layout(channels: readonly number[]) {
    cells.clear();
    grid.replaceChildren(
      ...channels.map((ch) => {
        const img = h('img', { class: 'ov-img', alt: '', width: iw, height: ih, decoding: 'async', hidden: true });
        const button = h(
          'button',
          { type: 'button', class: 'ov-cell', tabindex: -1, 'data-channel': ch, 'aria-pressed': String(ch === chosen), 'aria-label': cellLabel(ch, 'pending'), title: `channel ${ch}` },
          h('span', { class: 'ov-frame', style: `aspect-ratio:${iw} / ${ih}` }, img),
          h('span', { class: 'ov-label' }, h('span', { class: 'ov-ch' }, `#${ch}`), h('span', { class: 'ov-value' }, '')),
        );
        button.addEventListener('click', () => {
          choose(ch);
          o.onChoose(ch);
        });
        const li = h('li', { class: 'ov-item', 'data-testid': 'overview-cell', 'data-channel': ch, 'data-state': 'pending' }, button);
        cells.set(ch, { li, button, img, state: 'pending' });
        return li;
      }),
    );
    roving.reset(grid.querySelector<HTMLElement>('button.ov-cell[aria-pressed="true"]') ?? undefined);
  }

  function update(c: VisualisationCell) {
    const ch = c.channel;
    if (typeof ch !== 'number') return;
    const cell = cells.get(ch);
    if (!cell) return;
    const url = c.state === 'done' ? visualisationImageUrl(c.image ?? undefined) : undefined;
    if (c.state === 'done' && url && cell.image !== url) {
      cell.image = url;
      cell.img.onload = () => {
        cell.img.hidden = false;
        cell.li.dataset.loaded = 'true';
      };
      cell.img.onerror = () => {
        cell.li.dataset.state = 'failed';
        cell.button.setAttribute('aria-label', cellLabel(ch, 'failed'));
      };
      cell.img.alt = pictureAlt(o.model, o.layer, ch);
      cell.img.src = url;
      const value = cell.button.querySelector('.ov-value');
      if (value) value.textContent = typeof c.activation === 'number' ? c.activation.toFixed(2) : '';
    }
    const state = c.state ?? 'pending';
    if (cell.state !== state && cell.li.dataset.state !== 'failed') {
      cell.state = state;
      cell.li.dataset.state = state;
      cell.button.setAttribute('aria-label', cellLabel(ch, state, c.activation));
    }
  }

  function progress(job: VisualisationOverviewJob) {
    const text = overviewText(job);
    if (isFinished(job)) bar.idle(text);
    else bar.show(stepFraction(job), text);
    el.dataset.drawn = String(job.result?.done ?? 0);
    el.dataset.total = String(job.result?.total ?? 0);
  }

  function abandon() {
    latest.cancel();
    const job = watched;
    watched = undefined;
    if (job && !isFinished(job)) void cancelOverview(job).catch(() => undefined);
  }

  async function draw() {
    abandon();
    const n = Number(count.value);
    if (mode === 'strongest' && ranking.length === 0) {
      message.textContent = 'The strongest channels come from the activation maps of an image: choose one, or draw the first channels.';
      message.hidden = false;
      return;
    }
    const request = overviewChannels(mode, n, ranking, o.channels);
    const ticket = latest.begin();
    layout(plannedChannels(request));
    message.hidden = true;
    el.dataset.mode = mode;
    setState('drawing');
    progress({ state: 'queued', result: { done: 0, total: cells.size } });
    const onProgress = (job: VisualisationOverviewJob) => {
      if (!ticket.isCurrent()) return;
      watched = job;
      const answered = (job.result?.channels ?? []).map((c) => c.channel ?? -1);
      // The service lists the channels it draws, in its order: the grid follows it.
      if (answered.length && answered.join() !== [...cells.keys()].join()) layout(answered);
      for (const c of job.result?.channels ?? []) update(c);
      progress(job);
    };
    try {
      const job = await drawOverview({ model: o.model, layer: o.layer, ...settings, ...request }, ticket.signal, onProgress);
      if (!ticket.isCurrent()) return;
      watched = job;
      onProgress(job);
      if (job.state !== 'succeeded') {
        const left = cellsByChannel(job.result?.channels);
        for (const [ch, cell] of cells) {
          if (left.get(ch)?.state !== 'done' && cell.li.dataset.state !== 'failed') {
            cell.li.dataset.state = 'missing';
            cell.button.setAttribute('aria-label', cellLabel(ch, 'missing'));
          }
        }
      }
      if (job.state === 'failed') o.onError(overviewText(job));
      setState(job.state === 'succeeded' ? 'ready' : job.state === 'cancelled' ? 'cancelled' : 'error');
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const text = errorMessage(e);
      grid.replaceChildren();
      cells.clear();
      message.textContent = `No grid: ${text}`;
      message.hidden = false;
      bar.idle('');
      setState('error');
      o.onError(text);
    }
  }

  function choose(channel: number | undefined) {
    chosen = channel;
    for (const [ch, cell] of cells) cell.button.setAttribute('aria-pressed', String(ch === channel));
  }

  action.addEventListener('click', () => {
    if (action.dataset.action !== 'cancel') {
      void draw();
      return;
    }
    const job = watched;
    // A job that has just ended (its picture on its way) has nothing to stop: no 'Cancelling…' over it.
    if (!job || isFinished(job)) return;
    action.disabled = true;
    bar.say('Cancelling… (the pictures drawn so far stay)');
    void cancelOverview(job).catch((e: unknown) => o.onError(errorMessage(e)));
  });
  count.addEventListener('change', describe);
  describe();

  return {
    el,
    setRanking(channels, image) {
      ranking = [...channels];
      rankedFor = image;
      describe();
    },
    choose,
    setSettings(next) {
      settings = { ...next };
      describe();
    },
    firstOnly(reason) {
      modeButtons[0]!.disabled = true;
      modeButtons[0]!.title = reason;
      setMode('first');
    },
    unavailable(text) {
      abandon();
      disabled = true;
      for (const b of modeButtons) b.disabled = true;
      count.disabled = true;
      action.disabled = true;
      grid.replaceChildren();
      message.textContent = text;
      message.hidden = false;
      setState('unavailable');
      describe();
    },
    dispose: () => abandon(),
  };
}
