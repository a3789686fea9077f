// Typed client of the search-service (contracts/search-service.yaml).
import createClient from 'openapi-fetch';
import { restOfPath, type components, type paths } from './generated/search-service';
import { unwrap } from './problem';
import { apiTokenMiddleware } from './token';
import { contractUrls } from './url';

export const searchApi = createClient<paths>({ baseUrl: '' });
searchApi.use(apiTokenMiddleware);
/** URLs of the search-service's operations for requests openapi-fetch does not send (download links). */
export const searchUrls = contractUrls<paths>(restOfPath);

/** The id of a search-service job from the URL the service hands out to poll it (GET /api/search/jobs/{id}). */
export function searchJobId(url: string): string | undefined {
  return searchUrls.match('/api/search/jobs/{id}', url)?.id;
}

/**
 * GET /api/search/jobs/{id}; with waitMs, the service answers as soon as the job changes (long-poll), at the
 * latest after waitMs.
 */
export async function getSearchJob(id: string, signal: AbortSignal, waitMs?: number): Promise<Job> {
  const query = waitMs === undefined ? undefined : { wait: waitMs };
  return unwrap(await searchApi.GET('/api/search/jobs/{id}', { params: { path: { id }, query }, signal }));
}

export type SearchResults = components['schemas']['SearchResults'];
export type Hit = components['schemas']['Hit'];
export type Job = components['schemas']['Job'];
export type PartialResults = components['schemas']['PartialResults'];
export type QueryRequest = components['schemas']['QueryRequest'];
export type Collection = components['schemas']['Collection'];
export type Item = components['schemas']['Item'];

/** Sends a plain object as multipart/form-data (Blob values as files, the rest as text fields). */
export function formData(body: Record<string, string | Blob | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (value instanceof File) form.append(name, value, value.name);
    else form.append(name, value);
  }
  return form;
}

/** Tells a 202 job answer from a 200 result answer of /query and /query-image. */
export function isJob(body: SearchResults | Job | undefined, status: number): body is Job {
  return status === 202 && body !== undefined && typeof (body as Job).job === 'string';
}

export type EvaluationResult = components['schemas']['EvaluationResult'];
export type ClassScores = components['schemas']['ClassScores'];
export type Leaderboard = components['schemas']['Leaderboard'];
export type LeaderboardRow = components['schemas']['LeaderboardRow'];
export type LeaderboardModel = components['schemas']['LeaderboardModel'];
export type Projection = components['schemas']['Projection'];
export type ProjectedPoint = components['schemas']['ProjectedPoint'];
export type Duplicates = components['schemas']['Duplicates'];
