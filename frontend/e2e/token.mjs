// End-to-end check of the access token in headless Chromium, against the system started with CNP_API_TOKEN
// (the services and `node server.mjs` in front of them): reading and searching need no token (queries change
// nothing); the first request that changes data (here an upload of images, an XMLHttpRequest) asks for it in an
// accessible dialog over the upload dialog that says why; a wrong token is asked for again with the services'
// reason; the right one is kept in localStorage, sent with every such request (the upload, a deletion by fetch),
// never with a GET, and the refused request goes through; declining leaves the services' message in the dialog.
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_API_TOKEN    the token the services were started with (required)
//   CNP_SCREENSHOTS  where screenshots go (default ../target/screenshots, relative to frontend/)
//   CNP_SHARED_DIR   the shared folder with datasets/ (default ../../shared, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Every wait polls a condition with a deadline; a failed check, a page error or an error answer other than
// the expected 401s exits 1. The dataset it makes to upload into is deleted at the end.
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, SHARED, CHROMIUM, CheckFailed, check, until, launchBrowser, expectedAbsence, screenshots, noSidewaysScroll } from './lib.mjs';

const TOKEN = process.env.CNP_API_TOKEN ?? '';
const TOKEN_REQUIRED = 'https://convnet-playground/problems/token-required';
const KEY = 'cnp.apiToken';
const CALTECH = 'caltech101-iconic200';
const V2 = 'mobilenet_v2_1.0_224';
const SEARCH = `#/search?dataset=${CALTECH}&model=${V2}&layer=global_pool&metric=cosine&q=elephant/image_0001.jpg`;
const IMAGES = ['elephant/image_0002.jpg', 'llama/image_0002.jpg'].map((id) => path.join(SHARED, 'datasets', CALTECH, id));
const DATASET = `token-check-${Date.now().toString(36)}`;
const SEARCH_MS = 180_000; // a collection may be built first

const seen = [];
const screenshot = screenshots(seen);
const problems = [];

/** Records every API request (method, path, the token it carried) and flags answers that should not be. */
function watch(page, requests) {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!url.pathname.startsWith('/api/')) return;
    requests.push({ method: req.method(), path: url.pathname, authorization: req.headers().authorization ?? null });
  });
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (res.status() < 400 || !url.pathname.startsWith('/api/') || expectedAbsence(res.url(), res.status())) return;
    if (res.status() === 401) {
      const body = await res.json().catch(() => ({}));
      if (body.type === TOKEN_REQUIRED) return;
    }
    problems.push(`${res.request().method()} ${url.pathname} -> ${res.status()}`);
  });
}

/** The token dialog as a person meets it, or null while it is not shown. */
function tokenDialog(page) {
  return page.evaluate(() => {
    const d = document.querySelector('[data-testid="token-dialog"]');
    if (!d || d.offsetParent === null || d.closest('[hidden]')) return null;
    const refused = d.querySelector('[data-testid="token-refused"]');
    const labelledBy = document.getElementById(d.getAttribute('aria-labelledby') ?? '');
    const describedBy = document.getElementById(d.getAttribute('aria-describedby') ?? '');
    const input = d.querySelector('[data-testid="token-input"]');
    return {
      role: d.getAttribute('role'),
      modal: d.getAttribute('aria-modal'),
      title: labelledBy?.textContent ?? null,
      why: describedBy?.textContent ?? null,
      inputLabel: input?.labels?.[0]?.textContent ?? null,
      inputType: input?.type,
      focused: document.activeElement === input,
      refused: refused && !refused.hidden ? refused.textContent : null,
      appInert: Boolean(document.querySelector('#app > main')?.inert),
    };
  });
}

async function results(page, timeoutMs = SEARCH_MS) {
  return until('50 results', () => page.evaluate(() => {
    const root = document.querySelector('[data-testid="results"]');
    return { state: root?.dataset.state, dataset: root?.dataset.dataset, cards: document.querySelectorAll('[data-testid="result"]').length, ok: root?.dataset.state === 'ready' && document.querySelectorAll('[data-testid="result"]').length > 0 };
  }), timeoutMs, 200);
}

/** Opens "Add your images" on the search page and sends two photos as a new dataset `name`. */
async function startUpload(page, name) {
  await page.click('[data-testid="add-images"]');
  await until('the "Add your images" dialog', () => page.$eval('[data-testid="add-images-dialog"]', (d) => d.offsetParent !== null).catch(() => false));
  await page.setInputFiles('[data-testid="own-files"]', await Promise.all(IMAGES.map(async (f) => ({ name: path.basename(path.dirname(f)) + '-' + path.basename(f), mimeType: 'image/jpeg', buffer: await readFile(f) }))));
  await page.fill('[data-testid="own-name"]', name);
  await page.click('[data-testid="own-submit"]');
}

