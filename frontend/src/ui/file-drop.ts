// A drop zone with a "Choose…" button over a hidden file input: files come from either, the same way.
// The input stays in the page (visually hidden) so that tests and assistive tools can set it directly.
import './file-drop.css';
import { h, svg } from '../lib/dom';

export interface FileDrop {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  readonly button: HTMLButtonElement;
  setDisabled(disabled: boolean): void;
}

export interface FileDropOptions {
  id: string;
  testid: string;
  accept: string;
  multiple: boolean;
  buttonText: string;
  hint: string;
  /** The accessible name of the input (the button names it for people). */
  label: string;
  onFiles(files: File[]): void;
}

const ICON = `<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 16V4"/><path d="m6 10 6-6 6 6"/><path d="M4 20h16"/></svg>`;

export function createFileDrop(o: FileDropOptions): FileDrop {
  const input = h('input', { type: 'file', id: o.id, accept: o.accept, multiple: o.multiple, class: 'visually-hidden', tabindex: -1, 'aria-label': o.label, 'data-testid': o.testid });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, svg(ICON), o.buttonText);
  const el = h('div', { class: 'file-drop' }, button, h('span', { class: 'file-drop-hint' }, o.hint), input);
  let disabled = false;

  const take = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length && !disabled) o.onFiles(files);
  };
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    take(input.files);
    input.value = '';
  });
  el.addEventListener('dragenter', (e) => {
    e.preventDefault();
    if (!disabled) el.classList.add('is-dragging');
  });
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
  });
  el.addEventListener('dragleave', (e) => {
    if (!el.contains(e.relatedTarget as Node | null)) el.classList.remove('is-dragging');
  });
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    el.classList.remove('is-dragging');
    take(e.dataTransfer?.files);
  });

  return {
    el,
    input,
    button,
    setDisabled(d) {
      disabled = d;
      button.disabled = d;
      input.disabled = d;
      el.classList.toggle('is-disabled', d);
    },
  };
}
