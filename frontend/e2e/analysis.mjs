// End-to-end check of the analysis pages (Evaluation with its leaderboard, Embedding map, Duplicates with its
// bounded threshold and truncated pair lists) in headless Chromium against the running system (node server.mjs
// in front of the three services).
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_SCREENSHOTS  where screenshots go (default ../target/screenshots, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Every wait polls a condition with a deadline; any failed check or console error exits 1.
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, CHROMIUM, UI_MS, CheckFailed, check, until, getJson, launchBrowser, screenshots, noSidewaysScroll, pageWatcher } from './lib.mjs';


const BUILD_MS = 180_000; // a collection that needs building first
const BOARD_MS = 300_000; // the leaderboard job: builds 16 collections and evaluates 32 combinations
const TSNE_MS = 180_000;

const CALTECH = 'caltech101-iconic200';
const V2 = 'mobilenet_v2_1.0_224';
const BOARD_DATASET = 'tinyimagenet200';
const BOARD_MODELS = ['mobilenet_v1_0.25_128', 'squeezenet1.1']; // the catalog's (complexity) order
const PERF = { dataset: 'tinyimagenet-val4000', model: 'mobilenet_v1_0.25_128', layer: 'global_pool' };

const log = (line) => console.log(line);
const seen = [];
const screenshot = screenshots(seen);
/** An error answer provoked on purpose (a threshold above the maximum), whose URL holds this text. */
let provoked;
const { watch, checkClean, consoleErrors, abortedRequests, expectedSeen: provokedSeen } = pageWatcher(
  (_method, url, status) => Boolean(provoked) && status === 400 && url.includes(provoked),
);

/** Polls read() until ok(reading) holds; returns that very reading. */
function untilValue(what, read, ok, timeoutMs = UI_MS) {
  return until(what, async () => {
    const v = await read();
    return { ...v, ok: Boolean(ok(v)) };
  }, timeoutMs);
}


/** The data-* of an element and whether the error banner shows, for polling. */
function card(page, testid) {
  return page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    const banner = document.querySelector('[data-testid="error-banner"]:not([hidden]) .banner-text')?.textContent ?? null;
    return el ? { ...el.dataset, banner } : { banner };
  }, testid);
}

async function waitReady(page, testid, expected = {}, timeoutMs = BUILD_MS) {
  let progress = false;
  const r = await until(`${testid} to be ready with ${JSON.stringify(expected)}`, async () => {
    const s = await card(page, testid);
    if (s.state === 'building') progress = true;
    if (s.state === 'error') throw new CheckFailed(`${testid} failed: ${s.banner ?? '(no message)'}`);
    return { ...s, ok: s.state === 'ready' && Object.entries(expected).every(([k, v]) => s[k] === v) };
  }, timeoutMs, 200);
  return { ...r, sawProgress: progress };
}

/** Waits until every visible image has loaded. */
async function visibleImagesLoaded(page) {
  return until('the visible images to load', () =>
    page.evaluate(() => {
      const inside = (r) => r.width > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
      const visible = [...document.images].filter((img) => inside(img.getBoundingClientRect()) && !img.closest('[hidden]'));
      const pending = visible.filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.alt);
      return { ok: pending.length === 0, visible: visible.length, pending };
    }),
  );
}

/** The search page's results once ready (after a link from an analysis page). */
async function searchReady(page, expected, timeoutMs = BUILD_MS) {
  return until(`Semantic Search results for ${JSON.stringify(expected)}`, async () => {
    const s = await card(page, 'results');
    if (s.state === 'error') throw new CheckFailed(`the search failed: ${s.banner}`);
    const cards = await page.$$eval('[data-testid="result"]', (c) => c.length);
    return { ...s, cards, ok: s.state === 'ready' && cards === 50 && Object.entries(expected).every(([k, v]) => s[k] === v) };
  }, timeoutMs, 200);
}

/** Waits until the map's thumbnails in view have loaded. */
async function mapThumbnailsLoaded(page, timeoutMs = 60_000) {
  return until('the map thumbnails to load', () =>
    page.$eval('[data-testid="map-canvas"]', (c) => ({ mode: c.dataset.mode, pending: c.dataset.pending, ok: c.dataset.pending === '0' })),
  timeoutMs, 200);
}

// ---------------------------------------------------------------------------------------------------

