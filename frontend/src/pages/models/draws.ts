// What this channel draws: the feature-service optimises an image to excite the chosen channel (a job);
// the picture fills in as it is drawn (a preview every 16 steps) with the steps done, and can be cancelled.
// Its box is reserved at the model's input shape, so nothing moves as pictures arrive; an error or a
// layer it cannot draw is a message in that box.
import './draws.css';
import { visualisationImageUrl, type VisualisationJob } from '../../api/features';
import { errorMessage, isAbort } from '../../api/problem';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { Latest, type Ticket } from '../../lib/latest';
import { isFinished } from '../search/jobs';
import { DEFAULT_STEPS, MAX_SEED, STEP_CHOICES, drawingText, parseSeed, pictureAlt, previewDue, previewStep, stepFraction, type DrawSettings } from './drawing';
import { createChannelField } from './channel-field';
import { createStepBar } from './step-bar';
import { cancelDrawing, drawChannel, preload, previewOf } from './visualisations';

export interface DrawsCard {
  readonly el: HTMLElement;
  /** A channel chosen elsewhere (a map, the grid, the examples' field, the link): draws it. */
  setChannel(channel: number): void;
  /** Fills an empty channel field with a suggestion (the strongest channel), without drawing. */
  suggest(channel: number): void;
  get(): { channel: number | undefined } & DrawSettings;
  /** Nothing can be drawn at this layer: says why. */
  unavailable(message: string): void;
  dispose(): void;
}

export interface DrawsOptions {
  model: string;
  layer: string;
  /** Channels (units) of the layer: the field's range; undefined when unknown. */
  channels: number | undefined;
  /** The model's input [height, width]: the pictures' shape. */
  inputSize: readonly number[] | undefined;
  settings: DrawSettings;
  onError(message: string): void;
  /** A channel was typed here (to choose it on the other cards and in the URL). */
  onChange(channel: number): void;
  /** The steps or the seed changed (for the URL and the overview). */
  onSettings(settings: DrawSettings): void;
}

/** Drawings the service cancelled without being asked (another watcher of the same job left) are started again, this often. */
const RESTARTS = 2;

