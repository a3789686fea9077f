// End-to-end check of the Model Explorer (#/models: list, layer table, graph, layer view with filters,
// activation maps, channel examples and predictions) and of "Why similar?" on the search page, in
// headless Chromium against the running system (node server.mjs in front of the three services).
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_SCREENSHOTS  where screenshots go (default ../target/screenshots, relative to frontend/)
//   CNP_SHARED_DIR   the shared folder with datasets/ (default ../../shared, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Every wait polls a condition with a deadline; any failed check or console error exits 1.
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, SHARED, CHROMIUM, CheckFailed, check, until, getJson, launchBrowser, screenshots, noSidewaysScroll, trackLayoutShifts, takeLayoutShift, pageWatcher } from './lib.mjs';

const UPLOAD = path.join(SHARED, 'datasets/caltech101-iconic200/elephant/image_0001.jpg');

const COMPUTE_MS = 60_000; // activations, predictions, occlusion maps
const INDEX_MS = 180_000; // the first channel-examples request of a dataset and layer indexes every channel
const SEARCH_MS = 120_000;

const V2 = 'mobilenet_v2_1.0_224';
const V1 = 'mobilenet_v1_0.25_128';
const CALTECH = 'caltech101-iconic200';
const TINY = 'tinyimagenet200';
const ELEPHANT = 'elephant/image_0001.jpg';
const ELEPHANT_CLASSES = ['tusker', 'African elephant', 'Indian elephant'];
const MAX_SHIFT = 0.1; // cumulative layout shift per view ("good" by the Web Vitals threshold)

const seen = [];
const screenshot = screenshots(seen);
const shifts = [];
const { watch, checkClean, consoleErrors, abortedRequests } = pageWatcher();


async function layoutShift(page, what) {
  const shift = await takeLayoutShift(page);
  check(shift <= MAX_SHIFT, `${what}: the layout shifted by ${shift.toFixed(3)} (more than ${MAX_SHIFT})`);
  shifts.push(`${what} ${shift.toFixed(3)}`);
  return shift;
}

/** Every image inside the element (a selector) has loaded. */
function imagesLoaded(page, selector, what) {
  return until(`${what} to load`, () =>
    page.evaluate((sel) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)].filter((i) => i.getAttribute('src'));
      const pending = imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.alt || i.src);
      return { ok: imgs.length > 0 && pending.length === 0, images: imgs.length, pending };
    }, selector),
  );
}

async function tableRows(page) {
  return page.$$eval('[data-testid="layer-rows"] tr[data-layer]', (trs) =>
    trs.map((tr) => ({ name: tr.dataset.layer, index: Number(tr.dataset.index), params: Number(tr.querySelector('.col-parameters')?.dataset.value), op: tr.querySelector('.op-chip')?.textContent })),
  );
}

