import { describe, expect, it } from 'vitest';
import { delay, Latest } from './latest';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('stale-response guard', () => {
  it('makes earlier tickets stale and aborts them', () => {
    const latest = new Latest();
    const a = latest.begin();
    expect(a.isCurrent()).toBe(true);
    const b = latest.begin();
    expect(a.isCurrent()).toBe(false);
    expect(a.signal.aborted).toBe(true);
    expect(b.isCurrent()).toBe(true);
    expect(b.signal.aborted).toBe(false);
    latest.cancel();
    expect(b.isCurrent()).toBe(false);
    expect(b.signal.aborted).toBe(true);
  });

  it('drops a slow answer that arrives after a newer one', async () => {
    const latest = new Latest();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = latest.run(() => slow.promise);
    const second = latest.run(() => fast.promise);
    fast.resolve('new');
    slow.resolve('old');
    expect(await second).toEqual({ value: 'new' });
    expect(await first).toBeUndefined();
  });

  it('swallows the errors of stale requests but not of the current one', async () => {
    const latest = new Latest();
    const stale = latest.run(async () => {
      await Promise.resolve();
      throw new Error('late failure');
    });
    latest.begin();
    await expect(stale).resolves.toBeUndefined();
    await expect(latest.run(async () => { throw new Error('now'); })).rejects.toThrow('now');
  });

  it('delay rejects with an AbortError when aborted', async () => {
    const controller = new AbortController();
    const waiting = delay(10_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(delay(1)).resolves.toBeUndefined();
  });
});
