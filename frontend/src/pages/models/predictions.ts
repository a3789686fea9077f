// Predictions: the model's top-5 ImageNet classes for the chosen image, with probability bars (only
// for models with a classifier head).
import './predictions.css';
import { featuresApi, type ImageInput, type Predictions } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { formData } from '../../api/search';
import { h } from '../../lib/dom';
import { Latest } from '../../lib/latest';

export const TOP_CLASSES = 5;

export interface PredictionsCard {
  readonly el: HTMLElement;
  run(input: ImageInput): void;
  dispose(): void;
}

/** "African elephant, Loxodonta africana" → ["African elephant", "Loxodonta africana"]. */
export function splitLabel(label: string): [string, string] {
  const comma = label.indexOf(', ');
  return comma < 0 ? [label, ''] : [label.slice(0, comma), label.slice(comma + 2)];
}

export function createPredictions(model: { id?: string; hasClassifier?: boolean; numClasses?: number }, onError: (message: string) => void): PredictionsCard {
  const list = h('ol', { class: 'pred-list', 'data-testid': 'prediction-list' });
  const message = h('p', { class: 'panel-message', hidden: true });
  const el = h(
    'section',
    { class: 'card pred-card', 'aria-labelledby': 'pred-heading', 'data-testid': 'predictions', 'data-state': 'empty' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'pred-heading' }, 'Predictions'), h('p', { class: 'card-meta' }, model.hasClassifier ? `top ${TOP_CLASSES} of ${model.numClasses ?? 1000} ImageNet classes` : '')),
    list,
    message,
  );
  const latest = new Latest();

  const skeleton = () =>
    list.replaceChildren(
      ...Array.from({ length: TOP_CLASSES }, () => h('li', { class: 'pred skeleton', 'aria-hidden': 'true' }, h('span', { class: 'skeleton-line' }), h('span', { class: 'skeleton-line short' }))),
    );

  function setState(state: string) {
    el.dataset.state = state;
    el.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  async function run(input: ImageInput) {
    if (!model.hasClassifier) return;
    const ticket = latest.begin();
    list.classList.add('is-stale');
    setState('loading');
    try {
      const answer = await featuresApi.POST('/api/features/predictions', {
        body: { ...input, model: model.id ?? '', k: String(TOP_CLASSES) },
        bodySerializer: formData,
        signal: ticket.signal,
      });
      const p = unwrap(answer) as Predictions;
      if (!ticket.isCurrent()) return;
      list.classList.remove('is-stale');
      message.hidden = true;
      list.replaceChildren(
        ...(p.predictions ?? []).map((x) => {
          const [name, more] = splitLabel(x.label ?? `class ${x.index}`);
          const pct = Math.max(0, Math.min(1, x.probability ?? 0)) * 100;
          return h(
            'li',
            { class: 'pred', 'data-testid': 'prediction', 'data-label': x.label ?? '', title: `${x.label} (class ${x.index})` },
            h('span', { class: 'pred-label' }, h('span', { class: 'pred-name' }, name), more ? h('span', { class: 'pred-more' }, more) : null),
            h(
              'span',
              { class: 'sim' },
              h('span', { class: 'sim-bar', 'aria-hidden': 'true' }, h('span', { class: 'sim-fill', style: `width:${pct.toFixed(1)}%` })),
              h('span', { class: 'sim-value' }, `${pct < 0.1 && pct > 0 ? '<0.1' : pct.toFixed(1)}%`),
            ),
          );
        }),
      );
      setState('ready');
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const text = errorMessage(e);
      list.classList.remove('is-stale');
      list.replaceChildren();
      message.textContent = `No predictions: ${text}`;
      message.hidden = false;
      setState('error');
      onError(text);
    }
  }

  if (model.hasClassifier) skeleton();
  else {
    message.textContent = `${model.id} is a feature extractor without a classifier head: it has no classes to predict.`;
    message.hidden = false;
    setState('unavailable');
  }
  return { el, run: (input) => void run(input), dispose: () => latest.cancel() };
}
