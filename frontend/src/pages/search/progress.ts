// The progress bar shown while the search-service builds a collection.
import type { Job } from '../../api/search';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { jobFraction } from './jobs';

export interface ProgressView {
  readonly el: HTMLElement;
  show(job: Job, what: string): void;
  hide(): void;
}

export function createProgress(): ProgressView {
  const title = h('p', { class: 'progress-title' });
  const message = h('p', { class: 'progress-message' });
  const fill = h('div', { class: 'progress-fill' });
  const bar = h(
    'div',
    { class: 'progress-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': 'Building the collection' },
    fill,
  );
  const counts = h('p', { class: 'progress-counts' });
  const el = h(
    'div',
    { class: 'progress-panel', hidden: true, 'data-testid': 'progress' },
    h('div', { class: 'progress-card' }, title, bar, h('div', { class: 'progress-foot' }, message, counts)),
  );
  return {
    el,
    show(job, what) {
      const percent = Math.round(jobFraction(job) * 100);
      title.textContent = `Building the collection for ${what}`;
      message.textContent = job.message || (job.state === 'queued' ? 'waiting to start…' : 'working…');
      counts.textContent = job.total ? `${formatInt(job.done ?? 0)} / ${formatInt(job.total)} images` : '';
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', `${percent}% – ${message.textContent}`);
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
    },
  };
}
