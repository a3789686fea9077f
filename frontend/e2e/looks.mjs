// Looks: every page and dialog at 1366x768 and 390x844 in two builds of the UI side by side, for a change
// that must not change what a person sees (styles moved between files, say). Both builds talk to the same
// services, so they show the same data.
//
//   CNP_BASE_URL     the build under test (default http://localhost:8080)
//   CNP_COMPARE_URL  the build to compare with, e.g. main's dist served by `CNP_DIST=… PORT=… node server.mjs`
//   CNP_SCREENSHOTS  screenshots go to <dir>/looks/{base,compare}/<view>-<size>.png (default ../target/screenshots)
//   CNP_LOOKS_ONLY   optional: a comma-separated list of view names to run
//
// For every view the computed style, box and text of everything laid out (::before and ::after too) must
// be equal, and the screenshots equal pixel for pixel but for resampling noise (PIXEL_NOISE). Exits 1 with
// the differences otherwise. Every wait polls with a deadline; a view is captured once nothing changes.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, CHROMIUM, CheckFailed, check, until, launchBrowser } from './lib.mjs';

const COMPARE = (process.env.CNP_COMPARE_URL || '').replace(/\/$/, '');
const ONLY = (process.env.CNP_LOOKS_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean);
const READY_MS = 300_000; // a view may first build a collection, index a layer or compute an occlusion map

const CALTECH = 'caltech101-iconic200';
const TINY = 'tinyimagenet200';
const V2 = 'mobilenet_v2_1.0_224';
const V1 = 'mobilenet_v1_0.25_128';
const ELEPHANT = 'elephant/image_0001.jpg';
const SEARCH = `#/search?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&q=${ELEPHANT}`;
const BOARD = `board=${TINY}&models=${V1},squeezenet1.1`;