async function evaluation(page, context) {
  // (a) This collection.
  await page.goto(`${BASE}/#/evaluation?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`, { waitUntil: 'domcontentloaded' });
  const current = await page.$eval('header nav a[aria-current="page"]', (a) => a.getAttribute('aria-label') ?? a.textContent);
  check(current === 'Evaluation', `the navigation marks '${current}' as the current page`);
  const r = await waitReady(page, 'evaluation', { dataset: CALTECH, model: V2, layer: 'global_pool', metric: 'cosine' });
  const map = Number(r.map);
  check(map >= 0.7 && map <= 0.85, `mAP of ${CALTECH}/${V2}/global_pool/cosine is ${map}, expected between 0.7 and 0.85`);
  const shown = await page.textContent('[data-testid="map"]');
  check(shown === map.toFixed(3), `the mAP tile shows '${shown}' for ${map}`);
  const stats = await page.$$eval('[data-testid="stats"] .stat-title', (t) => t.map((x) => x.textContent));
  check(['mAP', 'Precision at k', 'Recall at k', 'Weighted share', 'Queries'].every((t) => stats.includes(t)), `the stat row lacks a number: ${stats}`);
  const ks = await page.$$eval('[data-testid="stats"] .stat-k-label', (t) => t.map((x) => x.textContent));
  check(ks.join(' ') === '@1 @5 @10 @20 @1 @5 @10 @20', `precision/recall at k show ${ks}`);

  // The per-class table: 10 classes, sorted by mAP; sortable with the mouse and the keyboard.
  const rows = () => page.$$eval('[data-testid="class-table"] tbody tr', (trs) => trs.map((tr) => tr.dataset.label));
  const classes = await rows();
  check(classes.length === 10, `the per-class table has ${classes.length} rows, not 10`);
  check((await page.getAttribute('[data-testid="class-table"] th:nth-child(3)', 'aria-sort')) === 'descending', 'the table is not sorted by mAP at first');
  check(classes[0] === 'grand_piano', `the best class by mAP is '${classes[0]}', expected grand_piano (mAP 1.0)`);
  await page.click('[data-testid="class-table"] th:nth-child(1) button');
  const byName = await rows();
  check(JSON.stringify(byName) === JSON.stringify([...classes].sort()), `clicking Class does not sort by name: ${byName}`);
  check((await page.getAttribute('[data-testid="class-table"] th:nth-child(1)', 'aria-sort')) === 'ascending', 'aria-sort does not follow the sort');
  await page.focus('[data-testid="class-table"] th:nth-child(1) button');
  await page.keyboard.press('Enter');
  const reversed = await rows();
  check(JSON.stringify(reversed) === JSON.stringify([...classes].sort().reverse()), `Enter on the Class header does not reverse the order: ${reversed}`);
  const bars = await page.$$eval('[data-testid="class-table"] .score-fill', (f) => f.map((x) => x.getBoundingClientRect().width));
  check(bars.length === 10 && bars.every((w) => w > 0), `the per-class mAP bars are missing: ${bars}`);
  seen.push(`evaluation ${CALTECH}/${V2}/global_pool/cosine: mAP ${map.toFixed(4)}, ${classes.length} classes (best ${classes[0]}), sorting by click and Enter works`);
  await visibleImagesLoaded(page);
  await screenshot(page, 'evaluation-1366x768.png');

  // (b) The leaderboard of two small models on tinyimagenet200. One of its collections is deleted
  // first (only this test uses the avg-pooled squeezenet1.1 conv1 vectors of tinyimagenet200) so that a
  // leaderboard computed by an earlier run is invalid and the job, its progress and joining it again
  // after leaving the page are seen every run; a first run computes it from the Compute button.
  const deleted = await context.request.delete(`${BASE}/api/search/collections/${BOARD_DATASET}/squeezenet1.1/conv1`);
  check([204, 404].includes(deleted.status()), `DELETE of ${BOARD_DATASET}/squeezenet1.1/conv1 answered ${deleted.status()}`);
  await page.selectOption('[data-testid="board-dataset"]', BOARD_DATASET);
  await until('the model chips', () => page.$$eval('[data-testid="board-models"] .chip', (c) => c.length > 2));
  for (const m of BOARD_MODELS) await page.click(`[data-testid="board-models"] .chip[data-model="${m}"]`);
  const pressed = await page.$$eval('[data-testid="board-models"] .chip[aria-pressed="true"]', (c) => c.map((x) => x.dataset.model ?? 'all'));
  check(JSON.stringify(pressed) === JSON.stringify(BOARD_MODELS), `the chosen models are ${pressed}`);
  const metrics = await page.$$eval('[data-testid="board-metrics"] .chip[aria-pressed="true"]', (c) => c.map((x) => x.dataset.metric));
  check(JSON.stringify(metrics) === '["cosine","euclidean"]', `the default leaderboard metrics are ${metrics}`);
  check(page.url().includes(`board=${BOARD_DATASET}&models=${BOARD_MODELS.join(',')}`), `the URL does not name the leaderboard: ${page.url()}`);

  // 'checking' (recent jobs) and 'loading' come first; then it is offered, computing or there.
  const first = await until('the leaderboard to be found or offered', async () => {
    const s = await card(page, 'leaderboard');
    return { ...s, ok: ['idle', 'computing', 'ready'].includes(s.state) };
  });
  const how = first.state === 'ready' ? 'cached' : first.state === 'computing' ? 'recomputed (an earlier result found in the recent jobs)' : 'computed from the Compute button';
  let sawProgress = false;
  let leftAndCameBack = false;
  if (first.state === 'idle') {
    check(await page.isVisible('[data-testid="compute"]'), 'no Compute button for a leaderboard that is not computed');
    await page.click('[data-testid="compute"]');
  }
  if (first.state !== 'ready') {
    const progress = await until('the leaderboard job', async () => {
      const s = await card(page, 'leaderboard');
      const bar = await page.$('[data-testid="leaderboard"] [data-testid="progress"]:not([hidden]) [role="progressbar"]');
      return { state: s.state, bar: bar ? await bar.getAttribute('aria-valuetext') : null, ok: s.state === 'ready' || bar !== null };
    }, 60_000, 100);
    sawProgress = Boolean(progress.bar);
    if (progress.bar) {
      seen.push(`leaderboard progress: ${progress.bar}`);
      // Leave while it computes and come back through the navigation: the page joins the job again.
      await page.click('header nav a[data-path="/duplicates"]');
      await until('the Duplicates page', () => page.$('[data-testid="duplicates"]'));
      await page.click('header nav a[data-path="/evaluation"]');
      const back = await until('the leaderboard after coming back', async () => {
        const s = await card(page, 'leaderboard');
        return { ...s, url: page.url(), ok: ['computing', 'ready'].includes(s.state) };
      }, 30_000);
      check(back.url.includes(`board=${BOARD_DATASET}`), `coming back lost the leaderboard's selection: ${back.url}`);
      leftAndCameBack = true;
      // The joined job's progress, once it has moved.
      const moving = await until('the joined job to progress', async () => {
        const bar = await page.$('[data-testid="leaderboard"] [data-testid="progress"]:not([hidden]) [role="progressbar"]');
        const now = bar ? Number(await bar.getAttribute('aria-valuenow')) : null;
        return { now, text: bar ? await bar.getAttribute('aria-valuetext') : null, ok: now === null || now >= 5 };
      }, 60_000, 100);
      if (moving.now !== null) {
        await page.$eval('[data-testid="leaderboard"]', (el) => el.scrollIntoView({ block: 'start' }));
        await screenshot(page, 'evaluation-leaderboard-progress-1366x768.png');
        seen.push(`after coming back: ${moving.text}`);
      }
    }
  }
  const board = await until('the leaderboard', async () => {
    const s = await card(page, 'leaderboard');
    if (s.state === 'error') throw new CheckFailed(`the leaderboard failed: ${s.banner}`);
    return { ...s, ok: s.state === 'ready' };
  }, BOARD_MS, 500);
  const heat = await page.$$eval('[data-testid="heatmap"]', (maps) =>
    maps.map((m) => ({
      metric: m.dataset.metric,
      models: [...m.querySelectorAll('tbody tr')].map((tr) => tr.dataset.model),
      cells: m.querySelectorAll('a.heat-link').length,
      values: [...m.querySelectorAll('a.heat-link')].map((a) => Number(a.textContent)),
      titled: [...m.querySelectorAll('a.heat-link')].every((a) => a.title.includes(a.dataset.layer)),
      coloured: new Set([...m.querySelectorAll('a.heat-link')].map((a) => a.style.backgroundColor)).size,
    })),
  );
  check(heat.length === 2 && heat.map((x) => x.metric).join() === 'cosine,euclidean', `expected a heat map per metric, got ${JSON.stringify(heat.map((x) => x.metric))}`);
  for (const x of heat) {
    check(JSON.stringify(x.models) === JSON.stringify(BOARD_MODELS), `the ${x.metric} heat map has rows ${x.models}, expected ${BOARD_MODELS} (complexity order)`);
    check(x.cells === 16, `the ${x.metric} heat map has ${x.cells} cells, expected 2 models × 8 feature layers`);
    check(x.values.every((v) => v > 0 && v <= 1), `the ${x.metric} heat map prints values ${x.values}`);
    check(x.titled, `a ${x.metric} heat-map cell has no tooltip with its layer`);
    check(x.coloured > 4, `the ${x.metric} heat map uses only ${x.coloured} colours`);
  }
  check(await page.isVisible('[data-testid="heat-legend"]'), 'the heat maps have no colour legend');
  const lines = await page.$$eval('[data-testid="line-chart"] .chart-series', (gs) =>
    gs.map((g) => ({ model: g.dataset.model, d: g.querySelector('path')?.getAttribute('d') ?? '', points: g.querySelectorAll('circle').length })),
  );
  check(lines.length === 2, `the line chart has ${lines.length} lines, not 2`);
  check(lines.every((l) => /^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){7}$/.test(l.d) && l.points === 8), `the chart lines look wrong: ${JSON.stringify(lines).slice(0, 300)}`);
  const legend = await page.$$eval('[data-testid="line-chart"] .chart-legend-item', (i) => i.map((x) => x.textContent));
  check(JSON.stringify(legend) === JSON.stringify(BOARD_MODELS), `the chart legend shows ${legend}`);
  await page.focus('[data-testid="leaderboard"] .segment[data-metric="cosine"]');
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => document.activeElement?.dataset.metric);
  check(focused === 'euclidean', `after ArrowRight the focus is on '${focused}', not the euclidean radio`);
  await until('the euclidean chart', () => page.$eval('[data-testid="line-chart"] svg', (s) => s.getAttribute('aria-label').includes('euclidean')));
  check(page.url().includes('chart=euclidean'), 'the charted metric is not in the URL');
  const top = await page.$$eval('[data-testid="top-table"] tbody tr', (trs) => trs.map((tr) => ({ model: tr.dataset.model, layer: tr.dataset.layer, metric: tr.dataset.metric })));
  check(top.length === 20, `the top table has ${top.length} rows, not 20`);
  const topMaps = await page.$$eval('[data-testid="top-table"] tbody .score-value', (v) => v.map((x) => Number(x.textContent)));
  check(topMaps.every((v, i) => i === 0 || v <= topMaps[i - 1]), `the top table is not ranked by mAP: ${topMaps}`);
  seen.push(`leaderboard ${BOARD_DATASET} (${BOARD_MODELS.join(', ')}; cosine, euclidean): ${how}${sawProgress ? ' with a progress bar' : ''}${leftAndCameBack ? ', left and came back while computing' : ''}; 2 heat maps × 2 rows × 8 layers, 2 lines, best ${top[0].model}/${top[0].layer}/${top[0].metric} mAP ${topMaps[0]}`);

  await page.$eval('[data-testid="leaderboard"]', (el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.move(5, 5);
  await screenshot(page, 'evaluation-leaderboard-1366x768.png');
  await screenshot(page, 'evaluation-full-1366.png', { fullPage: true });

  // A heat-map cell opens Semantic Search with that dataset, model, layer and metric.
  const cell = await page.$('[data-testid="heatmap"][data-metric="cosine"] tr[data-model="squeezenet1.1"] a.heat-link >> nth=5');
  const layer = await cell.getAttribute('data-layer');
  await cell.click();
  const s = await searchReady(page, { dataset: BOARD_DATASET, model: 'squeezenet1.1', layer, metric: 'cosine' });
  check((await page.getAttribute('header nav a[aria-current="page"]', 'data-path')) === '/search', 'the navigation does not mark Semantic Search after the click');
  seen.push(`heat-map cell squeezenet1.1/${layer}/cosine opened Semantic Search: ${s.cards} results for ${s.query}`);
  // And a row of the ranked table does the same.
  await page.goBack();
  await untilValue('the leaderboard again', () => card(page, 'leaderboard'), (v) => v.state === 'ready', 30_000);
  await page.click('[data-testid="top-table"] tbody tr:nth-child(2) td.rank');
  const second = top[1];
  await searchReady(page, { dataset: BOARD_DATASET, model: second.model, layer: second.layer, metric: second.metric });
  seen.push(`ranked row 2 (${second.model}/${second.layer}/${second.metric}) opened Semantic Search`);
}

/** The screen position of each point of the map, from the canvas's transform. */
function screenPoints(page, points) {
  return page.evaluate((pts) => {
    const canvas = document.querySelector('[data-testid="map-canvas"]');
    const r = canvas.getBoundingClientRect();
    const k = Number(canvas.dataset.k), tx = Number(canvas.dataset.tx), ty = Number(canvas.dataset.ty);
    return pts.map((p) => ({ id: p.id, label: p.label, x: r.left + p.x * k + tx, y: r.top - p.y * k + ty, inside: true }));
  }, points);
}

/** The point farthest from any other on screen (so the pointer picks exactly it). */
function loneliest(points, box) {
  let best;
  let bestD = -1;
  for (const p of points) {
    if (p.x < box.left + 60 || p.x > box.right - 60 || p.y < box.top + 30 || p.y > box.bottom - 30) continue;
    let d = Infinity;
    for (const q of points) if (q !== p) d = Math.min(d, Math.hypot(p.x - q.x, p.y - q.y));
    if (d > bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

async function embeddingMap(page, context) {
  const query = `dataset=${CALTECH}&model=${V2}&layer=global_pool`;
  await page.goto(`${BASE}/#/map?${query}`, { waitUntil: 'domcontentloaded' });
  let m = await waitReady(page, 'map', { dataset: CALTECH, model: V2, layer: 'global_pool', method: 'pca' });
  const canvasData = () => page.$eval('[data-testid="map-canvas"]', (c) => ({ ...c.dataset }));
  let c = await canvasData();
  check(c.points === '200', `the PCA map draws ${c.points} points, not 200`);
  const status = await page.textContent('[data-testid="map-status"]');
  check(/^200 images · PCA axes explain [\d.]+% \+ [\d.]+% = [\d.]+% of the variance$/.test(status), `the map status says '${status}'`);
  const classes = await page.$$eval('[data-testid="map-legend"] .legend-item', (b) => b.map((x) => x.dataset.label));
  check(classes.length === 10, `the legend lists ${classes.length} classes`);
  // Thumbnails load (200 points in view is few enough).
  await untilValue('the thumbnails on the map', canvasData, (v) => v.mode === 'thumbnails');
  const loadStarted = Date.now();
  await mapThumbnailsLoaded(page);
  const thumbsMs = Date.now() - loadStarted;
  await screenshot(page, 'map-pca-1366x768.png');

  // Highlight a class from the legend.
  await page.click('[data-testid="map-legend"] .legend-item[data-label="sunflower"]');
  check((await page.getAttribute('[data-testid="map-legend"] .legend-item[data-label="sunflower"]', 'aria-pressed')) === 'true', 'the legend does not mark the highlighted class');
  await screenshot(page, 'map-highlight-1366x768.png');
  await page.click('[data-testid="map-legend"] .legend-item[data-label="sunflower"]');

  // Zoom with the button and the wheel; the view changes around the pointer.
  const before = await canvasData();
  await page.click('[data-testid="zoom-in"]');
  c = await untilValue('the zoom button to zoom', canvasData, (v) => Number(v.zoom) > 1.4);
  check(Number(c.k) > Number(before.k) * 1.4, `the + button did not zoom: k ${before.k} → ${c.k}`);
  const box = await page.$eval('[data-testid="map-canvas"]', (el) => el.getBoundingClientRect().toJSON());
  await page.mouse.move(box.left + box.width / 2, box.top + box.height / 2);
  await page.mouse.wheel(0, -300);
  c = await untilValue('the wheel to zoom', canvasData, (v) => Number(v.zoom) > 2);
  const zoomText = await page.textContent('[data-testid="zoom-level"]');
  check(/^\d+(\.\d)?×$/.test(zoomText) && Number.parseFloat(zoomText) > 2, `the zoom level reads '${zoomText}'`);
  // Drag pans.
  const beforePan = await canvasData();
  await page.mouse.move(box.left + 200, box.top + 200);
  await page.mouse.down();
  await page.mouse.move(box.left + 260, box.top + 240, { steps: 5 });
  await page.mouse.up();
  await untilValue('dragging to pan the map by (60, 40)', canvasData, (v) => Math.abs(Number(v.tx) - Number(beforePan.tx) - 60) < 1 && Math.abs(Number(v.ty) - Number(beforePan.ty) - 40) < 1);
  await mapThumbnailsLoaded(page);
  await screenshot(page, 'map-zoomed-1366x768.png');
  seen.push(`map PCA: 200 points in ${classes.length} classes, "${status}", thumbnails loaded in ${thumbsMs} ms; + and the wheel zoomed to ${zoomText}, dragging panned`);
  await page.click('[data-testid="zoom-reset"]');
  // The keyboard: + zooms the focused map, 0 shows everything again.
  await page.focus('[data-testid="map-canvas"]');
  await page.keyboard.press('+');
  await untilValue('+ to zoom', canvasData, (v) => Number(v.zoom) > 1.4);
  await page.keyboard.press('0');
  await untilValue('0 to show everything', canvasData, (v) => Number(v.zoom) === 1);

  // t-SNE (may be a job), chosen with the keyboard; then hover and click a point.
  await page.focus('[data-testid="method"] .segment[data-method="pca"]');
  await page.keyboard.press('ArrowRight');
  check((await page.getAttribute('[data-testid="method"] .segment[data-method="tsne"]', 'aria-checked')) === 'true', 'ArrowRight in the method group does not choose t-SNE');
  m = await waitReady(page, 'map', { method: 'tsne' }, TSNE_MS);
  c = await canvasData();
  check(c.points === '200', `the t-SNE map draws ${c.points} points, not 200`);
  check(page.url().includes('method=tsne'), 'the URL does not name t-SNE');
  const tsneStatus = await page.textContent('[data-testid="map-status"]');
  check(/^200 images · t-SNE/.test(tsneStatus), `the t-SNE status says '${tsneStatus}'`);
  await mapThumbnailsLoaded(page);
  await screenshot(page, 'map-tsne-1366x768.png');
  seen.push(`map t-SNE: 200 points${m.sawProgress ? ' after a job with progress' : ''}`);

  const projection = await getJson(context.request, `/api/search/projection?${query}&method=tsne`);
  const stageBox = await page.$eval('[data-testid="map-canvas"]', (el) => el.getBoundingClientRect().toJSON());
  const target = loneliest(await screenPoints(page, projection.points), stageBox);
  check(target, 'no point of the map is inside the view');
  await page.mouse.move(target.x, target.y);
  const tip = await until('the hover tooltip', () =>
    page.evaluate(() => {
      const t = document.querySelector('.map-tooltip');
      return t && !t.hidden ? { id: t.querySelector('.map-tooltip-id')?.textContent, label: t.querySelector('.map-tooltip-label')?.textContent } : null;
    }),
  );
  check(tip.id === target.id && tip.label === target.label, `hovering ${target.id} shows ${JSON.stringify(tip)}`);
  await page.mouse.click(target.x, target.y);
  const r = await searchReady(page, { dataset: CALTECH, model: V2, layer: 'global_pool', query: target.id });
  check(decodeURIComponent(page.url()).includes(`q=${target.id}`), `the URL does not name the clicked point: ${page.url()}`);
  seen.push(`hovered and clicked ${target.id} (${target.label}) on the t-SNE map: Semantic Search shows ${r.cards} results for it`);
}

/** Draw times of the 2,000-point map while panning and zooming (dots, then thumbnails). */
async function mapPerformance(page, context) {
  const datasets = await getJson(context.request, '/api/features/datasets');
  if (!datasets.some((d) => d.id === PERF.dataset)) {
    seen.push(`map performance: skipped, no dataset ${PERF.dataset}`);
    return;
  }
  await page.goto(`${BASE}/#/map?dataset=${PERF.dataset}&model=${PERF.model}&layer=${PERF.layer}`, { waitUntil: 'domcontentloaded' });
  await waitReady(page, 'map', { dataset: PERF.dataset, model: PERF.model, method: 'pca' }, 600_000);
  const data = await page.$eval('[data-testid="map-canvas"]', (c) => ({ ...c.dataset }));
  check(data.points === '2000', `the ${PERF.dataset} map draws ${data.points} points, expected a sample of 2000`);
  const status = await page.textContent('[data-testid="map-status"]');
  check(status.startsWith('2,000 of 4,000 images (random sample)'), `the sampled map says '${status}'`);
  await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="map-canvas"]');
    window.__draws = [];
    new MutationObserver(() => window.__draws.push({ ms: Number(canvas.dataset.drawMs), mode: canvas.dataset.mode, visible: Number(canvas.dataset.visible) })).observe(canvas, { attributeFilter: ['data-draw-ms'] });
  });
  const box = await page.$eval('[data-testid="map-canvas"]', (el) => el.getBoundingClientRect().toJSON());
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const drag = async (steps, dx, dy) => {
    const t0 = Date.now();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= steps; i++) await page.mouse.move(cx + Math.sin(i / 3) * dx, cy + Math.cos(i / 3) * dy);
    await page.mouse.up();
    return Date.now() - t0;
  };
  const panMs = await drag(30, 80, 60);
  await screenshot(page, 'map-2000-dots-1366x768.png');
  // Zoom in one wheel step at a time until few enough points are in view for thumbnails.
  let zoomed;
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -100);
    zoomed = await until('the wheel step', async () => ({ ...(await page.$eval('[data-testid="map-canvas"]', (c) => ({ ...c.dataset }))), ok: true }));
    if (zoomed.mode === 'thumbnails') break;
  }
  check(zoomed.mode === 'thumbnails', `zoomed in to ${zoomed.zoom}× on 2,000 points the map still draws ${zoomed.mode}`);
  const loadStarted = Date.now();
  await mapThumbnailsLoaded(page);
  const loadMs = Date.now() - loadStarted;
  const draws = await page.evaluate(() => window.__draws.splice(0)); // from here on: draws with loaded thumbnails
  const thumbPanMs = await drag(30, 60, 40);
  await mapThumbnailsLoaded(page);
  await screenshot(page, 'map-2000-zoomed-1366x768.png');
  const drawsWithThumbs = await page.evaluate(() => window.__draws);
  const stats = (draws, mode) => {
    const ms = draws.filter((d) => d.mode === mode).map((d) => d.ms).sort((a, b) => a - b);
    return ms.length ? { n: ms.length, median: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1], visible: Math.max(...draws.filter((d) => d.mode === mode).map((d) => d.visible)) } : undefined;
  };
  const dots = stats(draws, 'dots');
  const thumbs = stats(drawsWithThumbs, 'thumbnails');
  check(dots && dots.median < 50, `drawing 2,000 dots takes a median ${dots?.median} ms`);
  check(thumbs && thumbs.median < 50, `drawing the thumbnails takes a median ${thumbs?.median} ms`);
  seen.push(`map performance (${PERF.dataset}, 2,000 of 4,000 sampled): dots median ${dots.median.toFixed(1)} ms, max ${dots.max.toFixed(1)} ms over ${dots.n} draws (30 drag steps in ${panMs} ms); at ${Number(zoomed.zoom).toFixed(1)}× up to ${thumbs.visible} thumbnails in view, loaded in ${loadMs} ms, then median ${thumbs.median.toFixed(1)} ms, max ${thumbs.max.toFixed(1)} ms over ${thumbs.n} draws (30 drag steps in ${thumbPanMs} ms)`);
}

