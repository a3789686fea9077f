// Waiting for a job until it ends: long-polled at the `poll` URL the service hands out (answered as soon as
// the job changes, so the end is seen the moment it happens), else polled every 400 ms.
import { searchJobId, type Job, type PartialResults } from '../../api/search';
import { ApiError } from '../../api/problem';
import { formatInt } from '../../lib/format';
import { delay } from '../../lib/latest';

export const POLL_INTERVAL_MS = 400;

/** A long-poll answered sooner than this with nothing new was not held by the service (a proxy dropped ?wait=). */
const NOT_HELD_MS = 50;

/** What polling needs of a job of any service: the URL to poll and its state. */
export type PolledJob = Pick<Job, 'job' | 'state'>;

/** What a long-poll reads of a job, when the job has it: where to wait for its next change, and its progress. */
type LongPolled = PolledJob & Partial<Pick<Job, 'poll' | 'done' | 'total' | 'progress' | 'message'>>;

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

/** How long the service offers to hold a request for the job's next change (its `poll` URL's wait); undefined: none. */
export function longPollWait(job: LongPolled): number | undefined {
  if (!job.poll || isFinished(job)) return undefined;
  const wait = Number(new URL(job.poll, 'http://localhost/').searchParams.get('wait'));
  return Number.isFinite(wait) && wait > 0 ? wait : undefined;
}

function sameProgress(a: LongPolled, b: LongPolled): boolean {
  return a.state === b.state && a.done === b.done && a.total === b.total && a.progress === b.progress && a.message === b.message;
}

export interface WaitOptions<J extends PolledJob = Job> {
  /** Fetches the job; with waitMs, asks the service to answer once the job changes (at the latest after waitMs). */
  poll(id: string, signal: AbortSignal, waitMs?: number): Promise<J>;
  onProgress(job: J): void;
  signal: AbortSignal;
  intervalMs?: number;
  /** How to read the job id from its URL (the search-service's by default), and the service, for messages. */
  jobIdOf?: JobIdOf;
  service?: string;
}

/**
 * Follows the job until it has succeeded, failed or been cancelled and returns the final job, reporting every
 * state: asks again as soon as each answer arrives when the service offers to hold the request until the job
 * changes (a `poll` URL), else every intervalMs.
 */
export async function waitForJob<J extends PolledJob = Job>(job: J, options: WaitOptions<J>): Promise<J> {
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const id = jobIdFromUrl(job.job, options.jobIdOf, options.service);
  let current = job;
  let held = true;
  options.onProgress(current);
  while (!isFinished(current)) {
    const wait: number | undefined = held ? longPollWait(current) : undefined;
    if (wait === undefined) await delay(interval, options.signal);
    const asked = Date.now();
    const next = await options.poll(id, options.signal, wait);
    held = wait === undefined || !sameProgress(next, current) || Date.now() - asked >= NOT_HELD_MS;
    current = next;
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

/**
 * While a build runs, the query is asked again for fresher partial results when the job changes: at once while
 * there are none, then no sooner than this after the last, the pause doubling up to PARTIAL_REFRESH_MAX_MS (an
 * upload is sent again each time).
 */
export const PARTIAL_REFRESH_MS = 2000;
export const PARTIAL_REFRESH_MAX_MS = 30_000;

/** When to ask again for partial results: the pause after the last answer, doubling from the first. */
export function nextPartialRefresh(pause: number): number {
  return Math.min(PARTIAL_REFRESH_MAX_MS, pause * 2);
}

/** The note over partial results: how many of the dataset's images they were found among. */
export function partialNote(p: PartialResults): string {
  const hits = p.hits?.length ?? 0;
  return `partial: ${formatInt(p.done ?? 0)} of ${formatInt(p.total ?? 0)} images · the ${hits} most similar so far; the complete results replace them`;
}
