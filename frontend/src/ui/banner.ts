// A dismissible error banner floating under the header (it never pushes the page around).
import './banner.css';
import { h } from '../lib/dom';

export interface Banner {
  readonly el: HTMLElement;
  show(message: string): void;
  hide(): void;
}

export function createBanner(): Banner {
  const text = h('p', { class: 'banner-text' });
  const close = h('button', { class: 'banner-close', type: 'button', 'aria-label': 'Dismiss message' }, '×');
  const banner = h(
    'div',
    { class: 'banner', role: 'alert', hidden: true, 'data-testid': 'error-banner' },
    h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
    text,
    close,
  );
  const region = h('div', { class: 'banner-region' }, banner);
  const hide = () => {
    banner.hidden = true;
    text.textContent = '';
  };
  close.addEventListener('click', hide);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !banner.hidden) hide();
  });
  return {
    el: region,
    show(message: string) {
      text.textContent = message;
      banner.hidden = false;
    },
    hide,
  };
}