async function duplicates(page, context) {
  await page.goto(`${BASE}/#/duplicates?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`, { waitUntil: 'domcontentloaded' });
  await waitReady(page, 'duplicates', { dataset: CALTECH, model: V2, layer: 'global_pool', metric: 'cosine' });
  const groups = () => page.$$eval('[data-testid="dup-group"]', (gs) => gs.map((g) => g.dataset.ids.split('\n')));
  const found = await groups();
  const piano = found.find((g) => g.includes('grand_piano/image_0002.jpg') && g.includes('grand_piano/image_0007.jpg'));
  check(piano, `no group holds grand_piano/image_0002.jpg and image_0007.jpg: ${JSON.stringify(found)}`);
  const counts = await page.textContent('[data-testid="dup-counts"]');
  check(/^\d+ groups?, \d+ images?, scanned 200$/.test(counts), `the counts say '${counts}'`);
  const threshold = await page.inputValue('[data-testid="threshold"]');
  const response = await getJson(context.request, `/api/search/duplicates?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`);
  check(Math.abs(Number(threshold) - response.defaultThreshold) < 1e-3, `the threshold field shows ${threshold}, the default is ${response.defaultThreshold}`);
  const typical = await page.textContent('[data-testid="typical-distance"]');
  check(Math.abs(Number(typical) - response.typicalDistance) < 1e-3, `the typical distance shows ${typical}, not ${response.typicalDistance}`);
  const cards = await page.$$eval('[data-testid="dup-group"] .dup-item', (items) => items.map((i) => ({ id: i.dataset.id, text: i.textContent })));
  check(cards.some((c) => c.id === 'grand_piano/image_0007.jpg' && /distance 0\.0\d+/.test(c.text)), `the second piano shows no distance: ${JSON.stringify(cards)}`);
  await visibleImagesLoaded(page);
  await screenshot(page, 'duplicates-1366x768.png');

  // CSV export: a link to format=csv that downloads group,id,label rows.
  const href = await page.getAttribute('[data-testid="export-csv"]', 'href');
  const name = await page.getAttribute('[data-testid="export-csv"]', 'download');
  check(href?.includes('format=csv') && name?.endsWith('.csv'), `the CSV link is ${href} (download ${name})`);
  const csv = await context.request.get(`${BASE}${href}`);
  check(csv.ok(), `GET ${href} answered ${csv.status()}`);
  const lines = (await csv.text()).trim().split('\n');
  check(lines[0] === 'group,id,label', `the CSV starts with '${lines[0]}'`);
  check(lines.some((l) => l.endsWith(',grand_piano/image_0002.jpg,grand_piano')) && lines.some((l) => l.endsWith(',grand_piano/image_0007.jpg,grand_piano')), `the CSV lacks the pianos: ${lines.join(' | ')}`);
  // JSON export: a download of the response.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: UI_MS }), page.click('[data-testid="export-json"]')]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  check(download.suggestedFilename() === `duplicates_${CALTECH}_${V2}_global_pool_cosine_t${Number(response.defaultThreshold.toPrecision(4))}.json`, `the JSON export is named ${download.suggestedFilename()}`);
  check(JSON.stringify(saved.groups) === JSON.stringify(response.groups), 'the JSON export differs from the response');
  seen.push(`duplicates: "${counts}", threshold ${threshold} (typical ${typical}); CSV ${lines.length - 1} rows ('${lines[0]}'), JSON ${download.suggestedFilename()}`);

  // A higher threshold finds more; Default goes back.
  await page.fill('[data-testid="threshold"]', '0.2');
  await page.press('[data-testid="threshold"]', 'Enter');
  const more = await until('the scan at 0.2', async () => {
    const t = await page.textContent('[data-testid="dup-counts"]');
    const s = await card(page, 'duplicates');
    return { t, ok: s.state === 'ready' && t !== counts };
  }, BUILD_MS);
  check(page.url().includes('threshold=0.2'), `the URL does not name the threshold: ${page.url()}`);
  const slider = await page.inputValue('[data-testid="threshold-range"]');
  check(Number(slider) === 0.2, `the slider shows ${slider} after typing 0.2`);
  await page.click('[data-testid="threshold-default"]');
  await untilValue('the default threshold again', async () => ({ t: await page.textContent('[data-testid="dup-counts"]'), url: page.url() }), (v) => v.t === counts && !v.url.includes('threshold='));
  seen.push(`threshold 0.2: "${more.t}"; Default went back to "${counts}"`);

  // The threshold goes up to the collection's median pair distance (maxThreshold), never beyond: the slider
  // ends there at most, and a larger typed value is refused in the field without asking the service.
  const max = response.maxThreshold;
  check(max > 0 && Math.abs(max - response.typicalDistance) < 1e-9, `the service's maxThreshold is ${max}, its typical distance ${response.typicalDistance}`);
  const near = String(Number((max * 0.99).toPrecision(4)));
  const scanned = page.waitForResponse((r) => r.url().includes('/api/search/duplicates') && r.url().includes(`threshold=${near}`), { timeout: BUILD_MS });
  await page.fill('[data-testid="threshold"]', near);
  await page.press('[data-testid="threshold"]', 'Enter');
  await scanned;
  await untilValue('a scan near the maximum', () => card(page, 'duplicates'), (v) => v.state === 'ready', BUILD_MS);
  const range = await page.$eval('[data-testid="threshold-range"]', (r) => ({ max: Number(r.max), step: Number(r.step), value: Number(r.value) }));
  check(range.max <= max && range.max >= max * 0.98, `near the maximum ${max} the slider ends at ${range.max}`);
  let asked = 0;
  const count = (req) => {
    if (req.url().includes('/api/search/duplicates')) asked++;
  };
  page.on('request', count);
  const tooHigh = String(Number((max * 1.5).toPrecision(3)));
  await page.fill('[data-testid="threshold"]', tooHigh);
  await page.press('[data-testid="threshold"]', 'Enter');
  const refused = await untilValue('the refusal in the field', () =>
    page.evaluate(() => ({ invalid: document.querySelector('[data-testid="threshold"]').getAttribute('aria-invalid'), help: document.querySelector('#dup-threshold-help').textContent })),
  (v) => v.invalid === 'true');
  check(refused.help.includes(`at most ${Number(max.toPrecision(4))}`), `the field's help does not name the maximum: '${refused.help}'`);
  await new Promise((r) => setTimeout(r, 1000)); // the page's debounce is 300-600 ms: nothing may be asked in that time
  page.off('request', count);
  check(asked === 0, `a threshold above the maximum was sent to the service (${asked} requests)`);
  seen.push(`maximum threshold ${Number(max.toPrecision(4))} (the median distance): the slider ends at ${range.max}; ${tooHigh} typed is refused in the field ('${refused.help}'), not sent`);

  // A link with a threshold above it: the service's refusal, and a way back to the default.
  provoked = `threshold=${tooHigh}`;
  await page.goto(`${BASE}/#/duplicates?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&threshold=${tooHigh}`);
  const failed = await untilValue('the refused link', () => card(page, 'duplicates'), (v) => v.state === 'error', BUILD_MS);
  const reason = await page.textContent('[data-testid="duplicates"] .results-empty-text');
  check(reason.includes(tooHigh) && reason.includes('median'), `the refusal does not name the value and the range: '${reason}'`);
  check(provokedSeen.length === 1, `expected one refused scan, saw ${provokedSeen.length}`);
  await page.click('[data-testid="use-default-threshold"]');
  await untilValue('the default threshold after the refusal', async () => ({ ...(await card(page, 'duplicates')), t: await page.textContent('[data-testid="dup-counts"]'), url: page.url() }), (v) => v.state === 'ready' && v.t === counts && !v.url.includes('threshold='), BUILD_MS);
  provoked = undefined;
  seen.push(`a link with threshold ${tooHigh}: '${reason.slice(0, 90)}…' (banner ${failed.banner ? 'shown' : 'not shown'}), "Use the default threshold" went back to "${counts}"`);
}