const SIZES = [
  { name: '1366x768', context: { viewport: { width: 1366, height: 768 } } },
  { name: '390x844', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

/** data-testid → the data-state it must reach. */
const states = (map) => async (page) =>
  page.evaluate((m) => {
    const seen = {};
    for (const [id, want] of Object.entries(m)) seen[id] = document.querySelector(`[data-testid="${id}"]`)?.dataset.state ?? null;
    return { ok: Object.entries(m).every(([id, want]) => seen[id] === want), seen };
  }, map);

const visible = (selector) => async (page) => page.evaluate((s) => {
  const el = document.querySelector(s);
  return { ok: Boolean(el && el.getClientRects().length > 0) };
}, selector);

/**
 * The views: a hash to open, what to do there, and what must be true before it is captured. A "document"
 * view scrolls as a whole and is captured full-page.
 */
const VIEWS = [
  { name: 'search', hash: SEARCH, ready: states({ results: 'ready' }) },
  { name: 'search-advanced', hash: SEARCH, ready: states({ results: 'ready' }), act: (p) => p.click('.advanced-toggle'), then: visible('.advanced-panel') },
  {
    name: 'search-why',
    hash: SEARCH,
    ready: states({ results: 'ready' }),
    act: (p) => p.locator('[data-testid="result"]').first().locator('[data-testid="why-button"]').click(),
    then: states({ 'why-dialog': 'ready' }),
  },
  { name: 'search-add-images', hash: SEARCH, ready: states({ results: 'ready' }), act: (p) => p.click('[data-testid="add-images"]'), then: visible('[data-testid="add-images-dialog"]') },
  { name: 'search-error', hash: `#/search?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&q=elephant/no_such_image.jpg`, ready: visible('[data-testid="error-banner"]:not([hidden])') },
  { name: 'models', hash: '#/models', document: true, ready: async (p) => ({ ok: (await p.$$eval('[data-testid="model-card"]', (c) => c.length)) > 0 }) },
  { name: 'models-import', hash: '#/models', ready: async (p) => ({ ok: (await p.$$eval('[data-testid="model-card"]', (c) => c.length)) > 0 }), act: (p) => p.click('[data-testid="import-model"]'), then: visible('[data-testid="import-form"]') },
  {
    name: 'models-zoo',
    hash: '#/models',
    ready: async (p) => ({ ok: (await p.$$eval('[data-testid="model-card"]', (c) => c.length)) > 0 }),
    act: async (p) => {
      await p.click('[data-testid="import-model"]');
      await p.click('[role="tab"][data-tab="zoo"]');
    },
    then: states({ zoo: 'ready' }),
  },
  { name: 'model', hash: `#/models/${V2}`, document: true, ready: async (p) => ({ ok: await p.$eval('.layer-table-view', (e) => e.dataset.state === 'ready').catch(() => false) }) },
  { name: 'model-graph', hash: `#/models/${V2}?view=graph`, document: true, ready: async (p) => ({ ok: await p.$eval('.graph-view', (e) => e.dataset.state === 'ready').catch(() => false) }) },
  {
    name: 'layer-conv0',
    hash: `#/models/${V2}/layers/Conv2d_0?dataset=${CALTECH}&image=${ELEPHANT}`,
    document: true,
    ready: states({ filters: 'ready', predictions: 'ready', activations: 'ready' }),
  },
  {
    name: 'layer-examples',
    hash: `#/models/${V1}/layers/Conv2d_5_pointwise?dataset=${CALTECH}&image=${ELEPHANT}&channel=7&examples=${TINY}`,
    document: true,
    ready: states({ activations: 'ready', 'channel-examples': 'ready' }),
  },
  { name: 'evaluation', hash: `#/evaluation?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`, document: true, ready: states({ evaluation: 'ready' }) },
  { name: 'evaluation-board', hash: `#/evaluation?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&${BOARD}`, document: true, ready: states({ evaluation: 'ready', leaderboard: 'ready' }) },
  { name: 'map', hash: `#/map?dataset=${CALTECH}&model=${V2}&layer=global_pool`, ready: async (p) => {
    const s = await states({ map: 'ready' })(p);
    const pending = await p.$eval('[data-testid="map-canvas"]', (c) => c.dataset.pending).catch(() => null);
    return { ok: s.ok && pending === '0', s, pending };
  } },
  { name: 'duplicates', hash: `#/duplicates?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`, ready: states({ duplicates: 'ready' }) },
];

/** Nothing is loading: no skeleton or loading frame shows, and every image in view has loaded. */
function settled() {
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('[hidden]');
  const loading = [...document.querySelectorAll('.skeleton, .skeleton-line, .is-loading')].filter(shown).length;
  const inView = (r) => r.width > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const pending = [...document.images].filter((img) => shown(img) && inView(img.getBoundingClientRect()) && !img.complete).length;
  return { ok: loading === 0 && pending === 0, loading, pending };
}

/** Dynamic text (how long a request took) is made the same in both builds before they are compared. */
function normalizeText() {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue.replace(/\b\d+(\.\d+)? (ms|s)\b/g, '0 $2');
    if (t !== n.nodeValue) n.nodeValue = t;
  }
}

/**
 * The computed style (every property but custom ones), box and text of everything laid out, ::before and
 * ::after included, keyed by its place in the tree (tag and child index from <html> down, with its
 * classes for readability). Taken by Chromium in one go (DOMSnapshot.captureSnapshot).
 */
const sessions = new WeakMap();
async function fingerprint(page) {
  if (!sessions.has(page)) {
    const names = await page.evaluate(() => [...getComputedStyle(document.documentElement)].filter((n) => !n.startsWith('--')).sort());
    sessions.set(page, { cdp: await page.context().newCDPSession(page), names });
  }
  const { cdp, names } = sessions.get(page);
  await page.evaluate(normalizeText);
  const snap = await cdp.send('DOMSnapshot.captureSnapshot', { computedStyles: names });
  const str = (i) => (i >= 0 ? snap.strings[i] : '');
  const doc = snap.documents[0];
  const { parentIndex, nodeName, attributes, pseudoType } = doc.nodes;
  const pseudo = new Map((pseudoType?.index ?? []).map((node, j) => [node, str(pseudoType.value[j])]));
  const keys = [];
  const children = new Map();
  for (let i = 0; i < nodeName.length; i++) {
    const parent = parentIndex[i];
    const n = children.get(parent) ?? 0;
    children.set(parent, n + 1);
    const attrs = attributes[i] ?? [];
    let cls = '';
    for (let a = 0; a < attrs.length; a += 2) {
      if (str(attrs[a]) === 'class') cls = str(attrs[a + 1]).trim().split(/\s+/).filter(Boolean).map((c) => `.${c}`).join('');
    }
    const name = pseudo.has(i) ? `::${pseudo.get(i)}` : str(nodeName[i]).toLowerCase();
    keys.push(parent < 0 ? name : `${keys[parent]} > ${name}:${n}${cls}`);
  }
  const out = {};
  doc.layout.nodeIndex.forEach((node, j) => {
    const style = Object.fromEntries(doc.layout.styles[j].map((v, k) => [names[k], str(v)]));
    const box = doc.layout.bounds[j].map((v) => Math.round(v * 100) / 100).join(',');
    (out[keys[node]] ??= []).push({ style, box, text: str(doc.layout.text[j]) });
  });
  return out;
}

/** Opens a view and waits until it is ready and nothing changes any more (transitions over). */
async function open(page, base, view) {
  // A fresh document each time (a new hash alone would keep the last view's dialogs and state).
  await page.goto('about:blank');
  await page.goto(`${base}/${view.hash}`, { waitUntil: 'domcontentloaded' });
  await until(`${view.name} to be ready at ${base}`, () => view.ready(page), READY_MS, 250);
  if (view.act) {
    await view.act(page);
    await until(`${view.name} after its action at ${base}`, () => view.then(page), READY_MS, 250);
  }
  await until(`${view.name} to settle at ${base}`, () => page.evaluate(settled), READY_MS, 250);
  let last = '';
  let shot;
  await until(`${view.name} to stop changing at ${base}`, async () => {
    shot = await fingerprint(page);
    const now = JSON.stringify(shot);
    const stable = now === last;
    last = now;
    return stable ? { ok: true } : { ok: false };
  }, 60_000, 300);
  return shot;
}

/**
 * Headless Chromium without a GPU may resample a scaled photo slightly differently from one paint to the
 * next: two runs of the same build differ in a few hundred pixels by at most 4 levels of a channel. Such
 * pixels are counted but only a larger difference fails the comparison.
 */
const PIXEL_NOISE = 8;

/** Counts the pixels that differ between two PNGs (decoded by the browser). */
async function pixelDiff(page, a, b) {
  return page.evaluate(async ([x, y, noise]) => {
    const load = async (b64) => createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const [ia, ib] = await Promise.all([load(x), load(y)]);
    if (ia.width !== ib.width || ia.height !== ib.height) return { size: [`${ia.width}x${ia.height}`, `${ib.width}x${ib.height}`], pixels: -1 };
    const data = (img) => {
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, img.width, img.height).data;
    };
    const da = data(ia);
    const db = data(ib);
    let pixels = 0;
    let strong = 0;
    let maxDelta = 0;
    const box = [Infinity, Infinity, -1, -1];
    for (let i = 0; i < da.length; i += 4) {
      if (da[i] === db[i] && da[i + 1] === db[i + 1] && da[i + 2] === db[i + 2] && da[i + 3] === db[i + 3]) continue;
      pixels++;
      const delta = Math.max(Math.abs(da[i] - db[i]), Math.abs(da[i + 1] - db[i + 1]), Math.abs(da[i + 2] - db[i + 2]), Math.abs(da[i + 3] - db[i + 3]));
      maxDelta = Math.max(maxDelta, delta);
      if (delta > noise) strong++;
      const x = (i / 4) % ia.width;
      const y = Math.floor(i / 4 / ia.width);
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    }
    return { pixels, strong, maxDelta, box: pixels ? `x ${box[0]}..${box[2]}, y ${box[1]}..${box[3]}` : '' };
  }, [a.toString('base64'), b.toString('base64'), PIXEL_NOISE]);
}

