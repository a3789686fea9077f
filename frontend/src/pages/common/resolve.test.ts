import { describe, expect, it } from 'vitest';
import { featureJobId } from '../../api/features';
import type { Job } from '../../api/search';
import { progressCounts } from '../search/progress';
import { resolveJobs, type Answer } from './resolve';

const json = (status: number, data?: unknown, error?: unknown): Answer => ({ data, error, response: new Response(null, { status }) });

describe('requests answered with a job first', () => {
  it('waits for the job, then repeats the request and returns its result', async () => {
    const answers = [json(202, { job: '/api/search/jobs/j1', kind: 'leaderboard', state: 'queued' }), json(200, { rows: [1] })];
    const polls: Job[] = [
      { job: '/api/search/jobs/j1', state: 'running', progress: 0.5, message: 'evaluating' },
      { job: '/api/search/jobs/j1', state: 'succeeded', progress: 1 },
    ];
    const seen: (string | undefined)[] = [];
    let asked = 0;
    const result = await resolveJobs<{ rows: number[] }>(async () => (asked++, answers.shift()!), {
      signal: new AbortController().signal,
      onJob: (j) => seen.push(j.state),
      poll: async () => polls.shift()!,
      intervalMs: 1,
    });
    expect(result).toEqual({ rows: [1] });
    expect(asked).toBe(2);
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
  });

  it('returns a 200 at once', async () => {
    let polled = false;
    const r = await resolveJobs(async () => json(200, { map: 0.769 }), { signal: new AbortController().signal, onJob: () => undefined, poll: async () => ((polled = true), {}) });
    expect(r).toEqual({ map: 0.769 });
    expect(polled).toBe(false);
  });

  it('shows the problem detail of an error answer', async () => {
    const detail = "unknown model 'nope'; expected one of [a, b]";
    await expect(resolveJobs(async () => json(404, undefined, { title: 'Unknown model', detail }), { signal: new AbortController().signal, onJob: () => undefined })).rejects.toMatchObject({ message: detail, status: 404 });
  });

  it('reports a failed job and gives up on endless jobs', async () => {
    const failing = resolveJobs(async () => json(202, { job: '/api/search/jobs/f', state: 'running' }), {
      signal: new AbortController().signal,
      onJob: () => undefined,
      poll: async () => ({ job: '/api/search/jobs/f', state: 'failed', error: { detail: 'the feature-service is unavailable' } }),
      intervalMs: 1,
    });
    await expect(failing).rejects.toMatchObject({ message: 'the feature-service is unavailable' });
    const endless = resolveJobs(async () => json(202, { job: '/api/search/jobs/e', state: 'succeeded', key: 'k' }), {
      signal: new AbortController().signal,
      onJob: () => undefined,
      maxRounds: 2,
      intervalMs: 1,
    });
    await expect(endless).rejects.toThrow(/still answers that k is being computed after 2 finished jobs/);
  });
});

describe('feature-service jobs', () => {
  it('polls /api/features/jobs/{id} job URLs with the feature-service options', async () => {
    const answers = [json(202, { id: 'c7', job: '/api/features/jobs/c7', state: 'running', done: 0, total: 0 }), json(200, { examples: [1, 2] })];
    const polled: string[] = [];
    const result = await resolveJobs<{ examples: number[] }>(async () => answers.shift()!, {
      signal: new AbortController().signal,
      onJob: () => undefined,
      poll: async (id) => (polled.push(id), { job: '/api/features/jobs/c7', state: 'succeeded', done: 200, total: 200 }),
      jobIdOf: featureJobId,
      service: 'feature-service',
      intervalMs: 1,
    });
    expect(result).toEqual({ examples: [1, 2] });
    expect(polled).toEqual(['c7']);
  });

  it('names the feature-service when a job never ends', async () => {
    const endless = resolveJobs(async () => json(202, { job: '/api/features/jobs/e', state: 'succeeded' }), {
      signal: new AbortController().signal,
      onJob: () => undefined,
      maxRounds: 1,
      intervalMs: 1,
      poll: async () => ({ job: '/api/features/jobs/e', state: 'succeeded' }),
      jobIdOf: featureJobId,
      service: 'feature-service',
    });
    await expect(endless).rejects.toThrow(/the feature-service still answers/);
  });
});

describe('progress counts', () => {
  it('counts images for collection builds and percent for other work', () => {
    expect(progressCounts({ kind: 'collection-build', done: 32, total: 200 }, 16)).toBe('32 / 200 images');
    expect(progressCounts({ done: 1200, total: 4000 }, 30)).toBe('1,200 / 4,000 images');
    expect(progressCounts({ kind: 'leaderboard', done: 17000, total: 34000, state: 'running' }, 50)).toBe('50%');
    expect(progressCounts({ kind: 'projection', state: 'queued' }, 0)).toBe('');
  });
});
