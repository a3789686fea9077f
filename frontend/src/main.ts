// The page shell (header with product name, tagline and navigation) and the hash router.
// First the styles every page shares, in cascade order. Each page and widget then imports its own
// stylesheet, kept beside its code, as its first import: a page's styles come before those of its parts.
import './styles/base.css';
import './ui/controls.css';
import './ui/card.css';
import './ui/bars.css';
import './ui/table.css';
import './pages/common/page.css';
import './shell.css';
import { h, svg } from './lib/dom';
import { parseRoute } from './lib/hash';
import { createBanner } from './ui/banner';
import { askForToken } from './ui/token-dialog';
import { createInferenceFooter } from './footer';
import { apiToken } from './api/token';
import type { MountPage, Page } from './pages/common/page';
import { mountSearchPage } from './pages/search';
import { parseHash, SEARCH_ROUTE } from './pages/search/state';
import { EVALUATION_ROUTE } from './pages/evaluation/state';
import { mountEvaluationPage } from './pages/evaluation';
import { MAP_ROUTE } from './pages/map/state';
import { mountMapPage } from './pages/map';
import { DUPLICATES_ROUTE } from './pages/duplicates/state';
import { mountDuplicatesPage } from './pages/duplicates';
import { MODELS_ROUTE } from './pages/models/state';
import { mountModelsPage } from './pages/models';

const LOGO = `<svg viewBox="0 0 28 28" width="28" height="28" aria-hidden="true">
  <rect width="28" height="28" rx="7" fill="var(--accent)"/>
  <g fill="#fff">
    <rect x="6" y="6" width="4" height="4" rx="1" opacity=".55"/><rect x="12" y="6" width="4" height="4" rx="1" opacity=".8"/><rect x="18" y="6" width="4" height="4" rx="1" opacity=".55"/>
    <rect x="6" y="12" width="4" height="4" rx="1" opacity=".8"/><rect x="12" y="12" width="4" height="4" rx="1"/><rect x="18" y="12" width="4" height="4" rx="1" opacity=".8"/>
    <rect x="6" y="18" width="4" height="4" rx="1" opacity=".55"/><rect x="12" y="18" width="4" height="4" rx="1" opacity=".8"/><rect x="18" y="18" width="4" height="4" rx="1" opacity=".55"/>
  </g></svg>`;

const mountSearch: MountPage = (banner, hash) => {
  const page = mountSearchPage(banner, parseHash(hash).params);
  return { ...page, applyLink: (next) => page.applyLink(parseHash(next).params) };
};

/**
 * The pages there are, in navigation order. A "document" page scrolls as a whole; the others fill the
 * window and scroll inside their panes. A "nested" page also owns the paths below its own
 * (#/models/<id>/…), and its bare navigation link leads to its top (the model list).
 */
const PAGES: readonly { path: string; title: string; short?: string; mount: MountPage; document?: boolean; nested?: boolean }[] = [
  { path: SEARCH_ROUTE, title: 'Semantic Search', short: 'Search', mount: mountSearch },
  { path: MODELS_ROUTE, title: 'Models', mount: mountModelsPage, document: true, nested: true },
  { path: EVALUATION_ROUTE, title: 'Evaluation', mount: mountEvaluationPage, document: true },
  { path: MAP_ROUTE, title: 'Embedding map', short: 'Map', mount: mountMapPage },
  { path: DUPLICATES_ROUTE, title: 'Duplicates', mount: mountDuplicatesPage },
];

function header(): { el: HTMLElement; setActive(path: string): void; setHref(path: string, hash: string): void } {
  // On phones a shorter label is shown; the accessible name stays the full title.
  const links = PAGES.map((p) =>
    p.short
      ? h('a', { href: `#${p.path}`, class: 'nav-link', 'data-path': p.path, 'aria-label': p.title }, h('span', { class: 'nav-full' }, p.title), h('span', { class: 'nav-short' }, p.short))
      : h('a', { href: `#${p.path}`, class: 'nav-link', 'data-path': p.path }, p.title),
  );
  const el = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: `#${SEARCH_ROUTE}` }, svg(LOGO), h('span', { class: 'brand-name' }, 'ConvNet Playground')),
    h('p', { class: 'tagline' }, 'See what pretrained CNNs see — and search images by it.'),
    h('nav', { class: 'nav', 'aria-label': 'Pages' }, ...links),
  );
  return {
    el,
    setHref(path, hash) {
      links.find((a) => a.dataset.path === path)?.setAttribute('href', hash);
    },
    setActive(path) {
      for (const a of links) {
        if (a.dataset.path === path) {
          a.setAttribute('aria-current', 'page');
          a.setAttribute('href', `#${path}`);
        } else a.removeAttribute('aria-current');
      }
    },
  };
}

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  // A refusal for want of the access token (services started with CNP_API_TOKEN) asks for it.
  apiToken.setPrompt(askForToken);
  const banner = createBanner();
  const top = header();
  const main = h('main', { class: 'app-main', id: 'main' });
  const footer = createInferenceFooter();
  root.replaceChildren(top.el, banner.el, main, footer.el);
  void footer.load(root);

  let current: { path: string; page: Page } | undefined;

  function show(hash: string) {
    let { path } = parseRoute(hash);
    let entry = PAGES.find((p) => p.path === path || (p.nested && path.startsWith(`${p.path}/`)));
    if (entry) path = entry.path;
    else {
      entry = PAGES[0]!;
      path = entry.path;
      hash = `#${path}`;
      history.replaceState(null, '', hash);
    }
    if (current?.path === path) {
      const shown = current.page.currentHash();
      // The page's bare link (its navigation link) keeps what it shows; any other link is applied.
      if (hash === `#${path}` && !entry.nested) history.replaceState(null, '', shown);
      else if (hash !== shown) current.page.applyLink(hash);
      return;
    }
    if (current) {
      // The link of the page left leads back to what it showed.
      top.setHref(current.path, current.page.currentHash());
      current.page.dispose();
    }
    banner.hide();
    const page = entry.mount(banner, hash);
    current = { path, page };
    main.className = entry.document ? 'app-main app-main-document' : 'app-main';
    main.replaceChildren(page.el);
    top.setActive(path);
    document.title = `ConvNet Playground · ${entry.title}`;
    window.scrollTo(0, 0);
  }

  show(location.hash);
  // A link followed, pasted or edited in the address bar: show its page, or apply it to the page shown. The link is
  // the event's new URL, not location.hash: a page that wrote its own state into the URL (replaceState) between the
  // change and this handler would otherwise have the link undone.
  window.addEventListener('hashchange', (e) => show(new URL(e.newURL).hash));
}

start();
