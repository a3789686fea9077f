// The progress bar shown while the search-service builds a collection.
import './progress.css';
import type { Job } from '../../api/search';
import { h } from '../../lib/dom';
import { formatInt } from '../../lib/format';
import { jobFraction } from './jobs';

export interface ProgressView {
  readonly el: HTMLElement;
  /**
   * Shows the job's progress under a title such as "Building the collection for …"; docked below the area
   * instead of over it when the area shows something meanwhile (partial results).
   */
  show(job: Job, title: string, docked?: boolean): void;
  /** Docks the panel below the area (true) or lays it over the area (false). */
  dock(docked: boolean): void;
  hide(): void;
}

/** "32 / 200 images" for a collection build; "41%" for other work, whose steps are not images. */
export function progressCounts(job: Job, percent: number): string {
  const build = job.kind === undefined || job.kind === 'collection-build';
  if (build && job.total) return `${formatInt(job.done ?? 0)} / ${formatInt(job.total)} images`;
  return job.state === 'queued' ? '' : `${percent}%`;
}

export function createProgress(): ProgressView {
  const title = h('p', { class: 'progress-title' });
  const message = h('p', { class: 'progress-message' });
  const fill = h('div', { class: 'progress-fill' });
  const bar = h(
    'div',
    { class: 'progress-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': 'Progress' },
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
    show(job, heading, docked = false) {
      el.classList.toggle('is-docked', docked);
      const percent = Math.round(jobFraction(job) * 100);
      title.textContent = heading;
      bar.setAttribute('aria-label', heading);
      message.textContent = job.message || (job.state === 'queued' ? 'waiting to start…' : 'working…');
      counts.textContent = progressCounts(job, percent);
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', `${percent}% – ${message.textContent}`);
      el.hidden = false;
    },
    dock(docked) {
      el.classList.toggle('is-docked', docked);
    },
    hide() {
      el.hidden = true;
      el.classList.remove('is-docked');
    },
  };
}