/** More pairs below the threshold than the service lists: the page says how many it shows. */
async function duplicatesTruncated(page, context, datasets) {
  if (!datasets.some((d) => d.id === PERF.dataset)) {
    seen.push(`duplicates truncated: skipped, no dataset ${PERF.dataset}`);
    return;
  }
  const query = `dataset=${PERF.dataset}&model=${PERF.model}&layer=${PERF.layer}&metric=cosine&threshold=0.25`;
  await page.goto(`${BASE}/#/duplicates?${query}`, { waitUntil: 'domcontentloaded' });
  const shown = await waitReady(page, 'duplicates', { dataset: PERF.dataset, model: PERF.model }, 600_000);
  const response = await getJson(context.request, `/api/search/duplicates?${query}`);
  check(response.truncated === true && response.total > response.pairs.length, `at 0.25 the service lists all ${response.total} pairs of ${PERF.dataset}; this check needs more than it lists`);
  const counts = await page.textContent('[data-testid="dup-counts"]');
  const fmt = (n) => n.toLocaleString('en-US');
  check(counts.endsWith(` · ${fmt(response.pairs.length)} of ${fmt(response.total)} pairs shown`), `the counts say '${counts}', the service lists ${response.pairs.length} of ${response.total} pairs`);
  check(shown.truncated === 'true', 'the duplicates card is not marked truncated');
  await visibleImagesLoaded(page);
  await screenshot(page, 'duplicates-truncated-1366x768.png');
  seen.push(`duplicates of ${PERF.dataset} at 0.25: "${counts}"`);
}

