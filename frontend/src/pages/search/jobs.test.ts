import { describe, expect, it } from 'vitest';
import { featureJobId } from '../../api/features';
import type { Job } from '../../api/search';
import {
  jobFailureMessage,
  jobFraction,
  jobIdFromUrl,
  longPollWait,
  nextPartialRefresh,
  partialNote,
  PARTIAL_REFRESH_MAX_MS,
  PARTIAL_REFRESH_MS,
  waitForJob,
} from './jobs';

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

  it('long-polls the poll URL the service hands out, asking again as soon as each answer arrives', async () => {
    const poll = '/api/search/jobs/j3?wait=10000';
    const states: Job[] = [
      { job: '/api/search/jobs/j3', poll, state: 'running', done: 16, total: 4000, progress: 0.004 },
      { job: '/api/search/jobs/j3', state: 'succeeded', done: 4000, total: 4000, progress: 1 },
    ];
    const waits: (number | undefined)[] = [];
    const final = await waitForJob({ job: '/api/search/jobs/j3', poll, state: 'queued' }, {
      poll: async (_id, _signal, waitMs) => {
        waits.push(waitMs);
        // the service holds each request until the job changes
        await new Promise((resolve) => setTimeout(resolve, 60));
        return states.shift()!;
      },
      onProgress: () => undefined,
      signal: new AbortController().signal,
      // an interval this long would time the test out: long-polls never wait for it
      intervalMs: 60_000,
    });
    expect(final.state).toBe('succeeded');
    expect(waits).toEqual([10000, 10000]);
  });

  it('falls back to the interval when a long-poll is answered at once with nothing new', async () => {
    const poll = '/api/search/jobs/j4?wait=10000';
    const running: Job = { job: '/api/search/jobs/j4', poll, state: 'running', done: 1, total: 10, progress: 0.1 };
    const answers: Job[] = [running, running, { ...running, state: 'succeeded', poll: undefined }];
    const waits: (number | undefined)[] = [];
    await waitForJob(running, {
      poll: async (_id, _signal, waitMs) => {
        waits.push(waitMs);
        return answers.shift()!;
      },
      onProgress: () => undefined,
      signal: new AbortController().signal,
      intervalMs: 1,
    });
    // the second request is not a long-poll: a proxy that drops ?wait= never turns waiting into a busy loop
    expect(waits).toEqual([10000, undefined, 10000]);
  });

  it('reads the longest wait from the poll URL', () => {
    expect(longPollWait({ poll: '/api/search/jobs/a?wait=10000', state: 'running' })).toBe(10000);
    expect(longPollWait({ poll: '/api/search/jobs/a', state: 'running' })).toBeUndefined();
    expect(longPollWait({ state: 'running' })).toBeUndefined();
    expect(longPollWait({ poll: '/api/search/jobs/a?wait=10000', state: 'succeeded' })).toBeUndefined();
  });

  it('asks for fresher partial results less and less often', () => {
    expect(nextPartialRefresh(PARTIAL_REFRESH_MS)).toBe(2 * PARTIAL_REFRESH_MS);
    let pause = PARTIAL_REFRESH_MS;
    for (let i = 0; i < 10; i++) pause = nextPartialRefresh(pause);
    expect(pause).toBe(PARTIAL_REFRESH_MAX_MS);
  });

  it('notes partial results with how many images they were found among', () => {
    const hit = { id: 'a/1.jpg', label: 'a', distance: 0.1, similarity: 90, rank: 1 };
    expect(partialNote({ done: 1200, total: 4000, fraction: 0.3, hits: [hit, hit] })).toBe(
      'partial: 1,200 of 4,000 images · the 2 most similar so far; the complete results replace them',
    );
  });
});
