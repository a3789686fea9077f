// End-to-end check of what a neuron draws (issue 13) in headless Chromium against the running system (node
// server.mjs in front of the three services): on a layer's view, a channel chosen on the activation maps is
// chosen on every card and in the URL; its picture arrives step by step (the preview filling in) and can be
// cancelled; the layer's grid fills in cell by cell without moving anything; a cell chooses its channel; the
// service's refusals show as messages where the picture would be; a phone shows it all without sideways
// scrolling. Then "Why similar?" with its gradient maps (SmoothGrad, Grad-CAM at a chosen layer).
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_SCREENSHOTS  where screenshots go (default ../target/screenshots, relative to frontend/)
//   CNP_SHARED_DIR   the shared folder with datasets/ (default ../../shared, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
//
// The small model mobilenet_v1_0.25_128 and few steps keep it short; a seed never used before makes every
// picture new (nothing from the feature-service's cache), so the filling in is really seen. Every wait polls
// a condition with a deadline; any failed check, unexpected error answer or console error exits 1.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, SHARED, CHROMIUM, CheckFailed, check, until, getJson, launchBrowser, screenshots, noSidewaysScroll, trackLayoutShifts, takeLayoutShift, pageWatcher } from './lib.mjs';

const MODEL = 'mobilenet_v1_0.25_128';
const LAYER = 'Conv2d_5_depthwise'; // 64 channels of 16×16
const CALTECH = 'caltech101-iconic200';
const ELEPHANT = 'elephant/image_0001.jpg';
const UPLOAD = path.join(SHARED, 'datasets', CALTECH, ELEPHANT);
const STEPS = 64; // previews at 16, 32, 48 and the picture at 64
const GRID = 8;
const SEED = 1 + (Date.now() % 900_000_000);

const DRAW_MS = 120_000; // one picture, behind whatever else the drawing worker has queued
const GRID_MS = 240_000; // eight pictures one after the other
const COMPUTE_MS = 60_000; // activation maps, gradient maps
const SEARCH_MS = 120_000; // the search collection may need building
const MAX_SHIFT = 0.1; // cumulative layout shift while pictures arrive ("good" by the Web Vitals threshold)

const seen = [];
const screenshot = screenshots(seen);
/** Error answers provoked on purpose (a channel out of range): method, path part and status. */
const provoked = [];
const { watch, checkClean, consoleErrors, failedResponses, abortedRequests, expectedSeen: provokedSeen } = pageWatcher((method, url, status) =>
  provoked.some((p) => (method === undefined || p.method === method) && url.includes(p.path) && p.status === status),
);


/** The channel drawing card as the page shows it. */
function drawingCard(page) {
  return page.evaluate(() => {
    const card = document.querySelector('[data-testid="channel-drawing"]');
    if (!card) return null;
    const img = card.querySelector('[data-testid="draws-image"]');
    const stage = card.querySelector('.draws-stage').getBoundingClientRect();
    return {
      ...card.dataset,
      field: card.querySelector('[data-testid="draws-channel"]').value,
      action: card.querySelector('[data-testid="draws-action"]').dataset.action,
      status: card.querySelector('[data-testid="draws-status"]').textContent,
      message: card.querySelector('[data-testid="draws-message"]:not([hidden])')?.textContent ?? null,
      img: img.hidden ? null : { src: img.getAttribute('src'), alt: img.alt, complete: img.complete, w: img.naturalWidth, h: img.naturalHeight },
      box: { w: Math.round(stage.width), h: Math.round(stage.height) },
      bar: card.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'),
    };
  });
}

/** The overview grid: each cell's channel, state, picture and box. */
function gridCells(page) {
  return page.evaluate(() => {
    const card = document.querySelector('[data-testid="channel-overview"]');
    const cells = [...card.querySelectorAll('[data-testid="overview-cell"]')].map((li) => {
      const img = li.querySelector('img');
      const r = li.querySelector('.ov-frame').getBoundingClientRect();
      return {
        channel: Number(li.dataset.channel),
        state: li.dataset.state,
        loaded: !img.hidden && img.complete && img.naturalWidth > 0,
        src: img.getAttribute('src'),
        alt: img.alt,
        label: li.querySelector('button').getAttribute('aria-label'),
        pressed: li.querySelector('button').getAttribute('aria-pressed'),
        box: { x: Math.round(r.left), y: Math.round(r.top + window.scrollY), w: Math.round(r.width), h: Math.round(r.height) },
      };
    });
    return { ...card.dataset, status: card.querySelector('[data-testid="overview-status"]').textContent, cells };
  });
}

