// Typed client of the search-service (contracts/search-service.yaml).
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/search-service';

export const searchApi = createClient<paths>({ baseUrl: '' });

export type SearchResults = components['schemas']['SearchResults'];
export type Hit = components['schemas']['Hit'];
export type Job = components['schemas']['Job'];
export type QueryRequest = components['schemas']['QueryRequest'];

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
