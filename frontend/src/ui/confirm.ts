// Asks before something that cannot be undone (deleting a model): a small modal dialog whose safe
// choice has the focus, so Enter or Esc never deletes by accident.
import './confirm.css';
import { h } from '../lib/dom';
import { createDialog } from './dialog';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** The text of the button that does it ("Delete model"). */
  action: string;
  opener?: HTMLElement | null;
}

/** Resolves to true when the action was confirmed, false when the dialog was left any other way. */
export function confirmAction(o: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = createDialog({
      id: 'confirm',
      testid: 'confirm-dialog',
      onClose: () => {
        resolve(answer);
        // Removed after the close has handed focus back.
        queueMicrotask(() => dialog.el.remove());
      },
    });
    const keep = h('button', { type: 'button', class: 'button button-ghost', 'data-testid': 'confirm-cancel' }, 'Cancel');
    const go = h('button', { type: 'button', class: 'button button-danger-solid', 'data-testid': 'confirm-ok' }, o.action);
    dialog.panel.classList.add('dialog-small');
    dialog.setTitle(o.title);
    dialog.body.append(h('p', { class: 'confirm-text' }, o.message), h('div', { class: 'dialog-actions' }, keep, go));
    keep.addEventListener('click', () => dialog.close());
    go.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.open(o.opener);
    keep.focus();
  });
}