export function createDraws(o: DrawsOptions): DrawsCard {
  const [ih, iw] = o.inputSize && o.inputSize.length === 2 ? o.inputSize : [1, 1];
  const field = createChannelField('draws-channel', o.channels);
  const channel = field.input;
  const steps = h('select', { id: 'draws-steps', 'data-testid': 'draws-steps' }, ...STEP_CHOICES.map((n) => h('option', { value: n }, `${n}${n === DEFAULT_STEPS ? ' (default)' : ''}`)));
  steps.value = String(o.settings.steps);
  const seed = h('input', {
    type: 'number', id: 'draws-seed', class: 'number-input seed-input', min: 0, max: MAX_SEED, step: 1, inputmode: 'numeric', value: o.settings.seed,
    'data-testid': 'draws-seed', title: 'The random start image and random views: another seed draws another picture of the same channel',
  });
  const action = h('button', { type: 'button', class: 'button button-primary draws-action', 'data-testid': 'draws-action' }, 'Draw');
  const img = h('img', { class: 'draws-img', alt: '', decoding: 'async', width: iw, height: ih, hidden: true, 'data-testid': 'draws-image' });
  const message = h('p', { class: 'draws-message', 'data-testid': 'draws-message' }, 'Choose a channel: select an activation map, a picture of the grid below, or type its number.');
  const stage = h('div', { class: 'draws-stage', style: `aspect-ratio:${iw} / ${ih}` }, img, message);
  const bar = createStepBar('Drawing progress', 'draws-status');
  const el = h(
    'section',
    { class: 'card card-stack draws-card', 'aria-labelledby': 'draws-heading', 'data-testid': 'channel-drawing', 'data-state': 'empty' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { class: 'card-title', id: 'draws-heading' }, 'What this channel draws'),
      h('p', { class: 'card-note' }, 'An image made to excite the channel: gradient ascent from a fixed seed, filling in as it is drawn.'),
    ),
    h(
      'div',
      { class: 'card-controls draws-controls' },
      field.el,
      h('div', { class: 'field field-steps' }, h('label', { for: 'draws-steps', class: 'field-label' }, 'Steps'), steps),
      h('div', { class: 'field field-seed' }, h('label', { for: 'draws-seed', class: 'field-label' }, 'Seed'), seed),
      action,
    ),
    stage,
    bar.el,
  );

  const latest = new Latest();
  /** The job being watched (to cancel it), and whether this page asked it to stop. */
  let watched: VisualisationJob | undefined;
  let stopping = false;
  /** The channel and settings of the picture shown or being drawn. */
  let shown: ({ channel: number } & DrawSettings) | undefined;
  /** The settings last accepted (a seed being typed that is not one yet is not used). */
  let settings: DrawSettings = { ...o.settings };
  let objectUrl: string | undefined;
  let disabled = false;

  const read = field.read;

  function setState(state: string) {
    el.dataset.state = state;
    el.setAttribute('aria-busy', state === 'drawing' ? 'true' : 'false');
    const drawing = state === 'drawing';
    action.textContent = drawing ? 'Cancel' : 'Draw';
    action.classList.toggle('button-primary', !drawing);
    action.classList.toggle('button-secondary', drawing);
    action.dataset.action = drawing ? 'cancel' : 'draw';
    action.disabled = disabled;
  }

  function say(text: string, kind: 'note' | 'error' = 'note') {
    message.textContent = text;
    message.classList.toggle('is-error', kind === 'error');
    message.hidden = false;
  }

  function progress(job: VisualisationJob) {
    const text = drawingText(job);
    if (isFinished(job)) bar.idle(text);
    else bar.show(stepFraction(job), text);
    el.dataset.done = String(job.done ?? 0);
    el.dataset.total = String(job.total ?? 0);
  }

  /** Shows a picture (a preview blob or the final URL) once it has decoded, then lets the old one go. */
  async function showPicture(src: string, alt: string, ticket: Ticket, blob: boolean): Promise<boolean> {
    try {
      await preload(src);
    } catch (e) {
      if (blob) URL.revokeObjectURL(src);
      throw e;
    }
    if (!ticket.isCurrent()) {
      if (blob) URL.revokeObjectURL(src);
      return false;
    }
    img.src = src;
    img.alt = alt;
    img.hidden = false;
    message.hidden = true;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = blob ? src : undefined;
    return true;
  }

  function clearPicture() {
    img.hidden = true;
    img.removeAttribute('src');
    img.alt = '';
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = undefined;
  }

  /** Stops watching the current job and asks the service to stop it (nobody else is looking at it here). */
  function abandon() {
    latest.cancel();
    const job = watched;
    watched = undefined;
    if (job && !isFinished(job)) void cancelDrawing(job).catch(() => undefined);
  }

  const same = (ch: number) => shown?.channel === ch && shown.steps === settings.steps && shown.seed === settings.seed;

  async function draw(ch: number) {
    abandon();
    const ticket = latest.begin();
    const { steps: n, seed: sd } = settings;
    shown = { channel: ch, steps: n, seed: sd };
    stopping = false;
    el.dataset.channel = String(ch);
    el.dataset.steps = String(n);
    el.dataset.seed = String(sd);
    delete el.dataset.image;
    clearPicture();
    stage.classList.add('is-waiting');
    stage.classList.remove('is-stopped');
    say(`Drawing channel ${ch}…`);
    setState('drawing');
    progress({ state: 'queued', done: 0, total: n });
    let previewAt: number | undefined;
    /** The preview being fetched, if any (one at a time; the job's end waits for it). */
    let fetching: Promise<void> | undefined;
    const alt = (done?: number, total?: number) => pictureAlt(o.model, o.layer, ch, done !== undefined && total ? { done, total } : undefined);
    const fetchPreview = (job: VisualisationJob) => {
      const done = job.done ?? 0;
      const total = job.total ?? n;
      if (!job.preview || !job.id || fetching || !previewDue(previewAt, done, total)) return;
      fetching = previewOf(job.id, ticket.signal)
        .then(async (blob) => {
          if (await showPicture(URL.createObjectURL(blob), alt(previewStep(done, total), total), ticket, true)) {
            previewAt = done;
            stage.classList.remove('is-waiting');
          }
        })
        .catch(() => undefined) // a preview that could not be had is simply not shown; the next one may be
        .finally(() => {
          fetching = undefined;
        });
    };

    const onProgress = (job: VisualisationJob) => {
      if (!ticket.isCurrent()) return;
      watched = job;
      progress(job);
      if (job.state === 'running') fetchPreview(job);
    };

    try {
      let job: VisualisationJob | undefined;
      for (let attempt = 0; attempt <= RESTARTS; attempt++) {
        job = await drawChannel({ model: o.model, layer: o.layer, channel: ch, steps: n, seed: sd }, ticket.signal, onProgress);
        if (!(job.state === 'cancelled' && !stopping)) break;
      }
      if (!ticket.isCurrent() || !job) return;
      watched = job;
      progress(job);
      stage.classList.remove('is-waiting');
      if (job.state === 'succeeded') {
        const url = visualisationImageUrl(job.result?.image);
        if (!url) throw new Error(`the feature-service answered with a picture URL that cannot be shown: '${job.result?.image ?? ''}'`);
        if (!(await showPicture(url, alt(), ticket, false))) return;
        el.dataset.image = url;
        setState('ready');
      } else if (job.state === 'cancelled') {
        // The picture as far as it got: the last preview, once any fetch under way has ended.
        await fetching;
        fetchPreview(job);
        await fetching;
        if (!ticket.isCurrent()) return;
        const at = `Cancelled after ${formatInt(job.done ?? 0)} of ${formatInt(job.total ?? n)} steps`;
        if (img.hidden) say(`${at}; nothing was drawn yet.`);
        stage.classList.add('is-stopped');
        bar.idle(img.hidden ? `${at}.` : `${at}; the picture so far is shown.`);
        setState('cancelled');
      } else {
        const text = drawingText(job);
        clearPicture();
        say(`Not drawn: ${text}`, 'error');
        setState('error');
        o.onError(text);
      }
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const text = errorMessage(e);
      stage.classList.remove('is-waiting');
      clearPicture();
      say(`Not drawn: ${text}`, 'error');
      bar.idle('');
      setState('error');
      o.onError(text);
    }
  }

  function requestDraw() {
    const ch = field.validate();
    if (ch !== undefined) void draw(ch);
  }

  action.addEventListener('click', () => {
    if (action.dataset.action !== 'cancel') {
      const ch = read();
      if (ch !== undefined) o.onChange(ch);
      requestDraw();
      return;
    }
    const job = watched;
    // A job that has just ended (its picture on its way) has nothing to stop: no 'Cancelling…' over it.
    if (!job || isFinished(job)) return;
    stopping = true;
    action.disabled = true;
    bar.say('Cancelling…');
    void cancelDrawing(job)
      .catch((e: unknown) => o.onError(errorMessage(e)))
      .finally(() => {
        action.disabled = disabled;
      });
  });
  channel.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      const ch = read();
      if (ch !== undefined) o.onChange(ch);
      requestDraw();
    }
  });
  channel.addEventListener('change', () => {
    const ch = read();
    if (ch === undefined || same(ch)) return;
    o.onChange(ch);
    requestDraw();
  });
  /** New settings: told to the page, and the shown channel drawn again with them. */
  function settingsChanged() {
    const sd = parseSeed(seed.value);
    seed.toggleAttribute('aria-invalid', sd === undefined);
    if (sd === undefined) return;
    const next = { steps: Number(steps.value), seed: sd };
    if (next.steps === settings.steps && next.seed === settings.seed) return;
    settings = next;
    o.onSettings(next);
    const ch = read();
    if (ch !== undefined && shown && !same(ch)) requestDraw();
  }
  steps.addEventListener('change', settingsChanged);
  seed.addEventListener('change', settingsChanged);
  seed.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') settingsChanged();
  });

  return {
    el,
    setChannel(ch) {
      field.set(ch);
      if (disabled) return;
      // The same picture, drawn or being drawn: nothing to do.
      if (same(ch) && el.dataset.state !== 'error' && el.dataset.state !== 'cancelled') return;
      void draw(ch);
    },
    suggest(ch) {
      if (channel.value.trim() === '' && document.activeElement !== channel && !disabled) {
        channel.value = String(ch);
        say(`Draw channel ${ch}, the strongest for this image, or choose another.`);
      }
    },
    get: () => ({ channel: read(), ...settings }),
    unavailable(text) {
      abandon();
      disabled = true;
      channel.disabled = true;
      steps.disabled = true;
      seed.disabled = true;
      clearPicture();
      say(text);
      setState('unavailable');
    },
    dispose() {
      abandon();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    },
  };
}
