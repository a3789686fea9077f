// Runs a search for the current state: by dataset image or by upload, waiting for a collection
// build (202) when needed and showing the partial results the service gives meanwhile (the hits among the
// images stored so far), which the complete answer replaces. Only the latest request's answer is rendered.
import { ApiError, errorMessage, isAbort, problemMessage } from '../../api/problem';
import { formData, getSearchJob, isJob, searchApi, type Job, type SearchResults } from '../../api/search';
import { Latest, type Ticket } from '../../lib/latest';
import { isFinished, jobFailureMessage, nextPartialRefresh, PARTIAL_REFRESH_MS, waitForJob } from './jobs';
import { K, type ResultsView } from './results';
import type { SearchState } from './state';

/** A collection that is still "being built" after this many finished builds is reported, not retried forever. */
const MAX_BUILDS = 3;


export interface Runner {
  run(state: SearchState): void;
  cancel(): void;
}

export function createRunner(results: ResultsView, callbacks: { onError(message: string): void; onResults(r: SearchResults): void }): Runner {
  const latest = new Latest();

  async function ask(s: SearchState, signal: AbortSignal) {
    if (s.upload) {
      return searchApi.POST('/api/search/query-image', {
        body: { image: s.upload, dataset: s.dataset, model: s.model, layer: s.layer, metric: s.metric, k: String(K), pooling: s.pooling },
        bodySerializer: formData,
        signal,
      });
    }
    return searchApi.POST('/api/search/query', {
      body: { dataset: s.dataset, model: s.model, layer: s.layer, metric: s.metric, k: K, queryId: s.q, pooling: s.pooling },
      signal,
    });
  }

  /** Asks the query again now and then while its collection builds, showing the fresher partial results. */
  function partialRefresher(s: SearchState, ticket: Ticket) {
    let asking = false;
    let over = false;
    let shown = false;
    let pause = PARTIAL_REFRESH_MS;
    let last = 0;
    const show = (body: Job) => {
      if (over || !ticket.isCurrent() || !body.partial?.hits?.length) return;
      results.partial(body.partial, s);
      if (shown) pause = nextPartialRefresh(pause);
      shown = true;
      last = Date.now();
    };
    return {
      show,
      /** No more partial results: the build has ended (an answer still on its way is dropped). */
      stop() {
        over = true;
      },
      onChange(job: Job) {
        if (over || asking || isFinished(job) || (shown && Date.now() - last < pause)) return;
        asking = true;
        ask(s, ticket.signal)
          .then((answer) => {
            const body = answer.data as SearchResults | Job | undefined;
            if (isJob(body, answer.response.status)) show(body);
          })
          .catch(() => undefined) // a partial refresh that fails changes nothing: the wait for the build goes on
          .finally(() => {
            asking = false;
          });
      },
    };
  }

  async function run(s: SearchState): Promise<void> {
    const ticket = latest.begin();
    results.loading(s);
    try {
      for (let builds = 0; ; builds++) {
        const answer = await ask(s, ticket.signal);
        if (!ticket.isCurrent()) return;
        if (answer.error !== undefined || !answer.response.ok) {
          throw new ApiError(problemMessage(answer.error, answer.response.status), answer.response.status);
        }
        const body = answer.data as SearchResults | Job | undefined;
        if (isJob(body, answer.response.status)) {
          if (builds >= MAX_BUILDS) {
            throw new ApiError(`the collection ${body.key ?? ''} was built ${MAX_BUILDS} times but the search-service still answers that it is being built`);
          }
          const partials = body.partial ? partialRefresher(s, ticket) : undefined;
          partials?.show(body);
          let job: Job;
          try {
            job = await waitForJob(body, {
              poll: getSearchJob,
              signal: ticket.signal,
              onProgress: (j) => {
                if (!ticket.isCurrent()) return;
                results.building(j, s);
                // the first report is the answer itself: nothing has changed yet
                if (j !== body) partials?.onChange(j);
              },
            });
          } finally {
            partials?.stop();
          }
          if (!ticket.isCurrent()) return;
          if (job.state !== 'succeeded') throw new ApiError(jobFailureMessage(job));
          continue; // the collection exists now: ask again (re-sending an upload)
        }
        if (answer.response.status !== 200 || !body) throw new ApiError(`unexpected answer from the search-service (HTTP ${answer.response.status})`);
        results.ready(body as SearchResults, s);
        callbacks.onResults(body as SearchResults);
        return;
      }
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const message = errorMessage(e);
      results.error(message);
      callbacks.onError(message);
    }
  }

  return {
    run: (s) => void run(s),
    cancel: () => latest.cancel(),
  };
}
