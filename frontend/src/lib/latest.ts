// The stale-response guard: only the latest request's answer is used.

export interface Ticket {
  /** Aborted as soon as a newer request begins (or cancel() is called). */
  readonly signal: AbortSignal;
  /** True while no newer request has begun. */
  isCurrent(): boolean;
}

/**
 * Hands out one ticket per request; beginning a new one makes every earlier ticket stale and aborts
 * its signal, so a slow answer to an old request is never rendered over a newer one.
 */
export class Latest {
  private seq = 0;
  private controller: AbortController | undefined;

  begin(): Ticket {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const id = ++this.seq;
    return { signal: controller.signal, isCurrent: () => id === this.seq };
  }

  /** Makes every ticket handed out so far stale. */
  cancel(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.seq++;
  }

  /** Runs task with a fresh ticket; resolves to its value, or to undefined when it went stale. */
  async run<T>(task: (ticket: Ticket) => Promise<T>): Promise<{ value: T } | undefined> {
    const ticket = this.begin();
    try {
      const value = await task(ticket);
      return ticket.isCurrent() ? { value } : undefined;
    } catch (e) {
      if (!ticket.isCurrent()) return undefined;
      throw e;
    }
  }
}

/** Resolves after ms, or rejects with an AbortError as soon as signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}
