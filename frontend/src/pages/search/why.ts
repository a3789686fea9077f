// "Why similar?": the query and a hit side by side, the hit overlaid with the feature-service's
// occlusion map for the current model, layer and metric — coloured where covering the region would
// pull the two apart.
import './why.css';
import { featuresApi, thumbnailUrl } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { formData, type Hit } from '../../api/search';
import { h } from '../../lib/dom';
import { formatPercent } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { createDialog } from '../../ui/dialog';
import type { SearchState } from './state';

/** Patch edge as a fraction of the image's shorter side. */
export const OCCLUSION_PATCH = 0.2;
const WHY_THUMB_SIZE = 320;

export interface WhyDialog {
  open(hit: Hit, state: SearchState, opener: HTMLElement): void;
  dispose(): void;
}

/** The one-line explanation under the pictures. */
export function explanation(s: Pick<SearchState, 'model' | 'layer' | 'metric' | 'pooling'>): string {
  const pooling = s.pooling === 'max' ? ' (max-pooled)' : '';
  return `Coloured regions make the hit similar: covering one (a ${OCCLUSION_PATCH * 100}% patch) moves it away from the query under ${s.metric} at ${s.layer}${pooling}; the brighter, the more.`;
}

export function createWhyDialog(onError: (message: string) => void): WhyDialog {
  const latest = new Latest();
  const urls: string[] = [];
  const dialog = createDialog({
    id: 'why',
    testid: 'why-dialog',
    onClose: () => {
      latest.cancel();
      release();
    },
  });

  const queryImg = h('img', { class: 'why-img', alt: '', decoding: 'async' });
  const queryCaption = h('figcaption', { class: 'why-caption' });
  const hitImg = h('img', { class: 'why-img', alt: '', decoding: 'async' });
  const overlay = h('img', { class: 'why-overlay', alt: '', 'data-testid': 'occlusion-overlay', hidden: true });
  const hitStage = h('div', { class: 'why-stage is-loading' }, hitImg, overlay);
  const hitCaption = h('figcaption', { class: 'why-caption' });
  const status = h('p', { class: 'why-status', 'aria-live': 'polite', 'data-testid': 'why-status' });
  const toggle = h('input', { type: 'checkbox', id: 'why-toggle', checked: true });
  const text = h('p', { class: 'why-text', 'data-testid': 'why-text' });

  dialog.body.append(
    h(
      'div',
      { class: 'why-pair' },
      h('figure', { class: 'why-figure' }, h('div', { class: 'why-stage' }, queryImg), queryCaption),
      h('figure', { class: 'why-figure' }, hitStage, hitCaption),
    ),
    h('div', { class: 'why-foot' }, h('label', { class: 'check', for: 'why-toggle' }, toggle, h('span', {}, 'Show the occlusion map')), status),
    text,
  );
  toggle.addEventListener('change', () => hitStage.classList.toggle('hide-overlay', !toggle.checked));

  function release() {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
  }

  function url(blob: Blob): string {
    const u = URL.createObjectURL(blob);
    urls.push(u);
    return u;
  }

  async function run(hit: Hit, s: SearchState) {
    const ticket = latest.begin();
    const dataset = s.dataset;
    const hitId = hit.id ?? '';
    dialog.panel.dataset.state = 'loading';
    status.textContent = 'Computing the occlusion map: the model looks at the hit with each region covered…';
    try {
      // Dataset images go by id (the service reads them itself); only an uploaded query is sent.
      const answer = await featuresApi.POST('/api/features/occlusion', {
        body: {
          dataset,
          imageId: hitId,
          ...(s.upload ? { reference: s.upload } : { referenceId: s.q }),
          model: s.model,
          layer: s.layer,
          metric: s.metric,
          pooling: s.pooling || 'avg',
          patch: String(OCCLUSION_PATCH),
        },
        bodySerializer: formData,
        parseAs: 'blob',
        signal: ticket.signal,
      });
      const blob = unwrap(answer) as unknown as Blob;
      if (!ticket.isCurrent()) return;
      await new Promise<void>((resolve, reject) => {
        overlay.onload = () => resolve();
        overlay.onerror = () => reject(new Error('the occlusion map is not a readable image'));
        overlay.src = url(blob);
      });
      if (!ticket.isCurrent()) return;
      overlay.hidden = false;
      hitStage.classList.remove('is-loading');
      status.textContent = '';
      dialog.panel.dataset.state = 'ready';
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const message = errorMessage(e);
      hitStage.classList.remove('is-loading');
      status.textContent = `No occlusion map: ${message}`;
      dialog.panel.dataset.state = 'error';
      onError(message);
    }
  }

  return {
    open(hit, s, opener) {
      release();
      const hitId = hit.id ?? '';
      const label = hit.label ?? 'unlabeled';
      dialog.setTitle('Why similar?', `${s.model} · ${s.layer} · ${s.metric}`);
      if (s.upload) {
        queryImg.src = url(s.upload);
        queryImg.alt = `your upload — ${s.upload.name}`;
        queryCaption.replaceChildren(h('strong', {}, 'Query'), ` · your upload ${s.upload.name}`);
      } else {
        queryImg.src = thumbnailUrl(s.dataset, s.q, WHY_THUMB_SIZE);
        queryImg.alt = `query — ${s.q}`;
        queryCaption.replaceChildren(h('strong', {}, 'Query'), ` · ${s.q}`);
      }
      hitImg.src = thumbnailUrl(s.dataset, hitId, WHY_THUMB_SIZE);
      hitImg.alt = `${label} — ${hitId}`;
      hitCaption.replaceChildren(h('strong', {}, `Hit #${hit.rank ?? '?'}`), ` · ${hitId} · ${formatPercent(hit.similarity)}`);
      overlay.hidden = true;
      overlay.removeAttribute('src');
      overlay.alt = `Occlusion map of ${hitId}: coloured where it resembles the query`;
      hitStage.classList.add('is-loading');
      toggle.checked = true;
      hitStage.classList.remove('hide-overlay');
      text.textContent = explanation(s);
      dialog.panel.dataset.hit = hitId;
      dialog.open(opener);
      void run(hit, s);
    },
    dispose() {
      latest.cancel();
      dialog.close();
      release();
      dialog.el.remove();
    },
  };
}