async function layerView(browser) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(trackLayoutShifts);
  const page = await context.newPage();
  watch(page);
  const model = (await getJson(context.request, '/api/catalog/models')).find((m) => m.id === MODEL);
  check(model, `the catalog does not list ${MODEL}`);
  const [ih, iw] = model.inputSize;

  // 1. The layer with an image and a fresh seed: the strongest channel is suggested, nothing drawn yet.
  const link = `#/models/${MODEL}/layers/${LAYER}?dataset=${CALTECH}&image=${ELEPHANT}&steps=${STEPS}&seed=${SEED}`;
  await page.goto(`${BASE}/${link}`, { waitUntil: 'domcontentloaded' });
  await until('the activation maps', async () => {
    const state = await page.$eval('[data-testid="activations"]', (e) => e.dataset.state).catch(() => null);
    if (state === 'error') throw new CheckFailed(`the activation maps failed: ${await page.textContent('[data-testid="activations"]')}`);
    return state === 'ready';
  }, COMPUTE_MS);
  const ranked = await page.$$eval('[data-testid="activation-cell"]', (bs) => bs.map((b) => Number(b.dataset.channel)));
  let card = await until('the suggested channel', async () => {
    const c = await drawingCard(page);
    return c?.field === String(ranked[0]) ? c : null;
  });
  check(card.state === 'empty' && card.img === null, `nothing should be drawn before a channel is chosen: ${JSON.stringify(card)}`);
  check(Math.abs(card.box.w / card.box.h - iw / ih) < 0.02, `the picture's box is ${card.box.w}×${card.box.h}, not the input's shape ${iw}×${ih}`);
  const drawsSteps = await page.inputValue('[data-testid="draws-steps"]');
  const drawsSeed = await page.inputValue('[data-testid="draws-seed"]');
  check(drawsSteps === String(STEPS) && drawsSeed === String(SEED), `the link's steps and seed are not in the fields: ${drawsSteps}, ${drawsSeed}`);
  seen.push(`layer view ${MODEL} · ${LAYER} for ${ELEPHANT}: channel ${ranked[0]} suggested (the strongest), a ${card.box.w}×${card.box.h} box reserved, nothing drawn`);

  // 2. A map's channel is chosen everywhere, and its picture arrives step by step.
  const channel = ranked[2];
  await takeLayoutShift(page);
  await page.click(`[data-testid="activation-cell"][data-channel="${channel}"]`);
  await until(`channel ${channel} on every card and in the URL`, async () => ({
    ok:
      (await page.inputValue('[data-testid="examples-channel"]')) === String(channel) &&
      (await page.inputValue('[data-testid="draws-channel"]')) === String(channel) &&
      page.url().includes(`channel=${channel}`),
  }));
  await page.$eval('.channel-pair', (e) => e.scrollIntoView({ block: 'start' }));
  // How many pictures so far the page shows for 64 steps depends on the machine's speed (one every 16 steps, as
  // polled); they are noted here, and checked on the 512-step drawing below, which cannot outrun its polls.
  const steps = new Set();
  const previews = new Set();
  card = await until(`the picture of channel ${channel}`, async () => {
    const c = await drawingCard(page);
    if (c.state === 'error') throw new CheckFailed(`the drawing failed: ${c.message}`);
    if (c.state === 'drawing') steps.add(Number(c.done));
    if (c.state === 'drawing' && c.img?.src?.startsWith('blob:') && c.img.complete && c.img.w > 0) {
      if (previews.size === 0) await screenshot(page, 'drawing-progress-1366x768.png');
      previews.add(/so far: (.*)$/.exec(c.img.alt)?.[1] ?? 'at the last step');
    }
    return c.state === 'ready' && c.img?.complete && c.img.w > 0 ? c : null;
  }, DRAW_MS, 150);
  check(steps.size > 0, `channel ${channel} was never shown as being drawn`);
  check(/^\/api\/features\/visualisations\/images\/[0-9a-f]{32}\.png$/.test(card.img.src) && card.img.w === iw && card.img.h === ih, `the final picture is ${JSON.stringify(card.img)}`);
  check(card.img.alt === `What channel ${channel} of ${LAYER} (${MODEL}) draws`, `the picture's alt text is '${card.img.alt}'`);
  check(/^64 steps, drawn in [\d.]+ s · mean activation -?[\d.]+/.test(card.status), `the status under the picture says '${card.status}'`);
  const drawShift = await takeLayoutShift(page);
  check(drawShift <= MAX_SHIFT, `the layout shifted by ${drawShift.toFixed(3)} while the picture arrived`);
  await screenshot(page, 'drawing-1366x768.png');
  seen.push(`channel ${channel} (chosen on the maps, set on the examples and in the URL): steps seen while drawing ${[...steps].sort((a, b) => a - b).join(', ')}; pictures so far shown: ${[...previews].join(', ') || 'none (drawn between two polls)'}; then ${card.img.w}×${card.img.h} px, '${card.status}'; layout shift ${drawShift.toFixed(3)}`);

  // 3. The grid of the 8 strongest channels fills in cell by cell; the boxes never move.
  await page.$eval('[data-testid="channel-overview"]', (e) => e.scrollIntoView({ block: 'start' }));
  await page.selectOption('[data-testid="overview-count"]', String(GRID));
  check((await page.textContent('[data-testid="overview-action"]')) === `Draw ${GRID} channels`, 'the grid button does not say how many channels it draws');
  await takeLayoutShift(page);
  await page.click('[data-testid="overview-action"]');
  const first = await until('the grid of empty cells', async () => {
    const g = await gridCells(page);
    return g.cells.length === GRID ? g : null;
  });
  // The cells are reserved below the controls: now that the page is long enough, bring them into view.
  await page.$eval('[data-testid="channel-overview"]', (e) => e.scrollIntoView({ block: 'start' }));
  const drawnCounts = new Set();
  let midShot = false;
  const grid = await until('the grid to fill in', async () => {
    const g = await gridCells(page);
    if (g.state === 'error') throw new CheckFailed(`the grid failed: ${g.status}`);
    const loaded = g.cells.filter((c) => c.loaded).length;
    drawnCounts.add(loaded);
    if (!midShot && loaded >= 2 && loaded <= GRID - 2) {
      midShot = true;
      await screenshot(page, 'overview-filling-1366x768.png');
    }
    return g.state === 'ready' && loaded === GRID ? g : null;
  }, GRID_MS, 200);
  const partial = [...drawnCounts].filter((n) => n > 0 && n < GRID);
  check(partial.length >= 3, `the grid did not fill in cell by cell: pictures shown at the polls ${[...drawnCounts].sort((a, b) => a - b).join(', ')}`);
  check(JSON.stringify(grid.cells.map((c) => c.channel)) === JSON.stringify(ranked.slice(0, GRID)), `the grid shows channels ${grid.cells.map((c) => c.channel)}, the strongest are ${ranked.slice(0, GRID)}`);
  check(grid.cells.every((c, i) => JSON.stringify(c.box) === JSON.stringify(first.cells[i].box)), 'a cell of the grid moved or changed size as pictures arrived');
  check(new Set(grid.cells.map((c) => c.src)).size === GRID, 'two channels share a picture');
  check(grid.cells.every((c) => c.alt === `What channel ${c.channel} of ${LAYER} (${MODEL}) draws` && /^Channel \d+: drawn, mean activation/.test(c.label)), `alt texts or labels do not name the channel: ${JSON.stringify(grid.cells.map((c) => [c.alt, c.label]))}`);
  check(grid.cells.find((c) => c.channel === channel)?.pressed === 'true', `the chosen channel ${channel} is not marked in the grid`);
  const gridShift = await takeLayoutShift(page);
  check(gridShift <= MAX_SHIFT, `the layout shifted by ${gridShift.toFixed(3)} while the grid filled in`);
  await screenshot(page, 'overview-1366x768.png');
  seen.push(`grid of the ${GRID} strongest channels (${grid.cells.map((c) => c.channel).join(', ')}): pictures shown at successive polls ${[...drawnCounts].sort((a, b) => a - b).join(', ')}; cells never moved; '${grid.status}'; layout shift ${gridShift.toFixed(3)}`);

  // 4. A cell chooses its channel, by keyboard too: drawn already, its picture comes at once.
  await page.focus('[data-testid="overview-cell"] button[tabindex="0"]');
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => Number(document.activeElement?.closest('[data-testid="overview-cell"]')?.dataset.channel));
  check(focused === ranked[3], `arrow keys moved the focus to channel ${focused}, not ${ranked[3]}`);
  await page.keyboard.press('Enter');
  card = await until(`channel ${focused} chosen from the grid`, async () => {
    const c = await drawingCard(page);
    return c.state === 'ready' && c.channel === String(focused) && c.img?.w > 0 ? c : null;
  }, DRAW_MS);
  check(card.status.includes('from the cache'), `the grid's picture was drawn again: '${card.status}'`);
  check((await page.inputValue('[data-testid="examples-channel"]')) === String(focused) && page.url().includes(`channel=${focused}`), 'a grid cell did not choose its channel on the examples and in the URL');
  check((await page.getAttribute(`[data-testid="activation-cell"][data-channel="${focused}"]`, 'aria-pressed')) === 'true', 'a grid cell did not mark its channel on the activation maps');
  seen.push(`grid cell of channel ${focused}, chosen with the arrow keys and Enter: '${card.status}', set on the maps, the examples and the URL`);

  // 5. More steps draw the chosen channel again (the URL keeps them); that drawing is cancelled on its way.
  let deleted = false;
  page.on('response', (res) => {
    if (res.request().method() === 'DELETE' && res.url().includes('/api/features/visualisations/') && res.status() === 204) deleted = true;
  });
  await page.$eval('.channel-pair', (e) => e.scrollIntoView({ block: 'start' }));
  await page.selectOption('[data-testid="draws-steps"]', '512');
  // The picture fills in: the first picture so far is shown (with the steps under it); then Cancel keeps it.
  const drawing = await until(`channel ${focused} being drawn with 512 steps, a picture so far shown`, async () => {
    const c = await drawingCard(page);
    if (c.state === 'error') throw new CheckFailed(`the drawing failed: ${c.message}`);
    return c.state === 'drawing' && c.action === 'cancel' && c.channel === String(focused) && c.steps === '512' && c.img?.src?.startsWith('blob:') && c.img.complete && c.img.w > 0 ? c : null;
  }, DRAW_MS, 50);
  check(new RegExp(`^What channel ${focused} of ${LAYER} \\(${MODEL.replace(/\./g, '\\.')}\\) draws, so far: \\d+ of 512 steps$`).test(drawing.img.alt), `the picture so far's alt text does not name the channel and the steps: '${drawing.img.alt}'`);
  const at = Number(/so far: (\d+) of/.exec(drawing.img.alt)[1]);
  check(at > 0 && at % 16 === 0 && at <= Number(drawing.done), `the picture so far says step ${at}; the service renders one every 16 steps and the job is at ${drawing.done}`);
  check(/^step \d+ of 512$/.test(drawing.status) && Number(drawing.bar) > 0 && Number(drawing.bar) < 100, `while drawing, the status says '${drawing.status}' and the bar ${drawing.bar}`);
  check(drawing.img.w === iw && drawing.img.h === ih, `the picture so far is ${drawing.img.w}×${drawing.img.h}, not the input's ${iw}×${ih}`);
  // Cancel at once: a screenshot first takes long enough for a fast machine to draw the 512 steps meanwhile.
  await page.click('[data-testid="draws-action"]');
  check(page.url().includes('steps=512'), `the URL does not keep the steps: ${page.url()}`);
  card = await until('the drawing to stop', async () => {
    const c = await drawingCard(page);
    return c.state === 'cancelled' || c.state === 'ready' ? c : null;
  }, DRAW_MS);
  check(card.state === 'cancelled', `512 steps were drawn before Cancel reached them: ${card.status}`);
  check(deleted, 'Cancel did not ask the service to stop the job (no DELETE answered 204)');
  check(/^Cancelled after \d+ of 512 steps; the picture so far is shown/.test(card.status), `a cancelled drawing says '${card.status}'`);
  check(card.img?.w > 0 && card.img.alt.includes('so far'), `the picture so far is not kept after cancelling: ${JSON.stringify(card.img)}`);
  check(card.action === 'draw', 'after cancelling, the button does not offer to draw again');
  await screenshot(page, 'drawing-cancelled-1366x768.png');
  seen.push(`512 steps chosen: channel ${focused} drawn again (steps=512 in the URL), the picture so far shown ('${drawing.img.alt.replace(/.*so far: /, '')}', '${drawing.status}'), then cancelled: '${card.status}' (DELETE answered 204)`);

  // A number beyond the layer's last channel is marked in the field, not sent.
  let posted = 0;
  const countPosts = (req) => {
    if (req.method() === 'POST' && req.url().includes('/api/features/visualisations')) posted++;
  };
  page.on('request', countPosts);
  await page.fill('[data-testid="draws-channel"]', '64');
  await page.press('[data-testid="draws-channel"]', 'Enter');
  const marked = await until('the field marked', () => page.evaluate(() => {
    const input = document.querySelector('[data-testid="draws-channel"]');
    const help = document.getElementById(input.getAttribute('aria-describedby'));
    return input.getAttribute('aria-invalid') === 'true' && help.classList.contains('is-error') && document.activeElement === input ? help.textContent : null;
  }));
  check(marked === '0 to 63' && posted === 0 && (await drawingCard(page)).state === 'cancelled', `channel 64 typed: the range says '${marked}', ${posted} drawings asked for`);
  page.off('request', countPosts);
  seen.push(`channel 64 typed on the drawing card: the field marked (its range '${marked}' in red), nothing asked`);

  // A channel typed on the drawing card is chosen everywhere (back at 64 steps, which are in the cache).
  await page.selectOption('[data-testid="draws-steps"]', String(STEPS));
  const other = ranked[GRID - 1];
  await page.fill('[data-testid="draws-channel"]', String(other));
  await page.press('[data-testid="draws-channel"]', 'Enter');
  card = await until(`channel ${other} typed in`, async () => {
    const c = await drawingCard(page);
    return c.state === 'ready' && c.channel === String(other) && c.steps === String(STEPS) ? c : null;
  }, DRAW_MS);
  check((await page.getAttribute('[data-testid="draws-channel"]', 'aria-invalid')) === null, 'a valid channel typed after an invalid one leaves the field marked');
  check(page.url().includes(`channel=${other}`) && !page.url().includes('steps=512') && (await page.inputValue('[data-testid="examples-channel"]')) === String(other), 'a channel typed on the drawing card is not chosen on the examples and in the URL');
  seen.push(`channel ${other} typed on the drawing card: chosen on the examples and in the URL, '${card.status}'`);

  // 6. A channel the layer does not have: the service's problem, in place of the picture.
  provoked.push({ method: 'POST', path: '/api/features/visualisations', status: 400 });
  await page.goto(`${BASE}/#/models/${MODEL}/layers/${LAYER}?channel=999&steps=${STEPS}&seed=${SEED}`);
  card = await until('the refusal in place', async () => {
    const c = await drawingCard(page);
    return c?.state === 'error' ? c : null;
  }, DRAW_MS);
  check(card.img === null, 'a refused drawing shows an image');
  check(card.message?.includes('999') && card.message.includes('0 to 63'), `the message in place does not name the value and the range: '${card.message}'`);
  await page.$eval('.channel-pair', (e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'drawing-refused-1366x768.png');
  check(provokedSeen.length === 1, `expected one refused drawing, saw ${JSON.stringify(provokedSeen)}`);
  provoked.pop();
  seen.push(`channel 999 from a link: '${card.message}' where the picture would be`);

  // 7. Layers without channel maps: logits (1,000 values) draws a unit but has no maps to rank by; a scalar
  //    constant has nothing to draw. Both say so in place, and nothing is asked of the drawing worker.
  let drawingsAsked = 0;
  const countDrawings = (req) => {
    if (req.method() === 'POST' && req.url().includes('/api/features/visualisations')) drawingsAsked++;
  };
  page.on('request', countDrawings);
  await page.goto(`${BASE}/#/models/${MODEL}/layers/logits?steps=${STEPS}&seed=${SEED}`);
  const logits = await until('the logits layer view', () => page.evaluate(() => {
    const maps = document.querySelector('[data-testid="activations"]');
    const ov = document.querySelector('[data-testid="channel-overview"]');
    const strongest = ov?.querySelector('[data-testid="overview-mode"] [data-method="strongest"]');
    const draws = document.querySelector('[data-testid="channel-drawing"]');
    if (!maps || !strongest || !draws) return { ok: false, url: location.hash, page: document.querySelector('main')?.innerText.slice(0, 300) };
    return { ok: maps.dataset.state === 'unavailable', maps: maps.textContent, strongestOff: strongest.disabled, first: strongest.nextElementSibling.getAttribute('aria-checked'), draws: draws.dataset.state, channelOff: draws.querySelector('[data-testid="draws-channel"]').disabled, help: draws.querySelector('.field-help').textContent };
  }), COMPUTE_MS);
  check(logits.maps.includes('an output of 1000 values') && logits.strongestOff && logits.first === 'true' && logits.draws === 'empty' && !logits.channelOff && logits.help === '0 to 999', `the logits layer view: ${JSON.stringify(logits)}`);
  const scalar = '/Conv2d_13_pointwise/Constant_output_0';
  await page.goto(`${BASE}/#/models/${MODEL}/layers/${encodeURIComponent(scalar)}?channel=3`);
  const nothing = await until('the scalar layer view', () => page.evaluate(() => {
    const d = document.querySelector('[data-testid="channel-drawing"]');
    const o = document.querySelector('[data-testid="channel-overview"]');
    if (!d || !o) return { ok: false, url: location.hash, page: document.querySelector('main')?.innerText.slice(0, 300) };
    return {
      ok: d.dataset.state === 'unavailable' && o.dataset.state === 'unavailable',
      states: [d.dataset.state, o.dataset.state],
      drawing: d.querySelector('[data-testid="draws-message"]').textContent,
      image: !d.querySelector('[data-testid="draws-image"]').hidden,
      overview: o.querySelector('[data-testid="overview-message"]').textContent,
      action: o.querySelector('[data-testid="overview-action"]').disabled,
      meta: o.querySelector('[data-testid="overview-meta"]').textContent.trim(),
    };
  }), COMPUTE_MS);
  check(/^Nothing to draw: .* has a scalar output, without a channel axis\.$/.test(nothing.drawing) && nothing.overview === nothing.drawing && !nothing.image && nothing.action && nothing.meta === '', `the scalar layer view: ${JSON.stringify(nothing)}`);
  page.off('request', countDrawings);
  check(!(await page.isVisible('[data-testid="error-banner"]')), 'the refusal of channel 999 on another layer is still shown');
  check(drawingsAsked === 0, `${drawingsAsked} drawings were asked for on layers without channel maps`);
  await page.$eval('.channel-pair', (e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'drawing-unavailable-1366x768.png');
  seen.push(`logits: no maps ('…${logits.maps.slice(logits.maps.indexOf('has'), logits.maps.indexOf(':'))}…'), the grid offers the first channels only, a unit 0 to 999 can be drawn; ${scalar}: '${nothing.drawing}' on both drawing cards, nothing asked`);
  await context.close();
}

async function phone(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.addInitScript(trackLayoutShifts);
  const page = await context.newPage();
  watch(page);
  await page.goto(`${BASE}/#/models/${MODEL}/layers/${LAYER}?dataset=${CALTECH}&image=${ELEPHANT}&steps=${STEPS}&seed=${SEED}`);
  await until('the phone activation maps', () => page.$eval('[data-testid="activations"]', (e) => e.dataset.state === 'ready').catch(() => false), COMPUTE_MS);
  const channel = await page.$eval('[data-testid="activation-cell"]', (b) => Number(b.dataset.channel));
  await page.tap(`[data-testid="activation-cell"][data-channel="${channel}"]`);
  await until('the phone picture', async () => {
    const c = await drawingCard(page);
    return c.state === 'ready' && c.img?.w > 0;
  }, DRAW_MS);
  await page.selectOption('[data-testid="overview-count"]', String(GRID));
  await page.tap('[data-testid="overview-action"]');
  await until('the phone grid (drawn before: at once)', async () => {
    const g = await gridCells(page);
    return g.state === 'ready' && g.cells.length === GRID && g.cells.every((c) => c.loaded);
  }, GRID_MS);
  await noSidewaysScroll(page, 'the layer view on a phone');
  const widths = await page.evaluate(() => ['channel-drawing', 'channel-examples', 'channel-overview'].map((id) => Math.round(document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect().width)));
  check(widths.every((w) => w > 300 && w <= 390), `the cards do not fit the phone's width: ${widths}`);
  await page.$eval('[data-testid="channel-drawing"]', (e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'drawing-390x844.png');
  await page.$eval('[data-testid="channel-overview"]', (e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'overview-390x844.png');
  seen.push(`phone 390x844: channel ${channel} drawn, the grid of ${GRID} at once from the cache, cards ${widths.join('/')} px wide, no sideways scrolling`);
  await context.close();
}

async function whySimilar(browser) {
  for (const [w, hgt, tag] of [[1366, 768, '1366x768'], [390, 844, '390x844']]) {
    const context = await browser.newContext({ viewport: { width: w, height: hgt }, ...(w < 500 ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}) });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${BASE}/#/search?dataset=${CALTECH}&model=${MODEL}&layer=global_pool&metric=cosine&q=${ELEPHANT}`);
    await until('the search results', () => page.$eval('[data-testid="results"]', (e) => e.dataset.state === 'ready').catch(() => false), SEARCH_MS);
    await page.locator('[data-testid="why-button"]').first().click();
    await until('the occlusion map', () => page.$eval('[data-testid="why-dialog"]', (d) => d.dataset.state === 'ready'), COMPUTE_MS);
    const dialogState = () =>
      page.evaluate(() => {
        const d = document.querySelector('[data-testid="why-dialog"]');
        const img = d.querySelector('[data-testid="gradient-map"]');
        return {
          state: d.dataset.state,
          method: d.dataset.method,
          caption: d.querySelector('[data-testid="why-method"]').textContent,
          text: d.querySelector('[data-testid="why-text"]').textContent,
          status: d.querySelector('[data-testid="why-status"]').textContent,
          shown: !img.closest('.why-stage').hidden,
          img: { w: img.naturalWidth, h: img.naturalHeight, alt: img.alt, complete: img.complete, src: img.getAttribute('src') },
          checked: [...d.querySelectorAll('[data-testid="why-methods"] [role="radio"]')].filter((r) => r.getAttribute('aria-checked') === 'true').map((r) => r.dataset.method),
        };
      });
    const shown = {};
    for (const method of ['smoothgrad', 'gradcam']) {
      await page.click(`[data-testid="why-methods"] [data-method="${method}"]`);
      shown[method] = await until(`the ${method} map`, async () => {
        const s = await dialogState();
        if (s.state === 'error') throw new CheckFailed(`the ${method} map failed: ${s.status}`);
        return s.state === 'ready' && s.method === method && s.img.complete && s.img.w > 0 ? s : null;
      }, COMPUTE_MS);
      check(shown[method].shown && shown[method].img.w === 128 && shown[method].img.h === 128, `the ${method} map is not the hit at the model's 128×128 input: ${JSON.stringify(shown[method].img)}`);
      check(JSON.stringify(shown[method].checked) === JSON.stringify([method]), `the method radios say ${shown[method].checked}`);
      await screenshot(page, `why-${method}-${tag}.png`);
    }
    check(shown.smoothgrad.caption === 'SmoothGrad' && shown.smoothgrad.text.includes('SmoothGrad') && shown.smoothgrad.img.alt.startsWith('SmoothGrad map of'), `SmoothGrad is not named under the map: ${JSON.stringify(shown.smoothgrad)}`);
    check(/^Grad-CAM at Conv2d_13_pointwise$/.test(shown.gradcam.caption), `Grad-CAM does not name the layer the service chose: '${shown.gradcam.caption}'`);
    if (w > 500) {
      // Grad-CAM at a chosen, earlier layer.
      const choices = await page.$$eval('[data-testid="why-cam-layer"] option', (os) => os.map((o) => o.value));
      check(choices.includes(LAYER) && !choices.includes('global_pool'), `the Grad-CAM layers offered are ${choices}`);
      await page.selectOption('[data-testid="why-cam-layer"]', LAYER);
      const at = await until('Grad-CAM at the chosen layer', async () => {
        const s = await dialogState();
        return s.state === 'ready' && s.caption === `Grad-CAM at ${LAYER}` && s.img.src !== shown.gradcam.img.src ? s : null;
      }, COMPUTE_MS);
      check(at.text.includes(`${LAYER}'s activations`), `the explanation does not name the chosen layer: ${at.text}`);
      await screenshot(page, 'why-gradcam-layer-1366x768.png');
      // Back to occlusion: the map laid over the hit, as before.
      await page.click('[data-testid="why-methods"] [data-method="occlusion"]');
      await until('the occlusion map again', () => page.$eval('[data-testid="occlusion-overlay"]', (o) => !o.hidden && o.complete && o.naturalWidth > 0 && !o.closest('.why-stage').hidden));
      seen.push(`"Why similar?" on ${MODEL} · global_pool: SmoothGrad and Grad-CAM maps 128×128 named under the image ('${shown.smoothgrad.caption}', '${shown.gradcam.caption}', then '${at.caption}'), occlusion back over the hit`);

      // An uploaded query is sent as the reference of the gradient map; the method chosen last stays.
      await page.click('[data-testid="why-methods"] [data-method="smoothgrad"]');
      await until('SmoothGrad again', async () => (await dialogState()).state === 'ready');
      await page.keyboard.press('Escape');
      await page.setInputFiles('[data-testid="upload-input"]', UPLOAD);
      await until('results for the upload', () => page.$eval('[data-testid="results"]', (e, q) => e.dataset.state === 'ready' && e.dataset.query === q, `upload:${path.basename(UPLOAD)}`), SEARCH_MS);
      await page.locator('[data-testid="why-button"]').first().click();
      const upload = await until('the SmoothGrad map for the upload', async () => {
        const s = await dialogState();
        if (s.state === 'error') throw new CheckFailed(`the map for the upload failed: ${s.status}`);
        return s.state === 'ready' && s.method === 'smoothgrad' && s.img.w > 0 ? s : null;
      }, COMPUTE_MS);
      check(await page.$eval('[data-testid="why-dialog"] .why-figure img', (img) => img.src.startsWith('blob:')), 'the upload is not shown as the query');
      seen.push(`"Why similar?" for an uploaded query: the method stays '${upload.caption}', its map computed against the file`);
    } else {
      await noSidewaysScroll(page, '"Why similar?" on a phone');
      seen.push('"Why similar?" on a phone: both gradient maps shown, no sideways scrolling');
    }
    await context.close();
  }
}

async function main() {
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  await mkdir(SHOTS, { recursive: true });
  const browser = await launchBrowser();
  try {
    await layerView(browser);
    await phone(browser);
    await whySimilar(browser);
    checkClean();
  } finally {
    await browser.close();
  }
}

const started = Date.now();
try {
  await main();
  console.log(`e2e:drawing: what the pages showed (seed ${SEED})`);
  for (const line of seen) console.log(`  - ${line}`);
  console.log(`  (${abortedRequests.length} requests cancelled by the page as stale)`);
  console.log(`e2e:drawing passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  for (const line of seen) console.log(`  - ${line}`);
  if (consoleErrors.length) console.log(`console errors so far:\n  ${consoleErrors.join('\n  ')}`);
  if (failedResponses.length) console.log(`error responses so far:\n  ${failedResponses.join('\n  ')}`);
  console.error(`e2e:drawing FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, screenshots ${SHOTS}, seed ${SEED})`);
  process.exit(1);
}