async function main() {
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  check(existsSync(UPLOAD), `no upload image at ${UPLOAD} (set CNP_SHARED_DIR)`);
  await mkdir(SHOTS, { recursive: true });

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(trackLayoutShifts);
    const page = await context.newPage();
    watch(page);

    // What the services say, to know what to expect.
    const models = await getJson(context.request, '/api/catalog/models');
    const v2 = models.find((m) => m.id === V2);
    const v1 = models.find((m) => m.id === V1);
    check(v2 && v1, `the catalog does not list ${V2} and ${V1}`);
    const v2Layers = await getJson(context.request, `/api/catalog/models/${V2}/layers`);
    const convCount = v2Layers.filter((l) => l.op === 'Conv').length;
    const constantCount = v2Layers.filter((l) => l.op === 'Constant').length;
    check(v2Layers.length === v2.layerCount, `the catalog lists ${v2Layers.length} layers of ${V2} but says layerCount ${v2.layerCount}`);

    // 1. The model list: every model in the catalog's order, with its numbers and a "More info" link.
    let response = await page.goto(`${BASE}/#/models`, { waitUntil: 'domcontentloaded' });
    check(response?.ok(), `GET / answered ${response?.status()}`);
    const navLinks = await page.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('aria-label') ?? a.textContent?.trim()));
    const expectedNav = ['Semantic Search', 'Models', 'Evaluation', 'Embedding map', 'Duplicates'];
    check(JSON.stringify(navLinks) === JSON.stringify(expectedNav), `the navigation should link ${JSON.stringify(expectedNav)}, has ${JSON.stringify(navLinks)}`);
    check((await page.getAttribute('header nav a[aria-current="page"]', 'data-path')) === '/models', 'Models is not the current page in the navigation');
    const cards = await until('the model cards', async () => {
      const list = await page.$$eval('[data-testid="model-card"]', (cs) =>
        cs.map((c) => ({ id: c.dataset.model, text: c.innerText, more: c.querySelector('[data-testid="more-info"]')?.getAttribute('href') })),
      );
      return list.length ? list : null;
    });
    check(JSON.stringify(cards.map((c) => c.id)) === JSON.stringify(models.map((m) => m.id)), `the list shows ${cards.map((c) => c.id)} instead of the catalog's order ${models.map((m) => m.id)}`);
    const v2Card = cards.find((c) => c.id === V2);
    for (const want of ['3.5 M', '170', '301 M', 'multiply-adds', '224×224', 'Apache-2.0', 'google-coral/test_data', '104342d', 'More info']) {
      check(v2Card.text.includes(want), `the ${V2} card does not show '${want}': ${v2Card.text.replace(/\n/g, ' | ')}`);
    }
    check(cards.every((c) => c.more === `#/models/${encodeURIComponent(c.id)}`), `a "More info" link is wrong: ${cards.map((c) => c.more)}`);
    await layoutShift(page, 'the model list');
    await screenshot(page, 'models-1366x768.png');
    seen.push(`model list: ${cards.length} models in the catalog's order (${cards.map((c) => c.id).join(', ')})`);

    // 2. The model page: header numbers and the layer table.
    await page.click(`[data-model="${V2}"] [data-testid="more-info"]`);
    await until('the model page', () => page.$eval('[data-testid="model-page"]', (e) => e.dataset.model).catch(() => null).then((m) => m === V2));
    check(new URL(page.url()).hash === `#/models/${V2}`, `More info led to ${page.url()}`);
    const statParams = await page.getAttribute('[data-testid="stat-parameters"]', 'data-value');
    check(Number(statParams) === v2.parameters, `the header says ${statParams} parameters, the catalog ${v2.parameters}`);
    const prep = await page.textContent('[data-testid="preprocessing"]');
    for (const want of ['shorter side to 256 px', '87.5%', 'bilinear', '127.5']) check(prep.includes(want), `the preprocessing does not say '${want}': ${prep}`);
    await until('the layer table', () => page.$eval('.layer-table-view', (e) => e.dataset.state === 'ready'));
    let rows = await tableRows(page);
    check(rows.length === v2.layerCount - constantCount, `with Constants hidden the table has ${rows.length} rows, expected ${v2.layerCount - constantCount}`);
    const countText = await page.textContent('[data-testid="layer-count"]');
    check(countText.includes(`of ${v2.layerCount} nodes`) && countText.includes(`${constantCount} Constant nodes hidden`), `the count does not say how many nodes there are: '${countText}'`);
    const caption = await page.$eval('[data-testid="layer-table"] caption', (c) => c.textContent);
    check(caption.length > 10, 'the layer table has no caption');
    const headerScopes = await page.$$eval('[data-testid="layer-table"] thead th', (ths) => ths.map((t) => t.getAttribute('scope')));
    check(headerScopes.every((s) => s === 'col'), `header cells without scope="col": ${headerScopes}`);

    await page.check('[data-testid="show-constants"]');
    rows = await until('all the nodes', async () => {
      const r = await tableRows(page);
      return r.length === v2.layerCount ? r : null;
    });
    check(rows.every((r, i) => r.index === i), 'with Constants shown the rows are not in graph order');
    seen.push(`layer table of ${V2}: ${rows.length} rows with Constants = layerCount ${v2.layerCount}`);

    const totals = await page.$eval('[data-testid="totals"]', (tr) => ({ params: Number(tr.dataset.parameters), flops: Number(tr.dataset.flops), text: tr.innerText }));
    check(totals.params === v2.parameters, `the totals row says ${totals.params} parameters, the model has ${v2.parameters}`);
    check(totals.flops === v2.flops, `the totals row says ${totals.flops} multiply-adds, the model has ${v2.flops}`);
    check(totals.text.includes('3,487,816'), `the totals row does not show the parameters: ${totals.text}`);
    seen.push(`totals row: ${totals.params} parameters and ${totals.flops} multiply-adds = the model's`);

    // Sorting by parameters (keyboard: the header buttons are buttons).
    await page.focus('[data-testid="layer-table"] button[data-sort="parameters"]');
    await page.keyboard.press('Enter');
    await until('sorted by parameters', () => page.$eval('[data-testid="layer-table"] th:has(button[data-sort="parameters"])', (th) => th.getAttribute('aria-sort') === 'descending'));
    rows = await tableRows(page);
    check(rows.every((r, i) => i === 0 || rows[i - 1].params >= r.params), 'sorted by parameters, the rows are not in descending order');
    const biggest = [...v2Layers].sort((a, b) => b.parameters - a.parameters || a.index - b.index)[0];
    check(rows[0].name === biggest.name, `the biggest layer should be ${biggest.name}, the table starts with ${rows[0].name}`);
    await page.click('[data-testid="layer-table"] button[data-sort="parameters"]');
    await until('ascending', () => page.$eval('[data-testid="layer-table"] th:has(button[data-sort="parameters"])', (th) => th.getAttribute('aria-sort') === 'ascending'));
    rows = await tableRows(page);
    check(rows.every((r, i) => i === 0 || rows[i - 1].params <= r.params), 'sorted ascending by parameters, the rows are not in ascending order');
    check(page.url().includes('sort=parameters') && page.url().includes('order=asc'), `the URL does not keep the sort: ${page.url()}`);
    seen.push(`sorting by parameters: descending starts with ${biggest.name} (${biggest.parameters}), ascending works, the URL keeps it`);
    await page.click('[data-testid="layer-table"] button[data-sort="index"]');

    // Filters: only Conv, a name search, feature layers only.
    await page.selectOption('[data-testid="op-filter"]', 'Conv');
    rows = await until(`${convCount} Conv rows`, async () => {
      const r = await tableRows(page);
      return r.length === convCount && r.every((x) => x.op === 'Conv') ? r : null;
    });
    check(convCount === 53, `the catalog lists ${convCount} Conv layers of ${V2}, the brief says 53`);
    const shownTotals = await page.$eval('[data-testid="shown-totals"]', (tr) => ({ hidden: tr.hidden, params: Number(tr.dataset.parameters) }));
    check(!shownTotals.hidden && shownTotals.params === v2Layers.filter((l) => l.op === 'Conv').reduce((n, l) => n + l.parameters, 0), `the subtotal of the Conv rows is wrong: ${JSON.stringify(shownTotals)}`);
    seen.push(`filter "Only Conv": ${rows.length} rows, subtotal ${shownTotals.params} parameters`);
    await page.fill('[data-testid="layer-search"]', 'expanded_conv_6');
    await until('the name search', async () => {
      const r = await tableRows(page);
      return r.length > 0 && r.length < convCount && r.every((x) => x.name.includes('expanded_conv_6')) ? r : null;
    });
    await page.selectOption('[data-testid="op-filter"]', '');
    await page.fill('[data-testid="layer-search"]', '');
    await page.check('[data-testid="features-only"]');
    rows = await until('only feature layers', async () => {
      const r = await tableRows(page);
      return r.length === v2.featureLayers.length ? r : null;
    });
    check(rows.map((r) => r.name).join() === v2Layers.filter((l) => l.feature).map((l) => l.name).join(), `feature filter shows ${rows.map((r) => r.name)}`);
    await page.uncheck('[data-testid="features-only"]');
    await page.uncheck('[data-testid="show-constants"]');
    await until('the default rows again', async () => (await tableRows(page)).length === v2.layerCount - constantCount);
    await page.$eval('.layers-card', (e) => e.scrollIntoView());
    await screenshot(page, 'model-table-1366x768.png');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'model-1366x768.png');

    // A click on a row opens its layer; Back returns to the table.
    const rowTarget = v2.featureLayers[2];
    await page.click(`[data-testid="layer-rows"] tr[data-layer="${rowTarget}"] td.col-shape`);
    await until(`the layer view of ${rowTarget}`, () => page.$eval('[data-testid="layer-page"]', (e) => e.dataset.layer).catch(() => null).then((l) => l === rowTarget));
    seen.push(`a click on the row of ${rowTarget} opened its layer view`);
    await page.goBack();
    await until('the model page again', () => page.$eval('.layer-table-view', (e) => e.dataset.state === 'ready').catch(() => false));

    // 3. The graph view: Constants not drawn, feature layers and resolution drops marked; a click opens a layer.
    await page.click('[data-testid="tab-graph"]');
    const graph = await until('the graph', () =>
      page.evaluate(() => {
        const blocks = [...document.querySelectorAll('[data-testid="graph"] .gblock')];
        const visible = document.querySelector('[data-testid="graph"]')?.getBoundingClientRect().height > 0;
        return {
          ok: blocks.length > 0 && visible,
          blocks: blocks.length,
          features: blocks.filter((b) => b.classList.contains('is-feature')).map((b) => b.dataset.layer),
          shrinks: blocks.filter((b) => b.classList.contains('is-shrink')).map((b) => `${b.dataset.layer} ${b.querySelector('.gblock-shrink')?.textContent}`),
          stages: [...document.querySelectorAll('.gstage-res')].map((s) => s.textContent),
        };
      }),
    );
    check(graph.blocks === v2.layerCount - constantCount, `the graph draws ${graph.blocks} blocks, expected ${v2.layerCount - constantCount} (Constants hidden)`);
    check(graph.features.join() === v2Layers.filter((l) => l.feature).map((l) => l.name).join(), `highlighted feature blocks: ${graph.features}`);
    check(graph.shrinks.length >= 5 && graph.shrinks[0].includes('224→112'), `resolution drops: ${graph.shrinks}`);
    check(page.url().includes('view=graph'), 'the URL does not name the graph view');
    await page.$eval('.layers-card', (e) => e.scrollIntoView());
    await screenshot(page, 'model-graph-1366x768.png');
    seen.push(`graph: ${graph.blocks} blocks in stages ${graph.stages.join(' → ')}; drops ${graph.shrinks.slice(0, 3).join(', ')}…`);
    const blockTarget = v2.featureLayers[4];
    await page.click(`[data-testid="graph"] .gblock[data-layer="${blockTarget}"] a`);
    await until(`the layer view of ${blockTarget}`, () => page.$eval('[data-testid="layer-page"]', (e) => e.dataset.layer).catch(() => null).then((l) => l === blockTarget));
    seen.push(`a click on the graph block ${blockTarget} opened its layer view`);

    // 4. Layer view of Conv2d_0 (a Clip after the first Conv): the first convolution's colour filters,
    //    and the predictions for the elephant.
    await page.goto(`${BASE}/#/models/${V2}/layers/Conv2d_0?dataset=${CALTECH}&image=${ELEPHANT}`);
    await until('the filters image', async () => {
      const state = await page.$eval('[data-testid="filters"]', (e) => e.dataset.state).catch(() => null);
      if (state === 'error') throw new CheckFailed(`the filters could not be loaded: ${await page.textContent('[data-testid="filters"]')}`);
      return state === 'ready';
    });
    const filters = await page.$eval('[data-testid="filters-image"]', (img) => ({ w: img.naturalWidth, h: img.naturalHeight, shown: img.getBoundingClientRect().width }));
    check(filters.w > 100 && filters.shown > 100, `the filters image is not shown: ${JSON.stringify(filters)}`);
    const filterNote = await page.textContent('[data-testid="filters"]');
    check(filterNote.includes('mid-grey = 0'), `the colour filters are not explained: ${filterNote}`);
    const predictions = await until('the predictions', () =>
      page.evaluate(() => {
        const card = document.querySelector('[data-testid="predictions"]');
        const labels = [...document.querySelectorAll('[data-testid="prediction"]')].map((p) => p.dataset.label);
        if (card?.dataset.state === 'error') return { ok: false, error: card.textContent };
        return { ok: card?.dataset.state === 'ready' && labels.length === 5, labels, bars: [...document.querySelectorAll('[data-testid="prediction"] .sim-fill')].map((f) => f.getBoundingClientRect().width) };
      }),
      COMPUTE_MS,
    );
    check(predictions.labels.some((l) => ELEPHANT_CLASSES.some((c) => l.startsWith(c))), `no elephant class in the top 5 for ${ELEPHANT}: ${predictions.labels}`);
    check(predictions.bars[0] > 0, 'the top prediction has no probability bar');
    await until('the activation maps of Conv2d_0', () => page.$eval('[data-testid="activations"]', (e) => e.dataset.state === 'ready'), COMPUTE_MS);
    await imagesLoaded(page, '.layer-page', 'the layer view images');
    await layoutShift(page, 'the layer view of Conv2d_0');
    await screenshot(page, 'layer-filters-1366x768.png');
    await page.$eval('.layer-workspace', (e) => e.scrollIntoView());
    await screenshot(page, 'layer-predictions-1366x768.png');
    seen.push(`Conv2d_0 of ${V2}: filters ${filters.w}×${filters.h} px with the mid-grey note; predictions for ${ELEPHANT}: ${predictions.labels.join(' | ')}`);

    // 5. Activation maps of a caltech image at mobilenet_v1_0.25_128 · Conv2d_5_pointwise, labelled in the JSON's order.
    const LAYER = 'Conv2d_5_pointwise';
    await page.goto(`${BASE}/#/models/${V1}/layers/${LAYER}?dataset=${CALTECH}&image=${ELEPHANT}`);
    await until('the activation maps', async () => {
      const state = await page.$eval('[data-testid="activations"]', (e) => e.dataset.state).catch(() => null);
      if (state === 'error') throw new CheckFailed(`the activation maps failed: ${await page.textContent('[data-testid="activations"]')}`);
      return state === 'ready';
    }, COMPUTE_MS);
    const expected = await context.request.post(`${BASE}/api/features/activations`, {
      multipart: { image: { name: 'image_0001.jpg', mimeType: 'image/jpeg', buffer: await readFile(UPLOAD) }, model: V1, layer: LAYER, top: '16' },
    });
    check(expected.ok(), `POST /api/features/activations answered ${expected.status()}`);
    const act = await expected.json();
    const shownCells = await page.$$eval('[data-testid="activation-cell"]', (bs) =>
      bs.map((b) => ({ channel: Number(b.dataset.channel), label: [...b.querySelectorAll('[data-testid="activation-label"] > span')].map((s) => s.textContent).join(' '), r: b.getBoundingClientRect().toJSON() })),
    );
    check(shownCells.length === act.shown, `${shownCells.length} labelled cells, the service shows ${act.shown}`);
    const order = act.channels.slice(0, act.shown);
    check(shownCells.every((c, i) => c.channel === order[i].channel && c.label === `#${order[i].channel} ${order[i].mean.toFixed(2)}`), `cell labels differ from the JSON: ${shownCells.slice(0, 4).map((c) => c.label)} vs ${order.slice(0, 4).map((c) => `#${c.channel} ${c.mean.toFixed(2)}`)}`);
    const grid = await page.$eval('[data-testid="activation-grid"] img', (img) => ({ w: img.naturalWidth, rendered: img.getBoundingClientRect().toJSON() }));
    check(grid.w === act.columns * act.cell + (act.columns - 1) * 2, `the grid PNG is ${grid.w} px wide`);
    // The cells lie on the grid: the first in the top-left corner, the last in the bottom-right.
    const first = shownCells[0].r;
    const last = shownCells[shownCells.length - 1].r;
    check(Math.abs(first.left - grid.rendered.left) < 1.5 && Math.abs(first.top - grid.rendered.top) < 1.5, `the first cell is not at the grid's corner: ${JSON.stringify(first)} vs ${JSON.stringify(grid.rendered)}`);
    check(Math.abs(last.right - grid.rendered.right) < 1.5 && Math.abs(last.bottom - grid.rendered.bottom) < 1.5, 'the last cell is not at the grid\'s far corner');
    await imagesLoaded(page, '.layer-workspace', 'the image, picker and maps');
    await page.$eval('.layer-workspace', (e) => e.scrollIntoView());
    await screenshot(page, 'layer-activations-1366x768.png');
    seen.push(`activation maps of ${V1} · ${LAYER} for ${ELEPHANT}: ${shownCells.length} cells labelled ${shownCells.slice(0, 4).map((c) => c.label).join(', ')}… in the JSON's order`);

    // 6. Clicking a cell chooses its channel; the channel's examples on tinyimagenet200 (after indexing).
    const cell = shownCells[2];
    await page.click(`[data-testid="activation-cell"][data-channel="${cell.channel}"]`);
    check((await page.inputValue('[data-testid="examples-channel"]')) === String(cell.channel), 'clicking a cell did not set the channel');
    check((await page.getAttribute(`[data-testid="activation-cell"][data-channel="${cell.channel}"]`, 'aria-pressed')) === 'true', 'the chosen cell is not marked');
    await until('the channel in the URL', () => page.url().includes(`channel=${cell.channel}`));
    await page.selectOption('[data-testid="examples-dataset"]', TINY);
    await page.click('[data-testid="examples-show"]');
    let sawIndexing = false;
    const examples = await until('9 channel examples', async () => {
      const s = await page.evaluate(() => {
        const card = document.querySelector('[data-testid="channel-examples"]');
        const bar = card.querySelector('[data-testid="progress"]:not([hidden]) [role="progressbar"]');
        const items = [...card.querySelectorAll('[data-testid="example"]')];
        return {
          state: card.dataset.state,
          dataset: card.dataset.dataset,
          channel: card.dataset.channel,
          progress: bar ? bar.getAttribute('aria-valuetext') : null,
          examples: items.map((li) => {
            const img = li.querySelector('img');
            const box = li.querySelector('[data-testid="example-box"]')?.getBoundingClientRect();
            const frame = li.querySelector('.example-frame')?.getBoundingClientRect();
            return {
              loaded: img.complete && img.naturalWidth > 0,
              box: box ? { w: box.width, h: box.height } : null,
              inside: box && frame ? box.left >= frame.left - 0.5 && box.top >= frame.top - 0.5 && box.right <= frame.right + 0.5 && box.bottom <= frame.bottom + 0.5 : false,
              label: li.querySelector('.example-label')?.textContent,
            };
          }),
          message: card.querySelector('.examples-message:not([hidden])')?.textContent ?? null,
        };
      });
      if (s.progress) sawIndexing = s.progress;
      if (s.state === 'error') throw new CheckFailed(`the channel examples failed: ${s.message}`);
      return { ...s, ok: s.state === 'ready' && s.dataset === 'tinyimagenet200' && s.examples.length === 9 && s.examples.every((e) => e.loaded) };
    }, INDEX_MS, 250);
    check(examples.channel === String(cell.channel), `the examples are of channel ${examples.channel}, not ${cell.channel}`);
    check(examples.examples.every((e) => e.box && e.box.w > 1 && e.box.h > 1 && e.inside), `an example has no box inside its thumbnail: ${JSON.stringify(examples.examples.map((e) => e.box))}`);
    await page.$eval('[data-testid="channel-examples"]', (e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'layer-examples-1366x768.png');
    seen.push(`channel ${cell.channel} on ${TINY}: 9 examples with boxes (${examples.examples.map((e) => e.label).join(', ')})${sawIndexing ? `, after indexing (progress seen: ${sawIndexing})` : ' (the layer was indexed already)'}`);

    // A new channel answers at once now that the layer is indexed.
    const other = shownCells[0].channel;
    await page.click(`[data-testid="activation-cell"][data-channel="${other}"]`);
    await until(`the examples of channel ${other}`, () => page.$eval('[data-testid="channel-examples"]', (c, ch) => (c.dataset.state === 'ready' && c.dataset.channel === String(ch) ? c.querySelectorAll('[data-testid="example"]').length : 0), other).then((n) => n === 9), COMPUTE_MS);
    seen.push(`choosing channel ${other} afterwards asked again by itself`);

    // A link to the layer with an image, a channel and the examples' dataset restores all of it.
    const deep = `#/models/${V1}/layers/${LAYER}?dataset=${CALTECH}&image=elephant/image_0003.jpg&channel=7&examples=${TINY}`;
    await page.goto(`${BASE}/${deep}`);
    const restored = await until('the layer view from a link', async () => {
      const s = await page.evaluate(() => ({
        query: document.querySelector('[data-testid="query-image"] img')?.getAttribute('alt'),
        channel: document.querySelector('[data-testid="examples-channel"]')?.value,
        pressed: document.querySelector('[data-testid="activation-cell"][aria-pressed="true"]')?.dataset.channel ?? null,
        examples: document.querySelector('[data-testid="channel-examples"]')?.dataset,
        maps: document.querySelector('[data-testid="activations"]')?.dataset.state,
      }));
      return { ...s, ok: s.maps === 'ready' && s.examples?.state === 'ready' && s.examples.channel === '7' && s.examples.dataset === 'tinyimagenet200' };
    }, COMPUTE_MS);
    check(restored.query?.includes('elephant/image_0003.jpg') && restored.channel === '7', `the link was not restored: ${JSON.stringify(restored)}`);
    check(new URL(page.url()).hash === deep, `the link changed to ${new URL(page.url()).hash}`);
    seen.push(`a link with image, channel 7 and examples=${TINY} restored all of it (the examples shown at once)`);

    // 7. The model page on a phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.addInitScript(trackLayoutShifts);
    const phonePage = await phone.newPage();
    watch(phonePage);
    await phonePage.goto(`${BASE}/#/models/${V2}`);
    await until('the phone layer table', () => phonePage.$eval('.layer-table-view', (e) => e.dataset.state === 'ready').catch(() => false));
    await noSidewaysScroll(phonePage, 'the model page on a phone');
    await layoutShift(phonePage, 'the model page on a phone');
    await screenshot(phonePage, 'model-390x844.png');
    await phonePage.screenshot({ path: path.join(SHOTS, 'model-390x844-full.png'), fullPage: true });
    await phonePage.goto(`${BASE}/#/models/${V1}/layers/${LAYER}?dataset=${CALTECH}&image=${ELEPHANT}`);
    await until('the phone activation maps', () => phonePage.$eval('[data-testid="activations"]', (e) => e.dataset.state === 'ready').catch(() => false), COMPUTE_MS);
    await noSidewaysScroll(phonePage, 'the layer view on a phone');
    await phonePage.screenshot({ path: path.join(SHOTS, 'layer-390x844-full.png'), fullPage: true });
    await phonePage.goto(`${BASE}/#/models`);
    await until('the phone model list', () => phonePage.$$eval('[data-testid="model-card"]', (c, n) => c.length === n, models.length));
    await noSidewaysScroll(phonePage, 'the model list on a phone');
    await screenshot(phonePage, 'models-390x844.png');
    seen.push('phone 390x844: model list, model page and layer view without sideways scrolling');
    await phone.close();

    // 8. "Why similar?" on the search page, for a dataset query and for an upload.
    await page.goto(`${BASE}/#/search?dataset=${CALTECH}&model=${V2}&layer=${v2.embeddingLayer}&metric=cosine&q=${ELEPHANT}`);
    await until('the search results', () => page.$eval('[data-testid="results"]', (e) => e.dataset.state === 'ready' && document.querySelectorAll('[data-testid="result"]').length === 50), SEARCH_MS);
    const why = async (what) => {
      const opener = page.locator('[data-testid="result"]').first().locator('[data-testid="why-button"]');
      const hitId = await page.locator('[data-testid="result"]').first().locator('button.result-card').getAttribute('data-id');
      await opener.click();
      const dialog = await until(`the occlusion map (${what})`, () =>
        page.evaluate(() => {
          const d = document.querySelector('[data-testid="why-dialog"]');
          const overlay = d?.querySelector('[data-testid="occlusion-overlay"]');
          const hit = overlay?.parentElement?.querySelector('.why-img');
          if (d?.dataset.state === 'error') return { ok: false, error: d.querySelector('[data-testid="why-status"]')?.textContent };
          const o = overlay?.getBoundingClientRect();
          const h = hit?.getBoundingClientRect();
          return {
            ok: d?.dataset.state === 'ready' && overlay.complete && overlay.naturalWidth > 0 && !overlay.hidden && hit.complete && hit.naturalWidth > 0,
            hit: d?.dataset.hit,
            overlay: o && { w: o.width, h: o.height, x: o.left, y: o.top },
            image: h && { w: h.width, h: h.height, x: h.left, y: h.top },
            role: d?.getAttribute('role'),
            modal: d?.getAttribute('aria-modal'),
            focusInside: d?.contains(document.activeElement),
            text: d?.querySelector('[data-testid="why-text"]')?.textContent,
          };
        }),
        COMPUTE_MS,
      );
      check(dialog.hit === hitId, `the dialog explains ${dialog.hit}, the first hit is ${hitId}`);
      check(dialog.role === 'dialog' && dialog.modal === 'true' && dialog.focusInside, `the dialog is not an accessible modal: ${JSON.stringify(dialog)}`);
      const same = ['w', 'h', 'x', 'y'].every((k) => Math.abs(dialog.overlay[k] - dialog.image[k]) < 1.5);
      check(same, `the overlay does not lie on the hit: ${JSON.stringify(dialog.overlay)} vs ${JSON.stringify(dialog.image)}`);
      check(/cosine/.test(dialog.text) && dialog.text.includes(v2.embeddingLayer), `the explanation does not name the metric and layer: ${dialog.text}`);
      // Focus stays inside (Tab wraps), Esc closes and gives focus back to the button.
      for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
      check(await page.evaluate(() => document.querySelector('[data-testid="why-dialog"]').contains(document.activeElement)), 'Tab left the dialog');
      return { hitId, dialog };
    };
    const fromDataset = await why('dataset query');
    await screenshot(page, 'why-similar-1366x768.png');
    await page.keyboard.press('Escape');
    await until('the dialog to close', () => page.$eval('.dialog-backdrop', (e) => e.hidden));
    check(await page.evaluate(() => document.activeElement?.dataset.testid === 'why-button'), 'focus did not return to the "Why similar?" button');
    seen.push(`"Why similar?" on hit 1 (${fromDataset.hitId}): overlay ${Math.round(fromDataset.dialog.overlay.w)}×${Math.round(fromDataset.dialog.overlay.h)} px exactly over the hit; Tab stays inside, Esc closes and returns focus`);

    await page.setInputFiles('[data-testid="upload-input"]', UPLOAD);
    await until('results for the upload', () => page.$eval('[data-testid="results"]', (e, q) => e.dataset.state === 'ready' && e.dataset.query === q, `upload:${path.basename(UPLOAD)}`), SEARCH_MS);
    const fromUpload = await why('upload');
    check(await page.$eval('[data-testid="why-dialog"] .why-figure img', (img) => img.src.startsWith('blob:')), 'the upload is not shown as the query');
    await screenshot(page, 'why-similar-upload-1366x768.png');
    await page.click('[data-testid="why-dialog"] .dialog-close');
    await until('the dialog to close', () => page.$eval('.dialog-backdrop', (e) => e.hidden));
    seen.push(`"Why similar?" for an upload: hit 1 (${fromUpload.hitId}) explained against the uploaded file`);

    checkClean();
    await context.close();
  } finally {
    await browser.close();
  }
}

const started = Date.now();
try {
  await main();
  console.log('e2e:explorer: what the pages showed');
  for (const line of seen) console.log(`  - ${line}`);
  console.log(`  - cumulative layout shift (at most ${MAX_SHIFT}): ${shifts.join(', ')}`);
  console.log(`  (${abortedRequests.length} requests cancelled by the page as stale)`);
  console.log(`e2e:explorer passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  for (const line of seen) console.log(`  - ${line}`);
  if (consoleErrors.length) console.log(`console errors so far:\n  ${consoleErrors.join('\n  ')}`);
  console.error(`e2e:explorer FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, screenshots ${SHOTS})`);
  process.exit(1);
}
