// A modal dialog: the rest of the page is inert while it is open, Tab cycles inside it, Esc, the close
// button and a click on the backdrop close it, and focus returns to what opened it. The error banner
// stays usable above it.
import './dialog.css';
import { h } from '../lib/dom';

export interface Dialog {
  /** The backdrop (hidden while closed). */
  readonly el: HTMLElement;
  /** The dialog itself (role="dialog"). */
  readonly panel: HTMLElement;
  readonly body: HTMLElement;
  setTitle(title: string, subtitle?: string): void;
  open(opener?: HTMLElement | null): void;
  close(): void;
  isOpen(): boolean;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The index Tab (or Shift+Tab) moves to among n focusable elements, wrapping around. */
export function wrapFocus(current: number, n: number, backwards: boolean): number {
  if (n <= 0) return -1;
  if (current < 0) return backwards ? n - 1 : 0;
  return (current + (backwards ? n - 1 : 1)) % n;
}

export function createDialog(options: { id: string; testid?: string; onClose?(): void }): Dialog {
  const title = h('h2', { class: 'dialog-title', id: `${options.id}-title` });
  const subtitle = h('p', { class: 'dialog-subtitle' });
  const close = h('button', { type: 'button', class: 'banner-close dialog-close', 'aria-label': 'Close' }, '×');
  const body = h('div', { class: 'dialog-body' });
  const panel = h(
    'div',
    { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `${options.id}-title`, tabindex: -1, 'data-testid': options.testid },
    h('div', { class: 'dialog-head' }, h('div', { class: 'dialog-titles' }, title, subtitle), close),
    body,
  );
  const el = h('div', { class: 'dialog-backdrop', hidden: true }, panel);
  let opener: HTMLElement | null = null;
  let inerted: HTMLElement[] = [];

  const isOpen = () => !el.hidden;

  function doClose() {
    if (!isOpen()) return;
    el.hidden = true;
    document.removeEventListener('keydown', onKey);
    for (const node of inerted) node.inert = false;
    inerted = [];
    document.documentElement.classList.remove('has-dialog');
    options.onClose?.();
    if (opener?.isConnected) opener.focus();
    opener = null;
  }

  close.addEventListener('click', doClose);
  el.addEventListener('mousedown', (e) => {
    if (e.target === el) doClose();
  });
  // Listened for on the document while open: a control that gets disabled under the focus (a button
  // while its upload runs) leaves the focus on <body>, and Esc and Tab must still work then.
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as Node | null;
    if (!(target && panel.contains(target)) && target !== document.body && target !== document.documentElement) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      doClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null || x === document.activeElement);
    if (items.length === 0) {
      e.preventDefault();
      panel.focus();
      return;
    }
    const at = items.indexOf(document.activeElement as HTMLElement);
    const to = wrapFocus(at, items.length, e.shiftKey);
    // Let the browser move focus inside the dialog; only wrap at the ends (or pull focus back in).
    if (at < 0 || (e.shiftKey ? at === 0 : at === items.length - 1)) {
      e.preventDefault();
      items[to]!.focus();
    }
  };

  document.body.append(el);
  return {
    el,
    panel,
    body,
    setTitle(text, sub) {
      title.textContent = text;
      subtitle.textContent = sub ?? '';
      subtitle.hidden = !sub;
    },
    open(from) {
      opener = from ?? (document.activeElement as HTMLElement | null);
      if (!isOpen()) {
        // Everything of the app but the banner becomes inert, and so does a dialog open under this one
        // (the access token is asked for over "Add your images", say).
        const app = document.getElementById('app');
        const under = [...document.body.children].filter((c) => c !== el && c.classList.contains('dialog-backdrop') && !(c as HTMLElement).hidden);
        inerted = [...(app?.children ?? []), ...under].filter((c): c is HTMLElement => c instanceof HTMLElement && !c.classList.contains('banner-region') && !c.inert);
        for (const node of inerted) node.inert = true;
        document.documentElement.classList.add('has-dialog');
        document.addEventListener('keydown', onKey);
        el.hidden = false;
      }
      close.focus();
    },
    close: doClose,
    isOpen,
  };
}
