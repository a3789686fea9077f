// The "Zoo" part of "Import a model": well-known ImageNet CNNs the catalog can download, each with its
// size and licence, a Download button and, while it downloads, its byte progress (polled from the
// job). A failed download shows the catalog's reason and can be tried again (it resumes).
import './zoo.css';
import { catalogApi, catalogJobId, type Model } from '../../api/catalog';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { h } from '../../lib/dom';
import { formatBytes } from '../../lib/format';
import { delay } from '../../lib/latest';
import { jobIdFromUrl } from '../search/jobs';
import { modelHref } from './state';
import { downloadFraction, downloadText, failureMessage, isFinished, runningDownloads, type CatalogJob, type ZooModel } from './zoo-jobs';

export interface ZooView {
  readonly el: HTMLElement;
  /** Loads the zoo (again) and joins downloads under way. */
  load(): void;
  /** Stops polling (the page is left); the downloads go on in the catalog. */
  dispose(): void;
}

const POLL_MS = 500;

export function createZoo(onInstalled: (model: Model | undefined) => void): ZooView {
  const status = h('p', { class: 'zoo-status', 'aria-live': 'polite' }, 'Loading the zoo…');
  const list = h('ul', { class: 'zoo-list', 'data-testid': 'zoo-list', 'aria-label': 'Models to download' });
  const el = h(
    'div',
    { class: 'zoo', 'data-testid': 'zoo' },
    h('p', { class: 'field-hint' }, 'CNNs of the ONNX model zoo, fetched from their canonical URLs and checked against their published SHA-256 before they join the catalog.'),
    status,
    list,
  );
  const polls = new Map<string, AbortController>();
  // The row of each model, kept across reloads so a download being followed keeps its row.
  const rows = new Map<string, HTMLElement>();
  let loading: AbortController | undefined;

  function row(z: ZooModel): HTMLElement {
    const id = z.id ?? '';
    const action = h('div', { class: 'zoo-action' });
    const li = h(
      'li',
      { class: 'zoo-item', 'data-testid': 'zoo-item', 'data-zoo': id, 'data-state': z.installed ? 'installed' : 'idle' },
      h(
        'div',
        { class: 'zoo-main' },
        h('p', { class: 'zoo-name' }, h('strong', {}, id), z.family ? h('span', { class: 'family-chip' }, z.family) : null),
        h('p', { class: 'zoo-desc', title: z.notes ?? '' }, z.name ?? ''),
        h('p', { class: 'zoo-meta' }, `${formatBytes(z.sizeBytes)} · ${z.license ?? 'licence unknown'}`),
      ),
      action,
      h('p', { class: 'zoo-error', role: 'alert', 'data-testid': 'zoo-error', hidden: true }),
    );
    if (z.installed) installed(li, id);
    else idle(li, z);
    return li;
  }

  function installed(li: HTMLElement, id: string) {
    li.dataset.state = 'installed';
    li.querySelector<HTMLElement>('.zoo-error')!.hidden = true;
    li.querySelector('.zoo-action')!.replaceChildren(
      h('span', { class: 'zoo-badge' }, 'Installed'),
      h('a', { class: 'button button-secondary', href: modelHref(id) }, 'Open'),
    );
  }

  function idle(li: HTMLElement, z: ZooModel, failure?: string) {
    const id = z.id ?? '';
    li.dataset.state = failure ? 'failed' : 'idle';
    const button = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'zoo-download', 'aria-label': `${failure ? 'Try again to download' : 'Download'} ${id}` }, failure ? 'Try again' : 'Download');
    button.addEventListener('click', () => void start(li, z));
    li.querySelector('.zoo-action')!.replaceChildren(button);
    const error = li.querySelector<HTMLElement>('.zoo-error')!;
    error.textContent = failure ?? '';
    error.hidden = !failure;
  }

  function running(li: HTMLElement, z: ZooModel, job: CatalogJob) {
    li.dataset.state = 'running';
    li.querySelector<HTMLElement>('.zoo-error')!.hidden = true;
    const percent = Math.round(downloadFraction(job) * 100);
    let bar = li.querySelector<HTMLElement>('.zoo-progress');
    if (!bar) {
      const cancel = h('button', { type: 'button', class: 'button button-ghost', 'aria-label': `Cancel the download of ${z.id}` }, 'Cancel');
      cancel.addEventListener('click', () => {
        cancel.disabled = true;
        void catalogApi.DELETE('/api/catalog/jobs/{id}', { params: { path: { id: job.id ?? '' } } }).catch(() => undefined);
      });
      bar = h(
        'div',
        { class: 'zoo-progress', 'data-testid': 'zoo-progress' },
        h('div', { class: 'progress-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': `Download of ${z.id}` }, h('div', { class: 'progress-fill' })),
        h('p', { class: 'zoo-bytes' }),
      );
      li.querySelector('.zoo-action')!.replaceChildren(bar, cancel);
    }
    bar.querySelector<HTMLElement>('.progress-fill')!.style.width = `${percent}%`;
    const text = downloadText(job, z.sizeBytes);
    bar.querySelector('[role="progressbar"]')!.setAttribute('aria-valuenow', String(percent));
    bar.querySelector('[role="progressbar"]')!.setAttribute('aria-valuetext', text);
    bar.querySelector('.zoo-bytes')!.textContent = text;
  }

  async function start(li: HTMLElement, z: ZooModel) {
    const id = z.id ?? '';
    li.querySelector<HTMLButtonElement>('[data-testid="zoo-download"]')?.setAttribute('disabled', '');
    try {
      const job = unwrap(await catalogApi.POST('/api/catalog/zoo/{id}/download', { params: { path: { id } } }));
      void follow(li, z, job);
    } catch (e) {
      idle(li, z, errorMessage(e));
    }
  }

  async function follow(li: HTMLElement, z: ZooModel, first: CatalogJob) {
    const id = z.id ?? '';
    polls.get(id)?.abort();
    const control = new AbortController();
    polls.set(id, control);
    let job = first;
    try {
      const jobId = jobIdFromUrl(job.job, catalogJobId, 'model catalog');
      running(li, z, job);
      while (!isFinished(job)) {
        await delay(POLL_MS, control.signal);
        job = unwrap(await catalogApi.GET('/api/catalog/jobs/{id}', { params: { path: { id: jobId } }, signal: control.signal }));
        running(li, z, job);
      }
      if (job.state === 'succeeded') {
        installed(li, id);
        onInstalled(job.model);
      } else idle(li, z, failureMessage(job));
    } catch (e) {
      if (!isAbort(e)) idle(li, z, errorMessage(e));
    } finally {
      if (polls.get(id) === control) polls.delete(id);
    }
  }

  async function load() {
    loading?.abort();
    const control = new AbortController();
    loading = control;
    try {
      const [zoo, jobs] = await Promise.all([
        catalogApi.GET('/api/catalog/zoo', { signal: control.signal }).then(unwrap),
        catalogApi.GET('/api/catalog/jobs', { signal: control.signal }).then(unwrap).catch(() => [] as CatalogJob[]),
      ]);
      if (control.signal.aborted) return;
      const under = runningDownloads(jobs);
      status.textContent = zoo.length ? `${zoo.length} models, smallest first.` : 'The zoo is empty.';
      const items = zoo.map((z) => {
        const id = z.id ?? '';
        const li = (polls.has(id) && rows.get(id)) || row(z);
        rows.set(id, li);
        const job = under.get(id);
        if (job && !polls.has(id)) void follow(li, z, job);
        return li;
      });
      list.replaceChildren(...items);
      el.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      status.textContent = `The zoo cannot be listed: ${errorMessage(e)}`;
      el.dataset.state = 'error';
    }
  }

  return {
    el,
    load: () => void load(),
    dispose() {
      loading?.abort();
      for (const c of polls.values()) c.abort();
      polls.clear();
    },
  };
}