async function phone(browser, datasets) {
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p = await phoneContext.newPage();
  watch(p);
  await p.goto(`${BASE}/#/evaluation?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&board=${BOARD_DATASET}&models=${BOARD_MODELS.join(',')}`);
  await waitReady(p, 'evaluation', { dataset: CALTECH });
  await untilValue('the leaderboard on the phone', () => card(p, 'leaderboard'), (v) => v.state === 'ready', 60_000);
  await noSidewaysScroll(p, 'the Evaluation page on a phone');
  await screenshot(p, 'evaluation-390x844.png');
  await p.screenshot({ path: path.join(SHOTS, 'evaluation-390x844-full.png'), fullPage: true });
  await p.goto(`${BASE}/#/map?dataset=${CALTECH}&model=${V2}&layer=global_pool`);
  await waitReady(p, 'map', { dataset: CALTECH, method: 'pca' });
  await noSidewaysScroll(p, 'the Embedding map on a phone');
  await mapThumbnailsLoaded(p);
  await screenshot(p, 'map-390x844.png');
  await p.goto(`${BASE}/#/duplicates?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine`);
  await waitReady(p, 'duplicates', { dataset: CALTECH });
  await noSidewaysScroll(p, 'the Duplicates page on a phone');
  await visibleImagesLoaded(p);
  await screenshot(p, 'duplicates-390x844.png');
  if (datasets.some((d) => d.id === PERF.dataset)) {
    // The counts wrap on a phone: "N of TOTAL pairs shown" is read in full, never cut off.
    await p.goto(`${BASE}/#/duplicates?dataset=${PERF.dataset}&model=${PERF.model}&layer=${PERF.layer}&metric=cosine&threshold=0.25`);
    await waitReady(p, 'duplicates', { dataset: PERF.dataset, model: PERF.model }, 600_000);
    const counts = await p.$eval('[data-testid="dup-counts"]', (e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth }));
    check(/ of [\d,]+ pairs shown$/.test(counts.text) && !counts.cut, `on a phone the counts read '${counts.text}'${counts.cut ? ', cut off' : ''}`);
    await noSidewaysScroll(p, 'the Duplicates page of a truncated list on a phone');
    await visibleImagesLoaded(p);
    await screenshot(p, 'duplicates-truncated-390x844.png');
  }
  const nav = await p.$$eval('header nav a', (as) => as.map((a) => a.innerText));
  seen.push(`phone 390x844: no sideways scrolling on the three pages; navigation reads ${nav.join(' | ')}`);
  await phoneContext.close();
}

