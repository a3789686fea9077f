// The Models page: the model list, one model's page (layer table and graph) and one layer's view, all
// under #/models. Following a link between them adds a history entry; changing a filter or an image
// only rewrites the current one.
import './models.css';
import type { Model } from '../../api/catalog';
import { catalogApi } from '../../api/catalog';
import { errorMessage, unwrap } from '../../api/problem';
import { h } from '../../lib/dom';
import { Latest } from '../../lib/latest';
import type { Banner } from '../../ui/banner';
import { confirmAction } from '../../ui/confirm';
import { loadLists, reloadLists, type Lists } from '../common/lists';
import { createImportDialog } from './import-dialog';
import { replaceHash, type Page } from '../common/page';
import { createLayerView } from './layer-view';
import { createModelList } from './list';
import { createModelView } from './model-view';
import { modelsHash, parseModelsHash, type ModelsRoute } from './state';

/** One of the three views; the page swaps them as the route changes. */
export interface View {
  readonly el: HTMLElement;
  /** Whether this view shows the route (then apply() takes it over without a new view). */
  shows(route: ModelsRoute): boolean;
  apply(route: ModelsRoute): void;
  currentHash(): string;
  dispose(): void;
}

export interface ViewContext {
  banner: Banner;
  lists: Lists;
  /** Rewrites the URL hash for a change inside the view (no history entry). */
  replace(route: ModelsRoute): void;
  /** Deletes an imported or downloaded model (after asking); the list is shown then. */
  remove(model: Model, opener: HTMLElement): void;
}

export function mountModelsPage(banner: Banner, hash: string): Page {
  const el = h('div', { class: 'analysis-page models-page', 'data-testid': 'models-page' });
  const loading = new Latest();
  let route = parseModelsHash(hash);
  let view: View | undefined;
  let list: ReturnType<typeof createModelList> | undefined;
  let ids: string[] = [];
  const importDialog = createImportDialog(() => void modelsChanged());

  /** A model joined or left the catalog: the lists are fetched again and the list shows them. */
  async function modelsChanged(): Promise<void> {
    const lists = await reloadLists();
    if (lists.failure) {
      banner.show(lists.failure);
      return;
    }
    ids = lists.models.map((m) => m.id ?? '');
    if (view === list) list?.update(lists.models);
  }

  async function remove(model: Model, opener: HTMLElement): Promise<void> {
    const id = model.id ?? '';
    const ok = await confirmAction({
      title: `Delete ${id}?`,
      message: `Its ONNX file and metadata leave the catalog's store (${model.origin === 'download' ? 'downloaded' : 'imported'} models only; the shared ones stay). This cannot be undone.`,
      action: 'Delete model',
      opener,
    });
    if (!ok) return;
    try {
      unwrap(await catalogApi.DELETE('/api/catalog/models/{id}', { params: { path: { id } } }));
    } catch (e) {
      banner.show(errorMessage(e));
      return;
    }
    await modelsChanged();
    if (view !== list) {
      // Deleted from its own page: back to the list (a new history entry, as a link would).
      location.hash = modelsHash({ view: 'list' });
      return;
    }
    // The card (and its button) is gone: focus goes to the list's main action.
    list?.focusImport();
  }

  const context = (lists: Lists): ViewContext => ({
    banner,
    lists,
    replace(next) {
      route = next;
      replaceHash(modelsHash(next));
    },
    remove: (model, opener) => void remove(model, opener),
  });

  /** The catalog's answer for a model the list does not have (its 404 names the valid ids). */
  async function unknownModel(id: string): Promise<string> {
    try {
      unwrap(await catalogApi.GET('/api/catalog/models/{id}', { params: { path: { id } } }));
      return `the model '${id}' is not in the catalog's list; reload to see it`;
    } catch (e) {
      return errorMessage(e);
    }
  }

  function skeleton(): HTMLElement {
    return h(
      'div',
      { class: 'models-loading', 'aria-busy': 'true' },
      h('span', { class: 'skeleton-line' }),
      h('span', { class: 'skeleton-line short' }),
      h('div', { class: 'models-loading-card card' }),
    );
  }

  function notFound(message: string): HTMLElement {
    return h(
      'section',
      { class: 'card models-missing', 'data-testid': 'models-missing' },
      h('h1', { class: 'section-title' }, 'Not found'),
      h('p', {}, message),
      h('a', { class: 'button button-secondary', href: modelsHash({ view: 'list' }) }, 'All models'),
    );
  }

  async function show(next: ModelsRoute): Promise<void> {
    route = next;
    if (view?.shows(next)) {
      view.apply(next);
      return;
    }
    const ticket = loading.begin();
    view?.dispose();
    view = undefined;
    // A problem of the view left (another layer's refused drawing) is no longer about what is shown.
    banner.hide();
    el.replaceChildren(skeleton());
    window.scrollTo(0, 0);
    const lists = await loadLists();
    if (!ticket.isCurrent()) return;
    if (lists.models.length === 0) {
      banner.show(lists.failure || lists.notes.join('; ') || 'the model catalog lists no models');
      el.replaceChildren(notFound('No models to show: the model catalog did not list any.'));
      return;
    }
    const ctx = context(lists);
    let model: Model | undefined;
    if (next.view !== 'list') {
      model = lists.models.find((m) => m.id === next.model);
      if (!model) {
        const message = await unknownModel(next.model);
        if (!ticket.isCurrent()) return;
        banner.show(message);
        el.replaceChildren(notFound(message));
        document.title = 'ConvNet Playground · Models';
        return;
      }
    }
    ids = lists.models.map((m) => m.id ?? '');
    if (next.view === 'list') {
      list = createModelList(lists.models, {
        onImport: (opener) => importDialog.open(opener, ids),
        onDelete: (m, opener) => void remove(m, opener),
      });
      view = list;
    }
    else if (next.view === 'model') view = createModelView(ctx, model!, next);
    else view = createLayerView(ctx, model!, next);
    el.replaceChildren(view.el);
    document.title = `ConvNet Playground · ${next.view === 'list' ? 'Models' : next.view === 'model' ? next.model : `${next.layer} · ${next.model}`}`;
  }

  void show(route);

  return {
    el,
    applyLink(next) {
      void show(parseModelsHash(next));
    },
    currentHash: () => view?.currentHash() ?? modelsHash(route),
    dispose() {
      loading.cancel();
      view?.dispose();
      importDialog.dispose();
    },
  };
}
