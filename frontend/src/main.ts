// The page shell (header with product name, tagline and navigation) and the hash router.
import './styles.css';
import { h, svg } from './lib/dom';
import { createBanner } from './ui/banner';
import { mountSearchPage } from './pages/search';
import { parseHash, SEARCH_ROUTE } from './pages/search/state';

const LOGO = `<svg viewBox="0 0 28 28" width="28" height="28" aria-hidden="true">
  <rect width="28" height="28" rx="7" fill="var(--accent)"/>
  <g fill="#fff">
    <rect x="6" y="6" width="4" height="4" rx="1" opacity=".55"/><rect x="12" y="6" width="4" height="4" rx="1" opacity=".8"/><rect x="18" y="6" width="4" height="4" rx="1" opacity=".55"/>
    <rect x="6" y="12" width="4" height="4" rx="1" opacity=".8"/><rect x="12" y="12" width="4" height="4" rx="1"/><rect x="18" y="12" width="4" height="4" rx="1" opacity=".8"/>
    <rect x="6" y="18" width="4" height="4" rx="1" opacity=".55"/><rect x="12" y="18" width="4" height="4" rx="1" opacity=".8"/><rect x="18" y="18" width="4" height="4" rx="1" opacity=".55"/>
  </g></svg>`;

/** The pages there are; a link is added here when a page exists. */
const PAGES = [{ path: SEARCH_ROUTE, title: 'Semantic Search' }] as const;

function header(active: string): HTMLElement {
  return h(
    'header',
    { class: 'app-header' },
    h(
      'a',
      { class: 'brand', href: `#${SEARCH_ROUTE}` },
      svg(LOGO),
      h('span', { class: 'brand-name' }, 'ConvNet Playground'),
    ),
    h('p', { class: 'tagline' }, 'See what pretrained CNNs see — and search images by it.'),
    h(
      'nav',
      { class: 'nav', 'aria-label': 'Pages' },
      ...PAGES.map((p) => h('a', { href: `#${p.path}`, class: 'nav-link', 'aria-current': p.path === active ? 'page' : undefined }, p.title)),
    ),
  );
}

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  let route = parseHash(location.hash);
  if (route.path !== SEARCH_ROUTE) {
    history.replaceState(null, '', `#${SEARCH_ROUTE}`);
    route = parseHash(location.hash);
  }
  const banner = createBanner();
  const page = mountSearchPage(banner, route.params);
  root.replaceChildren(header(SEARCH_ROUTE), banner.el, h('main', { class: 'app-main', id: 'main' }, page.el));

  // A link pasted or edited in the address bar: apply it when it differs from what is shown.
  window.addEventListener('hashchange', () => {
    const next = parseHash(location.hash);
    if (next.path !== SEARCH_ROUTE) {
      history.replaceState(null, '', page.currentHash());
      return;
    }
    if (location.hash !== page.currentHash()) page.applyLink(next.params);
  });
}

start();
