import { describe, expect, it } from 'vitest';
import { featureJobId } from '../../api/features';
import type { Job } from '../../api/search';
import { jobFailureMessage, jobFraction, jobIdFromUrl, waitForJob } from './jobs';

describe('collection build jobs', () => {
  it('takes the id from the job URL', () => {
    expect(jobIdFromUrl('/api/search/jobs/9873c3f5-5357')).toBe('9873c3f5-5357');
    expect(jobIdFromUrl('http://host/api/search/jobs/abc?x=1')).toBe('abc');
    expect(() => jobIdFromUrl('/api/features/extractions/abc')).toThrow(/cannot be polled/);
    expect(() => jobIdFromUrl(undefined)).toThrow();
    expect(jobIdFromUrl('/api/search/jobs/a%2Fb%20c')).toBe('a/b c');
    expect(() => jobIdFromUrl('/api/search/jobs/a/b')).toThrow(/cannot be polled/);
    expect(jobIdFromUrl('/playground/api/search/jobs/abc')).toBe('abc');
    expect(jobIdFromUrl('/api/features/jobs/c72e261b', featureJobId, 'feature-service')).toBe('c72e261b');
    expect(() => jobIdFromUrl('/api/search/jobs/x', featureJobId, 'feature-service')).toThrow(/feature-service answered/);
  });

  it('polls until the job ends and reports every state', async () => {
    const states: Job[] = [
      { job: '/api/search/jobs/j1', state: 'running', done: 32, total: 200, progress: 0.16 },
      { job: '/api/search/jobs/j1', state: 'succeeded', done: 200, total: 200, progress: 1 },
    ];
    const polled: string[] = [];
    const seen: (string | undefined)[] = [];
    const final = await waitForJob({ job: '/api/search/jobs/j1', state: 'queued' }, {
      poll: async (id) => {
        polled.push(id);
        return states.shift()!;
      },
      onProgress: (j) => seen.push(j.state),
      signal: new AbortController().signal,
      intervalMs: 1,
    });
    expect(final.state).toBe('succeeded');
    expect(polled).toEqual(['j1', 'j1']);
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
  });

  it('stops polling when aborted', async () => {
    const controller = new AbortController();
    let polls = 0;
    const waiting = waitForJob({ job: '/api/search/jobs/j2', state: 'running' }, {
      poll: async () => {
        polls++;
        controller.abort();
        return { job: '/api/search/jobs/j2', state: 'running' };
      },
      onProgress: () => undefined,
      signal: controller.signal,
      intervalMs: 1,
    });
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(polls).toBe(1);
  });

  it('explains failures and measures progress', () => {
    expect(jobFailureMessage({ state: 'failed', error: { detail: 'model file corrupt' }, message: 'failed' })).toBe('model file corrupt');
    expect(jobFailureMessage({ state: 'cancelled', message: 'cancelled by a user' })).toBe('cancelled by a user');
    expect(jobFailureMessage({ state: 'cancelled', key: 'a/b/c/avg' })).toBe('building the collection a/b/c/avg cancelled');
    expect(jobFraction({ progress: 0.5 })).toBe(0.5);
    expect(jobFraction({ done: 50, total: 200 })).toBe(0.25);
    expect(jobFraction({})).toBe(0);
  });
});
