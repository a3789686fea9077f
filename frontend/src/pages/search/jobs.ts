// Waiting for a collection build: poll the job every 400 ms until it ends.
import { searchJobId, type Job } from '../../api/search';
import { ApiError } from '../../api/problem';
import { delay } from '../../lib/latest';

export const POLL_INTERVAL_MS = 400;

/** What polling needs of a job of any service: the URL to poll and its state. */
export type PolledJob = Pick<Job, 'job' | 'state'>;

export function isFinished(job: Pick<Job, 'state'>): boolean {
  return job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled';
}

/** Reads the job id from a URL a service handed out to poll (undefined: not a job URL of that service). */
export type JobIdOf = (url: string) => string | undefined;

/**
 * The job id in the URL a service hands out to poll, e.g. "/api/search/jobs/0f8c…" → "0f8c…" (the
 * search-service's GET /api/search/jobs/{id} by default; featureJobId, catalogJobId for the others).
 */
export function jobIdFromUrl(url: string | undefined, idOf: JobIdOf = searchJobId, service = 'search-service'): string {
  const id = url ? idOf(url) : undefined;
  if (!id) throw new ApiError(`the ${service} answered with a job URL that cannot be polled: '${url ?? ''}'`);
  return id;
}

export interface WaitOptions<J extends PolledJob = Job> {
  poll(id: string, signal: AbortSignal): Promise<J>;
  onProgress(job: J): void;
  signal: AbortSignal;
  intervalMs?: number;
  /** How to read the job id from its URL (the search-service's by default), and the service, for messages. */
  jobIdOf?: JobIdOf;
  service?: string;
}

/** Polls the job's `job` URL until it has succeeded, failed or been cancelled; returns the final job. */
export async function waitForJob<J extends PolledJob = Job>(job: J, options: WaitOptions<J>): Promise<J> {
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const id = jobIdFromUrl(job.job, options.jobIdOf, options.service);
  let current = job;
  options.onProgress(current);
  while (!isFinished(current)) {
    await delay(interval, options.signal);
    current = await options.poll(id, options.signal);
    options.onProgress(current);
  }
  return current;
}

/** Why a finished job did not succeed, for people. */
export function jobFailureMessage(job: Job): string {
  return job.error?.detail || job.message || `building the collection ${job.key ?? ''} ${job.state ?? 'ended'}`.replace(/\s+/g, ' ');
}

/** "extracting features: 32 of 200 images" with a fraction 0..1 (progress, else done/total). */
export function jobFraction(job: Job): number {
  if (typeof job.progress === 'number' && Number.isFinite(job.progress)) return Math.min(1, Math.max(0, job.progress));
  if (job.total && job.done !== undefined) return Math.min(1, job.done / job.total);
  return 0;
}
