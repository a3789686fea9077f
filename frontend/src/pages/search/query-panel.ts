// The query: the chosen image with its class, and the upload control (button and drop zone). An item of
// an imported collection has no image: its id and label are shown, and nothing can be uploaded.
import './query-panel.css';
import { thumbnailUrl } from '../../api/features';
import { h, svg } from '../../lib/dom';

export const QUERY_THUMB_SIZE = 320;

export type QueryView =
  | { kind: 'none' }
  | { kind: 'image'; dataset: string; id: string; label: string | undefined }
  | { kind: 'item'; id: string; label: string | undefined }
  | { kind: 'upload'; file: File };

export interface QueryPanel {
  readonly el: HTMLElement;
  show(query: QueryView): void;
  /** Offers the upload (button and drop zone) or not (an imported collection has no model to embed one). */
  allowUpload(allowed: boolean): void;
}

const UPLOAD_ICON = `<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 16V4"/><path d="m6 10 6-6 6 6"/><path d="M4 20h16"/></svg>`;

export function createQueryPanel(onFile: (file: File) => void, onReject: (message: string) => void, title = 'Query'): QueryPanel {
  const img = h('img', { class: 'query-img', alt: '', decoding: 'async' });
  const noImage = h('p', { class: 'query-no-image', hidden: true }, 'Imported vectors: no image');
  const frame = h('div', { class: 'query-frame is-loading', 'data-testid': 'query-image' }, img, noImage);
  const label = h('span', { class: 'query-label', 'data-testid': 'query-label' });
  const id = h('span', { class: 'query-id' });
  const input = h('input', { type: 'file', accept: 'image/*', class: 'visually-hidden', id: 'upload-input', 'data-testid': 'upload-input', tabindex: -1 });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, svg(UPLOAD_ICON), 'Upload image');
  const drop = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    button,
    h('span', { class: 'dropzone-hint' }, 'or drop one here'),
    input,
  );
  const el = h(
    'section',
    { class: 'query card', 'aria-labelledby': 'query-heading' },
    h('div', { class: 'card-head query-head' }, h('h2', { class: 'card-title', id: 'query-heading' }, title), h('p', { class: 'query-caption' }, id, label)),
    frame,
    drop,
  );

  let objectUrl: string | undefined;
  let shown = '';
  let uploads = true;

  img.addEventListener('load', () => frame.classList.remove('is-loading', 'is-broken'));
  img.addEventListener('error', () => {
    if (!img.getAttribute('src')) return;
    frame.classList.remove('is-loading');
    frame.classList.add('is-broken');
  });

  const take = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (!file) return;
    if (!file.type.startsWith('image/')) {
      onReject(`'${file.name}' is not an image (${file.type || 'unknown type'}); choose a JPEG, PNG, GIF, BMP, WebP or TIFF file`);
      return;
    }
    onFile(file);
  };
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    take(input.files);
    input.value = '';
  });
  for (const target of [el]) {
    target.addEventListener('dragenter', (e) => {
      e.preventDefault();
      el.classList.add('is-dragging');
    });
    target.addEventListener('dragover', (e) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    target.addEventListener('dragleave', (e) => {
      if (!el.contains(e.relatedTarget as Node | null)) el.classList.remove('is-dragging');
    });
    target.addEventListener('drop', (e) => {
      e.preventDefault();
      el.classList.remove('is-dragging');
      if (uploads) take(e.dataTransfer?.files);
    });
  }

  const setSrc = (src: string, alt: string) => {
    if (img.getAttribute('src') === src) return;
    frame.classList.add('is-loading');
    frame.classList.remove('is-broken');
    img.alt = alt;
    img.src = src;
  };

  return {
    el,
    show(query) {
      const key = query.kind === 'image' ? `image:${query.dataset}:${query.id}` : query.kind === 'item' ? `item:${query.id}` : query.kind === 'upload' ? `upload:${query.file.name}:${query.file.lastModified}:${query.file.size}` : 'none';
      if (key === shown) {
        if (query.kind === 'image' || query.kind === 'item') label.textContent = query.label ?? 'unlabeled';
        return;
      }
      shown = key;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = undefined;
      el.classList.toggle('is-upload', query.kind === 'upload');
      el.classList.toggle('is-item', query.kind === 'item');
      noImage.hidden = query.kind !== 'item';
      // an <img> without a source still draws a broken-image mark: none at all for an item
      img.hidden = query.kind === 'item';
      if (query.kind === 'item') {
        // no thumbnail to ask the feature-service for: the frame says so instead
        img.removeAttribute('src');
        img.alt = '';
        frame.classList.remove('is-loading', 'is-broken');
        label.textContent = query.label ?? 'unlabeled';
        id.textContent = query.id;
        id.title = query.id;
      } else if (query.kind === 'image') {
        setSrc(thumbnailUrl(query.dataset, query.id, QUERY_THUMB_SIZE), `${query.label ?? 'unlabeled'} — ${query.id}`);
        label.textContent = query.label ?? 'unlabeled';
        id.textContent = query.id;
        id.title = query.id;
      } else if (query.kind === 'upload') {
        objectUrl = URL.createObjectURL(query.file);
        setSrc(objectUrl, `your upload — ${query.file.name}`);
        label.textContent = 'your upload';
        id.textContent = query.file.name;
        id.title = query.file.name;
      } else {
        img.removeAttribute('src');
        img.alt = '';
        frame.classList.add('is-loading');
        label.textContent = '';
        id.textContent = '';
      }
    },
    allowUpload(allowed) {
      uploads = allowed;
      drop.hidden = !allowed;
    },
  };
}
