// The Evaluation page: how well one collection retrieves its own classes, and the leaderboard that
// compares every model's feature layers on a dataset.
import { errorMessage, isAbort } from '../../api/problem';
import { searchApi, type EvaluationResult } from '../../api/search';
import { h } from '../../lib/dom';
import { Latest } from '../../lib/latest';
import type { Banner } from '../../ui/banner';
import { replaceHash, type Page } from '../common/page';
import { resolveJobs } from '../common/resolve';
import { createCollectionSelection } from '../common/selection';
import type { CollectionChoice } from '../search/controls';
import { createCollectionReport } from './collection';
import { createLeaderboard } from './leaderboard';
import { evaluationHash, parseEvaluationHash } from './state';

export function mountEvaluationPage(banner: Banner, hash: string): Page {
  const link = parseEvaluationHash(hash);
  const report = createCollectionReport(() => {
    banner.hide();
    evaluate(selection.get());
  });
  const evaluating = new Latest();
  const board = createLeaderboard(banner, () => writeHash());
  const selection = createCollectionSelection({
    banner,
    label: 'Evaluation settings',
    onChange: (c, previous) => {
      writeHash();
      if (key(c) !== key(previous)) evaluate(c);
    },
    onUnavailable: (message) => report.error(message),
  });

  const el = h(
    'div',
    { class: 'analysis-page evaluation-page' },
    h('h1', { class: 'visually-hidden' }, 'Evaluation'),
    selection.controls.el,
    report.el,
    board.el,
  );

  const key = (c: CollectionChoice) => [c.dataset, c.model, c.layer, c.metric, c.pooling].join('|');

  function writeHash() {
    replaceHash(evaluationHash(selection.get(), board.get()));
  }

  async function evaluate(c: CollectionChoice) {
    if (!selection.isComplete(c)) return;
    const ticket = evaluating.begin();
    report.loading(c);
    try {
      const result = await resolveJobs<EvaluationResult>(
        (signal) =>
          searchApi.GET('/api/search/evaluation', {
            params: { query: { dataset: c.dataset, model: c.model, layer: c.layer, metric: c.metric, pooling: c.pooling } },
            signal,
          }),
        { signal: ticket.signal, onJob: (job) => ticket.isCurrent() && report.building(job, c) },
      );
      if (ticket.isCurrent()) report.ready(result, c);
    } catch (e) {
      if (!ticket.isCurrent() || isAbort(e)) return;
      const message = errorMessage(e);
      report.error(message);
      banner.show(message);
    }
  }

  void selection.apply({ pooling: 'avg', ...link.collection }, true);
  void selection.lists.then((l) => board.setLists(l.datasets, l.models, l.metrics, link.board));

  return {
    el,
    applyLink(next) {
      const parsed = parseEvaluationHash(next);
      void selection.apply({ pooling: 'avg', ...parsed.collection }, true);
      board.apply(parsed.board);
    },
    currentHash: () => evaluationHash(selection.get(), board.get()),
    dispose() {
      evaluating.cancel();
      selection.dispose();
      board.dispose();
    },
  };
}
