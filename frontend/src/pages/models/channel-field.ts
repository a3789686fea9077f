// The channel field of the layer view's cards (what a channel draws, what excites it): a number within the layer,
// its range beside it, marked when what is typed is not one of the layer's channels.
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { readChannel } from './state';

export interface ChannelField {
  /** The field with its label (a .field to place among the card's controls). */
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  /** The channel typed: a whole number within the layer, else undefined. */
  read(): number | undefined;
  /** The channel typed, or undefined with the field marked (and focused) so the person sees what to fix. */
  validate(): number | undefined;
  /** Shows a channel chosen elsewhere (a map, another card, the link). */
  set(channel: number): void;
}

/** `id` is the input's id and test id; `channels` the layer's channel count (no range when unknown). */
export function createChannelField(id: string, channels: number | undefined): ChannelField {
  const max = channels !== undefined ? channels - 1 : undefined;
  const input = h('input', {
    type: 'number', id, class: 'number-input channel-input', min: 0, max, step: 1, inputmode: 'numeric',
    'data-testid': id, 'aria-describedby': `${id}-help`,
  });
  const help = h('span', { class: 'field-help', id: `${id}-help` }, max !== undefined ? `0 to ${formatInt(max)}` : '');
  const el = h('div', { class: 'field field-channel' }, h('label', { for: id, class: 'field-label' }, 'Channel'), h('div', { class: 'channel-row' }, input, help));

  const read = () => readChannel(input.value, max);
  function mark(invalid: boolean) {
    if (invalid) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    help.classList.toggle('is-error', invalid);
  }
  return {
    el,
    input,
    read,
    validate() {
      const ch = read();
      mark(ch === undefined);
      if (ch === undefined) input.focus();
      return ch;
    },
    set(channel) {
      input.value = String(channel);
      mark(false);
    },
  };
}
