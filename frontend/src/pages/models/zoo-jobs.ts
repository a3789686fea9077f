// Model downloads as the catalog reports them (pure): how far a job is, in bytes, and why it failed.
import type { components } from '../../api/generated/model-catalog-service';
import { formatBytes } from '../../lib/format';

export type CatalogJob = components['schemas']['Job'];
export type ZooModel = components['schemas']['ZooModel'];

export function isFinished(job: CatalogJob): boolean {
  return job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled';
}

/** 0..1 from the bytes (or the job's own fraction while the size is unknown). */
export function downloadFraction(job: CatalogJob): number {
  if (job.total && job.total > 0) return Math.min(1, Math.max(0, (job.done ?? 0) / job.total));
  return typeof job.progress === 'number' && Number.isFinite(job.progress) ? Math.min(1, Math.max(0, job.progress)) : 0;
}

/** "1.2 MB of 4.7 MB" while running, "waiting to start…" while queued; the total from the zoo when the job has none yet. */
export function downloadText(job: CatalogJob, expectedBytes?: number): string {
  if (job.state === 'queued') return 'waiting to start…';
  const total = job.total && job.total > 0 ? job.total : expectedBytes;
  const done = formatBytes(job.done ?? 0);
  return total ? `${done} of ${formatBytes(total)}` : `${done} received`;
}

/** Why a download did not succeed, for people: the problem's detail, else the job's message. */
export function failureMessage(job: CatalogJob): string {
  if (job.state === 'cancelled') return 'the download was cancelled';
  return job.error?.detail || job.message || 'the download failed';
}

/** The running download of each zoo model among the catalog's recent jobs (to join after a reload). */
export function runningDownloads(jobs: readonly CatalogJob[]): Map<string, CatalogJob> {
  const out = new Map<string, CatalogJob>();
  for (const j of jobs) if (j.kind === 'model-download' && j.key && !isFinished(j) && !out.has(j.key)) out.set(j.key, j);
  return out;
}