async function main() {
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  await mkdir(SHOTS, { recursive: true });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const page = await context.newPage();
    watch(page);
    const models = await getJson(context.request, '/api/catalog/models');
    const datasets = await getJson(context.request, '/api/features/datasets');
    for (const id of [CALTECH, BOARD_DATASET]) check(datasets.some((d) => d.id === id), `dataset ${id} is not listed by the feature-service`);
    for (const id of [V2, ...BOARD_MODELS]) check(models.some((m) => m.id === id), `model ${id} is not listed by the catalog`);
    const order = models.map((m) => m.id).filter((id) => BOARD_MODELS.includes(id));
    check(JSON.stringify(order) === JSON.stringify(BOARD_MODELS), `the catalog orders the two models ${order}; this test expects ${BOARD_MODELS}`);

    await evaluation(page, context);
    await embeddingMap(page, context);
    await duplicates(page, context);
    await mapPerformance(page, context);
    await duplicatesTruncated(page, context, datasets);
    await phone(browser, datasets);

    checkClean();
    await context.close();
  } finally {
    await browser.close();
  }
}

const started = Date.now();
try {
  await main();
  log('e2e analysis: what the pages showed');
  for (const line of seen) log(`  - ${line}`);
  log(`  (${abortedRequests.length} requests cancelled by the page as stale)`);
  log(`e2e analysis passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  for (const line of seen) log(`  - ${line}`);
  if (consoleErrors.length) log(`console errors so far:\n  ${consoleErrors.join('\n  ')}`);
  console.error(`e2e analysis FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, screenshots ${SHOTS})`);
  process.exit(1);
}