/** The number of images the upload dialog says were imported, once it says so. */
function uploaded(page) {
  return until('the upload to go through', () => page.$eval('[data-testid="own-result"]', (b) => !b.hidden && b.dataset.imported).catch(() => null), 60_000);
}

async function main() {
  check(TOKEN, 'set CNP_API_TOKEN to the token the services were started with');
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  for (const f of IMAGES) check(existsSync(f), `no image at ${f} (set CNP_SHARED_DIR)`);
  await mkdir(SHOTS, { recursive: true });

  const browser = await launchBrowser();
  try {
    // 0. The services do require the token for what changes data (else this test would prove nothing), and
    //    not for a query.
    const probe = await browser.newContext();
    const body = { dataset: CALTECH, model: V2, layer: 'global_pool', metric: 'cosine', k: 5, queryId: 'elephant/image_0001.jpg' };
    const query = await probe.request.post(`${BASE}/api/search/query`, { data: body });
    check([200, 202].includes(query.status()), `POST /api/search/query without a token answered ${query.status()}: queries change nothing and need none`);
    const bare = await probe.request.delete(`${BASE}/api/features/datasets/${DATASET}`);
    const bareProblem = await bare.json().catch(() => ({}));
    check(bare.status() === 401 && bareProblem.type === TOKEN_REQUIRED, `DELETE /api/features/datasets/${DATASET} without a token answered ${bare.status()} ${JSON.stringify(bareProblem).slice(0, 200)}: were the services started with CNP_API_TOKEN?`);
    const withToken = await probe.request.delete(`${BASE}/api/features/datasets/${DATASET}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    check(withToken.status() === 404, `DELETE of the dataset ${DATASET} (not there yet) with CNP_API_TOKEN answered ${withToken.status()}: is it the token the services were started with?`);
    seen.push(`the services answer a query without the token (${query.status()}), refuse a deletion without it (401 '${bareProblem.title}') and take it with the token (404: no such dataset yet)`);
    await probe.close();

    // 1. Reading and searching need no token: the model list and a search, without a question, no request carrying one.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const requests = [];
    watch(page, requests);
    await page.goto(`${BASE}/#/models`);
    await until('the model list', () => page.$$eval('[data-testid="model-card"]', (c) => c.length > 0));
    await page.goto(`${BASE}/${SEARCH}`);
    const searched = await results(page);
    check((await tokenDialog(page)) === null, 'the token is asked for on pages that only read and search');
    check(requests.some((r) => r.method === 'POST' && r.path === '/api/search/query') && requests.every((r) => r.authorization === null), `reading and searching sent ${JSON.stringify(requests.filter((r) => r.authorization))}`);
    seen.push(`the Models page and a search (${searched.cards} results) sent ${requests.length} requests, POST /api/search/query too, without a token and without a question`);

    // 2. An upload (POST, XMLHttpRequest) is refused: the token is asked for over the upload dialog, with why.
    await startUpload(page, DATASET);
    const first = await until('the token dialog', () => tokenDialog(page));
    check(first.role === 'dialog' && first.modal === 'true' && first.appInert, `the token dialog is not an accessible modal: ${JSON.stringify(first)}`);
    check(/access token/i.test(first.title ?? '') && /access token/i.test(first.why ?? ''), `the dialog does not say what it asks for and why: ${JSON.stringify(first)}`);
    check(first.inputLabel === 'Access token' && first.inputType === 'password' && first.focused, `the token field is not labelled, hidden and focused: ${JSON.stringify(first)}`);
    check(first.refused === null, `the first question shows a refusal: ${first.refused}`);
    check(await page.evaluate(() => document.querySelector('[data-testid="add-images-dialog"]').closest('.dialog-backdrop').inert), 'the upload dialog under the question is not inert');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.querySelector('[data-testid="token-dialog"]').contains(document.activeElement)), 'Tab left the token dialog');
    await page.focus('[data-testid="token-input"]');
    await screenshot(page, 'token-dialog-1366x768.png');
    seen.push(`POST /api/features/datasets (the upload) was refused; the dialog "${first.title}" over the upload explains: "${first.why}"`);

    // 3. A wrong token: asked again, with the services' reason.
    await page.fill('[data-testid="token-input"]', `wrong-${TOKEN}`);
    await page.click('[data-testid="token-submit"]');
    const again = await until('the question again, with the refusal', async () => {
      const d = await tokenDialog(page);
      return d && d.refused ? d : null;
    });
    check(/not the one this server was started with|token/i.test(again.refused), `the refusal does not say why: ${again.refused}`);
    check(again.focused, 'the field is not focused for the second try');
    check(await page.evaluate((k) => localStorage.getItem(k), KEY) === null, 'a refused token is kept');
    await screenshot(page, 'token-refused-1366x768.png');
    seen.push(`a wrong token was refused and asked for again: "${again.refused}"`);

    // 4. The right token: the upload goes through, the token is kept and sent with what changes things only.
    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.keyboard.press('Enter');
    const imported = await uploaded(page);
    check(imported === '2', `the upload imported ${imported} images`);
    check((await tokenDialog(page)) === null, 'the dialog is still open');
    check(await page.evaluate((k) => localStorage.getItem(k), KEY) === TOKEN, `localStorage['${KEY}'] does not hold the token`);
    const uploads = requests.filter((r) => r.method === 'POST' && r.path === '/api/features/datasets');
    check(uploads.map((r) => r.authorization).join() === [null, `Bearer wrong-${TOKEN}`, `Bearer ${TOKEN}`].join(), `the upload was sent with ${JSON.stringify(uploads.map((r) => r.authorization))}`);
    check(requests.filter((r) => r.method === 'GET').every((r) => r.authorization === null), 'a GET carried the token');
    seen.push(`with the right token the refused upload went through (${imported} images into ${DATASET}); the token is kept in localStorage and GETs carry none`);
    await page.click('[data-testid="own-submit"]'); // Done

    // 5. After a reload nothing is asked: the kept token goes with the next change at once (deleting the dataset).
    const before = requests.length;
    await page.reload();
    await results(page);
    await page.click('[data-testid="add-images"]');
    await until('the "Add your images" dialog', () => page.$eval('[data-testid="add-images-dialog"]', (d) => d.offsetParent !== null).catch(() => false));
    await page.click('[data-testid="own-mode-tab-add"]');
    await page.selectOption('[data-testid="own-target"]', DATASET);
    await page.click('[data-testid="own-delete"]');
    await until('the confirmation', () => page.$eval('.confirm', (c) => !c.hidden));
    await page.click('[data-testid="own-delete-confirm"]');
    await until('the deletion', () => page.$eval('[data-testid="own-result"]', (b, id) => !b.hidden && b.textContent.includes(`Deleted '${id}'`), DATASET));
    const after = requests.slice(before).filter((r) => r.method !== 'GET');
    const deletes = after.filter((r) => r.method === 'DELETE');
    check(deletes.length === 1 && after.every((r) => r.authorization === `Bearer ${TOKEN}`), `after a reload the changes carried ${JSON.stringify(after)}`);
    check((await tokenDialog(page)) === null, 'the token is asked for again after a reload');
    seen.push(`after a reload the deletion of ${DATASET} (DELETE, fetch) carried the kept token at once, no question`);
    await context.close();

    // 6. A new browser: declining leaves the services' message in the upload dialog.
    const fresh = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const p2 = await fresh.newPage();
    const requests2 = [];
    watch(p2, requests2);
    await p2.goto(`${BASE}/${SEARCH}`);
    await results(p2);
    await startUpload(p2, DATASET);
    await until('the token dialog', () => tokenDialog(p2));
    await p2.keyboard.press('Escape');
    const refusal = await until('the refusal in the upload dialog', () => p2.$eval('[data-testid="own-error"]:not([hidden])', (e) => e.textContent).catch(() => null));
    check(/token/i.test(refusal), `declining did not leave the services' message: ${refusal}`);
    check((await tokenDialog(p2)) === null, 'the dialog did not close on Esc');
    check(requests2.every((r) => r.authorization === null), 'a request carried a token nobody gave');
    seen.push(`declining (Esc) left the services' message in the upload dialog: "${refusal}"`);
    await fresh.close();

    // 7. The question on a phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p3 = await phone.newPage();
    watch(p3, []);
    await p3.goto(`${BASE}/${SEARCH}`);
    await results(p3);
    await startUpload(p3, DATASET);
    await until('the token dialog on a phone', () => tokenDialog(p3));
    await noSidewaysScroll(p3, 'the question on a phone');
    await screenshot(p3, 'token-dialog-390x844.png');
    await phone.close();
  } finally {
    const gone = await fetch(`${BASE}/api/features/datasets/${DATASET}`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } }).catch(() => null);
    if (gone && ![204, 404].includes(gone.status)) problems.push(`DELETE of ${DATASET} answered ${gone.status}`);
    await browser.close();
  }
  check(problems.length === 0, `unexpected errors:\n  ${problems.join('\n  ')}`);
}

const started = Date.now();
try {
  await main();
  console.log('e2e:token: what the pages showed');
  for (const line of seen) console.log(`  - ${line}`);
  console.log(`e2e:token passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  for (const line of seen) console.log(`  - ${line}`);
  console.error(`e2e:token FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, screenshots ${SHOTS})`);
  process.exit(1);
}
