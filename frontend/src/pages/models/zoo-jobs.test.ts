import { describe, expect, it } from 'vitest';
import { downloadFraction, downloadText, failureMessage, runningDownloads } from './zoo-jobs';

describe('model downloads', () => {
  it('count bytes', () => {
    expect(downloadFraction({ state: 'running', done: 1024, total: 4096 })).toBe(0.25);
    expect(downloadFraction({ state: 'running', done: 10, total: 0, progress: 0.5 })).toBe(0.5);
    expect(downloadText({ state: 'running', done: 1024 * 1024, total: 4 * 1024 * 1024 })).toBe('1.0 MB of 4.0 MB');
    expect(downloadText({ state: 'running', done: 2048, total: 0 }, 4952222)).toBe('2.0 KB of 4.7 MB');
    expect(downloadText({ state: 'running', done: 2048, total: 0 })).toBe('2.0 KB received');
    expect(downloadText({ state: 'queued' })).toBe('waiting to start…');
  });

  it('say why they failed', () => {
    expect(failureMessage({ state: 'failed', message: 'm', error: { detail: 'cannot connect' } })).toBe('cannot connect');
    expect(failureMessage({ state: 'failed', message: 'm' })).toBe('m');
    expect(failureMessage({ state: 'cancelled' })).toMatch(/cancelled/);
  });

  it('find the downloads still running, newest first', () => {
    const jobs = [
      { kind: 'model-download', key: 'a', state: 'running' as const, id: '2' },
      { kind: 'model-download', key: 'a', state: 'queued' as const, id: '1' },
      { kind: 'model-download', key: 'b', state: 'failed' as const, id: '0' },
    ];
    expect([...runningDownloads(jobs)].map(([k, j]) => `${k}:${j.id}`)).toEqual(['a:2']);
  });
});
