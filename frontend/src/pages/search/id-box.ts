// The id box in the picker's head: type an item's id and, once typing pauses (or on Enter), it is looked up in the
// collection and becomes the query; an unknown id is named under the box. One lookup per pause, the stale one
// cancelled, so typing sends no storm of requests.
import { errorMessage, isAbort } from '../../api/problem';
import { h } from '../../lib/dom';
import { Latest } from '../../lib/latest';
import { ID_LOOKUP_DELAY_MS, typedId, type IdVerdict } from './id-lookup';

export interface IdBox {
  readonly el: HTMLElement;
  /** Empties the box (another dataset or collection is shown). */
  reset(): void;
}

export interface IdBoxEvents {
  lookup(id: string, signal: AbortSignal): Promise<IdVerdict>;
  /** A found id (or one of a collection not stored yet, for the search to answer): make it the query. */
  onFound(id: string, label: string | undefined): void;
}

export function createIdBox(events: IdBoxEvents): IdBox {
  const input = h('input', {
    type: 'search', id: 'id-box', class: 'text-input id-box-input', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Query by id…', title: 'Type an item id: it is looked up when you pause or press Enter',
    'data-testid': 'id-box', 'aria-describedby': 'id-box-message',
  });
  const message = h('p', { class: 'id-box-message', id: 'id-box-message', 'data-testid': 'id-box-message', 'aria-live': 'polite' });
  // a compact box in the picker's head: its label is for screen readers, the placeholder says it to the eye
  const el = h('div', { class: 'id-box' }, h('label', { for: 'id-box', class: 'visually-hidden' }, 'Query by id'), input, message);
  const latest = new Latest();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The id last looked up (a pause does not ask for it again). */
  let asked: string | undefined;

  function show(text: string, error: boolean) {
    message.textContent = text;
    message.classList.toggle('is-error', error);
    if (error) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** Looks the typed id up; after a pause only when it changed since the last lookup, on Enter always. */
  async function look(now: boolean) {
    clearTimeout(timer);
    const id = typedId(input.value);
    if (id === undefined) {
      latest.cancel();
      asked = undefined;
      show('', false);
      return;
    }
    if (id === asked && !now) return;
    asked = id;
    const ticket = latest.begin();
    show(`Looking up '${id}'…`, false);
    try {
      const verdict = await events.lookup(id, ticket.signal);
      if (!ticket.isCurrent()) return;
      if (verdict.kind === 'found' || verdict.kind === 'unchecked') {
        show('', false);
        events.onFound(verdict.id, verdict.kind === 'found' ? verdict.label : undefined);
      } else {
        show(verdict.message, true);
      }
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      asked = undefined; // not answered: the next pause asks again
      show(`'${id}' could not be looked up: ${errorMessage(e)}`, true);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (typedId(input.value) !== asked) show('', false);
    timer = setTimeout(() => void look(false), ID_LOOKUP_DELAY_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void look(true);
    }
  });

  return {
    el,
    reset() {
      clearTimeout(timer);
      latest.cancel();
      asked = undefined;
      input.value = '';
      show('', false);
    },
  };
}
