// "Why similar?": the query and a hit side by side, with a map of what makes them similar for the current
// model and layer. The occlusion map (laid over the hit) is coloured where covering the region would pull
// the two apart under the search's metric; a gradient map (SmoothGrad, or Grad-CAM at a chosen layer) is
// the hit as the model sees it with the pixels or regions that move their similarity most, the method
// written on the picture and named under it.
import './why.css';
import type { Model } from '../../api/catalog';
import { featuresApi, thumbnailUrl } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { formData, type Hit } from '../../api/search';
import { h } from '../../lib/dom';
import { formatPercent } from '../../lib/format';
import { Latest } from '../../lib/latest';
import { radioGroup } from '../../lib/roving';
import { createDialog } from '../../ui/dialog';
import { layersOf, loadLists } from '../common/lists';
import type { SearchState } from './state';
import { METHOD_NAMES, OCCLUSION_PATCH, WHY_METHODS, camLayerChoices, explanation, methodCaption, type WhyMethod } from './why-maps';

const WHY_THUMB_SIZE = 320;

export interface WhyDialog {
  open(hit: Hit, state: SearchState, opener: HTMLElement): void;
  dispose(): void;
}

export function createWhyDialog(onError: (message: string) => void): WhyDialog {
  const latest = new Latest();
  const urls: string[] = [];
  /** Maps already computed while the dialog is open, by method and Grad-CAM layer. */
  const maps = new Map<string, { url: string; camLayer?: string }>();
  /** The method stays chosen from one hit to the next. */
  let method: WhyMethod = 'occlusion';
  let camLayer = '';
  let current: { hit: Hit; state: SearchState } | undefined;
  const dialog = createDialog({
    id: 'why',
    testid: 'why-dialog',
    onClose: () => {
      latest.cancel();
      current = undefined;
      release();
    },
  });

  const queryImg = h('img', { class: 'why-img', alt: '', decoding: 'async' });
  const queryCaption = h('figcaption', { class: 'why-caption' });
  const hitImg = h('img', { class: 'why-img', alt: '', decoding: 'async' });
  const overlay = h('img', { class: 'why-overlay', alt: '', 'data-testid': 'occlusion-overlay', hidden: true });
  const hitStage = h('div', { class: 'why-stage is-loading' }, hitImg, overlay);
  const gradientImg = h('img', { class: 'why-gradient', alt: '', decoding: 'async', width: 224, height: 224, 'data-testid': 'gradient-map' });
  const gradientStage = h('div', { class: 'why-stage why-gradient-stage is-loading', hidden: true }, gradientImg);
  const hitCaption = h('figcaption', { class: 'why-caption' });
  const mapCaption = h('p', { class: 'why-method', 'data-testid': 'why-method' });
  const status = h('p', { class: 'why-status', 'aria-live': 'polite', 'data-testid': 'why-status' });
  const toggle = h('input', { type: 'checkbox', id: 'why-toggle', checked: true });
  const text = h('p', { class: 'why-text', 'data-testid': 'why-text' });

  const methodButtons = WHY_METHODS.map((m) => {
    const b = h('button', { type: 'button', role: 'radio', class: 'segment', 'aria-checked': String(m === method), 'data-method': m }, METHOD_NAMES[m]);
    b.addEventListener('click', () => setMethod(m));
    return b;
  });
  const methodGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'why-method-label', 'data-testid': 'why-methods' }, ...methodButtons);
  const methodRadios = radioGroup(methodGroup);
  methodRadios.sync();
  const camSelect = h('select', { id: 'why-cam-layer', 'data-testid': 'why-cam-layer' });
  const camField = h('div', { class: 'why-cam', hidden: true }, h('label', { for: 'why-cam-layer', class: 'field-label' }, 'at layer'), camSelect);

  dialog.body.append(
    h(
      'div',
      { class: 'why-pair' },
      h('figure', { class: 'why-figure' }, h('div', { class: 'why-stage' }, queryImg), queryCaption),
      h('figure', { class: 'why-figure' }, hitStage, gradientStage, hitCaption, mapCaption),
    ),
    h('div', { class: 'why-choice' }, h('span', { class: 'field-label', id: 'why-method-label' }, 'Map'), methodGroup, camField),
    h('div', { class: 'why-foot' }, h('label', { class: 'check', for: 'why-toggle' }, toggle, h('span', {}, 'Show the map')), status),
    text,
  );
  toggle.addEventListener('change', () => showMap());
  camSelect.addEventListener('change', () => {
    camLayer = camSelect.value;
    compute();
  });

  function release() {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    maps.clear();
  }

  function url(blob: Blob): string {
    const u = URL.createObjectURL(blob);
    urls.push(u);
    return u;
  }

  function setMethod(m: WhyMethod) {
    if (m === method) return;
    method = m;
    for (const b of methodButtons) b.setAttribute('aria-checked', String(b.dataset.method === m));
    methodRadios.sync();
    compute();
  }

  /** Shows the occlusion overlay on the hit, or the gradient map instead of the hit, as the toggle says. */
  function showMap() {
    const gradient = method !== 'occlusion';
    hitStage.classList.toggle('hide-overlay', !toggle.checked);
    hitStage.hidden = gradient && toggle.checked;
    gradientStage.hidden = !gradient || !toggle.checked;
  }

  /** The Grad-CAM choices for the search's layer: the service's own pick, or a map of the model before it. */
  async function loadCamLayers(s: SearchState) {
    camSelect.replaceChildren(h('option', { value: '' }, 'the last map (automatic)'));
    let choices: string[] = [];
    try {
      choices = camLayerChoices(await layersOf(s.model), s.layer);
    } catch {
      // Without the layer list the service's own choice is still offered.
    }
    if (current?.state !== s) return;
    camSelect.append(...choices.map((name) => h('option', { value: name }, name)));
    if (!choices.includes(camLayer)) camLayer = '';
    camSelect.value = camLayer;
  }

  function compute() {
    if (!current) return;
    const s = current.state;
    const key = method === 'gradcam' ? `gradcam|${camLayer}` : method;
    camField.hidden = method !== 'gradcam';
    dialog.panel.dataset.method = method;
    text.textContent = explanation(s, method, method === 'gradcam' ? maps.get(key)?.camLayer ?? (camLayer || undefined) : undefined);
    mapCaption.textContent = method === 'occlusion' ? '' : methodCaption(method, maps.get(key)?.camLayer ?? (camLayer || undefined));
    showMap();
    void run(current.hit, s, method, key);
  }

  async function run(hit: Hit, s: SearchState, m: WhyMethod, key: string) {
    const ticket = latest.begin();
    const dataset = s.dataset;
    const hitId = hit.id ?? '';
    const known = maps.get(key);
    const target = m === 'occlusion' ? overlay : gradientImg;
    const stage = m === 'occlusion' ? hitStage : gradientStage;
    dialog.panel.dataset.state = 'loading';
    if (!known) {
      stage.classList.add('is-loading');
      if (m === 'occlusion') overlay.hidden = true;
      status.textContent =
        m === 'occlusion'
          ? 'Computing the occlusion map: the model looks at the hit with each region covered…'
          : `Computing the ${METHOD_NAMES[m]} map: the gradient of the similarity through the model…`;
    }
    try {
      let shown = known;
      if (!shown) {
        // Dataset images go by id (the service reads them itself); only an uploaded query is sent.
        const both = { dataset, imageId: hitId, ...(s.upload ? { reference: s.upload } : { referenceId: s.q }), model: s.model, layer: s.layer };
        const answer =
          m === 'occlusion'
            ? await featuresApi.POST('/api/features/occlusion', {
                body: { ...both, metric: s.metric, pooling: s.pooling || 'avg', patch: String(OCCLUSION_PATCH) },
                bodySerializer: formData,
                parseAs: 'blob',
                signal: ticket.signal,
              })
            : await featuresApi.POST('/api/features/gradients', {
                body: { ...both, method: m, ...(m === 'gradcam' && camLayer ? { camLayer } : {}), format: 'png' },
                bodySerializer: formData,
                parseAs: 'blob',
                signal: ticket.signal,
              });
        const blob = unwrap(answer) as unknown as Blob;
        if (!ticket.isCurrent()) return;
        shown = { url: url(blob), camLayer: answer.response.headers.get('X-Gradient-Cam-Layer') ?? undefined };
        maps.set(key, shown);
      }
      await new Promise<void>((resolve, reject) => {
        target.onload = () => resolve();
        target.onerror = () => reject(new Error(`the ${METHOD_NAMES[m]} map is not a readable image`));
        if (target.getAttribute('src') === shown!.url && target.complete && target.naturalWidth > 0) resolve();
        else target.src = shown!.url;
      });
      if (!ticket.isCurrent()) return;
      if (m === 'occlusion') overlay.hidden = false;
      else {
        target.alt = `${methodCaption(m, shown.camLayer)} map of ${hitId}, the hit as ${s.model} sees it: what moves its similarity to the query at ${s.layer}`;
        mapCaption.textContent = methodCaption(m, shown.camLayer);
        text.textContent = explanation(s, m, shown.camLayer);
      }
      stage.classList.remove('is-loading');
      status.textContent = '';
      dialog.panel.dataset.state = 'ready';
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const message = errorMessage(e);
      stage.classList.remove('is-loading');
      if (m !== 'occlusion') {
        // No broken image: the hit itself stays in view, the reason beside it.
        gradientStage.hidden = true;
        hitStage.hidden = false;
      }
      status.textContent = `No ${METHOD_NAMES[m].toLowerCase()} map: ${message}`;
      dialog.panel.dataset.state = 'error';
      onError(message);
    }
  }

  void loadLists();

  return {
    open(hit, s, opener) {
      latest.cancel();
      release();
      current = { hit, state: s };
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
      gradientImg.removeAttribute('src');
      gradientImg.alt = '';
      hitStage.classList.add('is-loading');
      gradientStage.classList.add('is-loading');
      // The gradient map is the hit at the model's input size: its box is that shape before it arrives.
      void loadLists().then((lists) => {
        const size = lists.models.find((m: Model) => m.id === s.model)?.inputSize;
        if (current?.state === s && size?.length === 2) {
          gradientImg.height = size[0]!;
          gradientImg.width = size[1]!;
        }
      });
      toggle.checked = true;
      dialog.panel.dataset.hit = hitId;
      void loadCamLayers(s);
      dialog.open(opener);
      compute();
    },
    dispose() {
      latest.cancel();
      dialog.close();
      release();
      dialog.el.remove();
    },
  };
}
