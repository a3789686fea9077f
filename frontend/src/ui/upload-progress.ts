// The progress of a multipart upload: a bar with byte counts while the body is sent, then what the server
// does with it. Used by "Add your images" and "Import a model".
import './upload-progress.css';
import { h } from '../lib/dom';
import { formatBytes } from '../lib/format';

export interface UploadProgress {
  el: HTMLElement;
  /** Shows the bar with loaded of total bytes sent (total 0: unknown). */
  bytes(loaded: number, total: number): void;
  /** The body is sent: a full bar and what the server is doing now. */
  sent(message: string): void;
  hide(): void;
}

/** "1.2 MB of 3.4 MB", or "1.2 MB sent" while the total is unknown. */
export function uploadText(loaded: number, total: number): string {
  return total > 0 ? `${formatBytes(Math.min(loaded, total))} of ${formatBytes(total)}` : `${formatBytes(loaded)} sent`;
}

export function createUploadProgress(testid: string): UploadProgress {
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': 'Upload' }, fill);
  const text = h('p', { class: 'own-progress-text' });
  const el = h('div', { class: 'own-progress', hidden: true, 'data-testid': testid }, bar, text);

  function show(percent: number, message: string, state: string) {
    el.hidden = false;
    fill.style.width = `${percent}%`;
    bar.setAttribute('aria-valuenow', String(percent));
    text.textContent = message;
    bar.setAttribute('aria-valuetext', message);
    el.dataset.state = state;
  }

  return {
    el,
    bytes: (loaded, total) => show(total > 0 ? Math.round((loaded / total) * 100) : 0, `Uploading: ${uploadText(loaded, total)}`, 'uploading'),
    sent: (message) => show(100, message, 'importing'),
    hide: () => {
      el.hidden = true;
    },
  };
}