function describeDifferences(a, b) {
  const out = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(k in a) || !(k in b)) {
      out.push(`${k}: laid out only in ${k in a ? 'base' : 'compare'}`);
      continue;
    }
    if (a[k].length !== b[k].length) out.push(`${k}: ${a[k].length} vs ${b[k].length} layout boxes`);
    a[k].forEach((x, i) => {
      const y = b[k][i];
      if (!y) return;
      for (const p of Object.keys(x.style)) if (x.style[p] !== y.style[p]) out.push(`${k} ${p}: '${x.style[p]}' vs '${y.style[p]}'`);
      if (x.box !== y.box) out.push(`${k} box: ${x.box} vs ${y.box}`);
      if (x.text !== y.text) out.push(`${k} text: '${x.text}' vs '${y.text}'`);
    });
  }
  return out;
}

async function main() {
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  check(COMPARE, 'set CNP_COMPARE_URL to the build to compare with');
  const views = ONLY.length ? VIEWS.filter((v) => ONLY.includes(v.name)) : VIEWS;
  check(views.length > 0, `no view named ${ONLY.join(', ')}; the views are ${VIEWS.map((v) => v.name).join(', ')}`);
  for (const side of ['base', 'compare']) await mkdir(path.join(SHOTS, 'looks', side), { recursive: true });
  const browser = await launchBrowser();
  const failures = [];
  const lines = [];
  try {
    for (const size of SIZES) {
      const contexts = [await browser.newContext(size.context), await browser.newContext(size.context)];
      const pages = await Promise.all(contexts.map((c) => c.newPage()));
      const errors = [[], []];
      pages.forEach((p, i) => p.on('pageerror', (e) => errors[i].push(e.message)));
      for (const view of views) {
        const label = `${view.name} ${size.name}`;
        // One after the other: the services answer the second build from their caches.
        const prints = [];
        for (const [i, url] of [BASE, COMPARE].entries()) prints.push(await open(pages[i], url, view));
        const shots = [];
        for (const [i, side] of ['base', 'compare'].entries()) {
          const shot = await pages[i].screenshot({ fullPage: Boolean(view.document) });
          await writeFile(path.join(SHOTS, 'looks', side, `${view.name}-${size.name}.png`), shot);
          shots.push(shot);
        }
        const diff = await pixelDiff(pages[0], shots[0], shots[1]);
        const elements = Object.keys(prints[0]).length;
        const details = describeDifferences(prints[0], prints[1]);
        if (details.length) failures.push(`${label}: ${details.length} differences:\n    ${details.slice(0, 40).join('\n    ')}${details.length > 40 ? `\n    … ${details.length - 40} more` : ''}`);
        if (diff.size || diff.strong > 0) failures.push(`${label}: the screenshots differ (${diff.size ? `sizes ${diff.size.join(' vs ')}` : `${diff.strong} pixels by more than ${PIXEL_NOISE} levels in ${diff.box}`})`);
        lines.push(`${label}: ${elements} boxes, ${details.length ? `${details.length} differences` : 'styles, boxes and text equal'}; screenshot ${diff.size ? 'of another size' : diff.pixels === 0 ? 'equal' : `${diff.strong ? 'differs' : 'equal but for resampling noise'} (${diff.pixels} pixels in ${diff.box}, by at most ${diff.maxDelta})`}`);
        console.log(`  - ${lines.at(-1)}`);
      }
      for (const [i, e] of errors.entries()) if (e.length) failures.push(`page errors in ${i ? 'compare' : 'base'} at ${size.name}: ${e.join('; ')}`);
      await Promise.all(contexts.map((c) => c.close()));
    }
  } finally {
    await browser.close();
  }
  if (failures.length) throw new CheckFailed(`${failures.length} difference(s):\n  ${failures.join('\n  ')}`);
}

const started = Date.now();
try {
  await main();
  console.log(`looks: ${BASE} and ${COMPARE} look the same (${Math.round((Date.now() - started) / 1000)} s; screenshots in ${path.join(SHOTS, 'looks')})`);
} catch (e) {
  console.error(`looks FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, compare ${COMPARE}, screenshots ${path.join(SHOTS, 'looks')})`);
  process.exit(1);
}
