// Asks a service for something that may first need work: a 202 answer is a job to wait for (polled
// with the search page's job module), after which the same request is repeated. The search-service by
// default; the feature-service's channel indexing with FEATURE_JOBS.
import { ApiError, problemMessage, unwrap } from '../../api/problem';
import { featureJobId, featuresApi } from '../../api/features';
import { getSearchJob, isJob, type Job } from '../../api/search';
import { jobFailureMessage, waitForJob, type JobIdOf } from '../search/jobs';

/** An openapi-fetch answer. */
export interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface ResolveOptions {
  signal: AbortSignal;
  /** Called with every state of a job being waited for. */
  onJob(job: Job): void;
  /** Polls a job (waiting up to waitMs for a change, when given); the search-service's /api/search/jobs/{id} by default. */
  poll?(id: string, signal: AbortSignal, waitMs?: number): Promise<Job>;
  /** Jobs to wait for before giving up (a result still "being computed" after that many is reported). */
  maxRounds?: number;
  intervalMs?: number;
  /** How to read a job's id from its URL (the search-service's by default), and the service, for messages. */
  jobIdOf?: JobIdOf;
  service?: string;
}

/** Options to wait for the feature-service's jobs instead of the search-service's. */
export const FEATURE_JOBS = { poll: pollFeatureJob, jobIdOf: featureJobId, service: 'feature-service' } as const;

export const MAX_ROUNDS = 4;

export async function pollSearchJob(id: string, signal: AbortSignal, waitMs?: number): Promise<Job> {
  return getSearchJob(id, signal, waitMs);
}

/** GET /api/features/jobs/{id}: its ExtractionJob has the fields of a search-service Job that are polled. */
export async function pollFeatureJob(id: string, signal: AbortSignal): Promise<Job> {
  return unwrap(await featuresApi.GET('/api/features/jobs/{id}', { params: { path: { id } }, signal })) as Job;
}

/**
 * Sends ask() until it answers 200 and returns the body; waits for the job of each 202. Throws an
 * ApiError with the problem's detail for an error answer or a job that did not succeed.
 */
export async function resolveJobs<T>(ask: (signal: AbortSignal) => Promise<Answer>, options: ResolveOptions): Promise<T> {
  const rounds = options.maxRounds ?? MAX_ROUNDS;
  const service = options.service ?? 'search-service';
  for (let round = 0; ; round++) {
    const answer = await ask(options.signal);
    const status = answer.response.status;
    if (answer.error !== undefined || !answer.response.ok) throw new ApiError(problemMessage(answer.error, status), status);
    const body = answer.data as T | Job | undefined;
    if (isJob(body as Job, status)) {
      if (round >= rounds) {
        throw new ApiError(`the ${service} still answers that ${(body as Job).key ?? 'the result'} is being computed after ${rounds} finished jobs`);
      }
      const job = await waitForJob(body as Job, {
        poll: options.poll ?? pollSearchJob,
        signal: options.signal,
        onProgress: options.onJob,
        intervalMs: options.intervalMs,
        jobIdOf: options.jobIdOf,
        service,
      });
      if (job.state !== 'succeeded') throw new ApiError(jobFailureMessage(job));
      continue;
    }
    if (status !== 200 || body === undefined) throw new ApiError(`unexpected answer from the ${service} (HTTP ${status})`);
    return body as T;
  }
}
