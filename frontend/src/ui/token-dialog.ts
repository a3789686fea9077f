// Asks for the access token of a shared ConvNet Playground (src/api/token.ts): a small modal dialog that
// says why it is needed, shows the services' refusal when a token was wrong, and keeps the focus on the
// field. Opened anew each time, so it lies over any dialog open at that moment.
import './token-dialog.css';
import type { AskToken } from '../api/token';
import { h } from '../lib/dom';
import { createDialog } from './dialog';

export const askForToken: AskToken = (refused) =>
  new Promise((resolve) => {
    let answer: string | undefined;
    const opener = document.activeElement as HTMLElement | null;
    const dialog = createDialog({
      id: 'token',
      testid: 'token-dialog',
      onClose: () => {
        resolve(answer);
        queueMicrotask(() => dialog.el.remove());
      },
    });
    dialog.panel.classList.add('dialog-small');
    dialog.panel.setAttribute('aria-describedby', 'token-why');
    dialog.setTitle('Access token needed');
    const why = h(
      'p',
      { class: 'token-why', id: 'token-why' },
      'Whoever runs this ConvNet Playground protects it with an access token: uploading, importing and deleting need it; looking around and searching do not. Ask them for it. This browser keeps it (in its local storage) and sends it with the requests that send something, never with those that only read.',
    );
    const refusal = h('p', { class: 'form-error', id: 'token-refused', role: 'alert', hidden: !refused, 'data-testid': 'token-refused' }, refused ? `The token was refused: ${refused}` : '');
    const input = h('input', {
      type: 'password',
      id: 'token-input',
      class: 'text-input',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': refused ? 'token-refused' : undefined,
      'data-testid': 'token-input',
    });
    const empty = h('p', { class: 'field-error', id: 'token-empty', hidden: true }, 'Enter the token, or cancel.');
    const cancel = h('button', { type: 'button', class: 'button button-ghost', 'data-testid': 'token-cancel' }, 'Cancel');
    const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'token-submit' }, 'Continue');
    const form = h(
      'form',
      { class: 'token-form', novalidate: true },
      why,
      refusal,
      h('div', { class: 'field' }, h('label', { for: 'token-input', class: 'field-label' }, 'Access token'), input, empty),
      h('div', { class: 'dialog-actions' }, cancel, submit),
    );
    dialog.body.append(form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) {
        empty.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'token-empty');
        input.focus();
        return;
      }
      answer = token;
      dialog.close();
    });
    input.addEventListener('input', () => {
      empty.hidden = true;
      input.removeAttribute('aria-invalid');
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.open(opener);
    input.focus();
  });
