// A thin progress bar with a status line under it, for work that fills a picture in (a channel's drawing, a
// layer's grid). Its height is kept while idle, so nothing moves when it appears.
import './step-bar.css';
import { h } from '../../lib/dom';

export interface StepBar {
  readonly el: HTMLElement;
  /** Shows the fraction done (0..1) and what is happening. */
  show(fraction: number, text: string): void;
  /** Hides the bar (its room stays); the status line keeps `text`. */
  idle(text?: string): void;
  /** Rewrites the status line only. */
  say(text: string): void;
}

export function createStepBar(label: string, testid: string): StepBar {
  const fill = h('div', { class: 'step-fill' });
  const bar = h('div', { class: 'step-bar is-idle', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': label }, fill);
  const status = h('p', { class: 'step-status', 'aria-live': 'polite', 'data-testid': testid }, '\u00a0');
  return {
    el: h('div', { class: 'step-foot' }, bar, status),
    show(fraction, text) {
      const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', text);
      bar.classList.remove('is-idle');
      status.textContent = text || '\u00a0';
    },
    idle(text) {
      bar.classList.add('is-idle');
      if (text !== undefined) status.textContent = text || '\u00a0';
    },
    say(text) {
      status.textContent = text || '\u00a0';
    },
  };
}
