// End-to-end check of the user's own data in headless Chromium, against the running system (node
// server.mjs in front of the three services):
//   - "Add your images" on the search page: a zip of 30 photos in 3 class folders (and one text file)
//     is dropped into the dialog, uploaded with progress, its import result shown, and the page
//     searches the new dataset at once (same class first); 2 loose images are added to it with a
//     class; it is deleted after a confirmation;
//   - "Import a model" on the Models page: a copy of mobilenet_v1_0.25_128 under a new id through the
//     form (first with a wrong input size: the catalog's problem is shown inline), listed, its layer
//     table opened, then deleted; the Zoo lists its models and a download shows its progress or its
//     failure (this machine has no internet: the failure must be shown).
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_SCREENSHOTS  where screenshots go (default ../target/screenshots, relative to frontend/)
//   CNP_SHARED_DIR   the shared folder with datasets/ and models/ (default ../../shared, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Every wait polls a condition with a deadline; a failed check, a console error or an error response
// that is not expected (listed in EXPECTED) exits 1.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, SHARED, CHROMIUM, CheckFailed, check, until, getJson, launchBrowser, screenshots, noSidewaysScroll, pageWatcher } from './lib.mjs';


const SOURCE = path.join(SHARED, 'datasets/caltech101-iconic200');
const CLASSES = ['elephant', 'llama', 'laptop'];
const PER_CLASS = 10;
const EXTRA_CLASS = 'kangaroo';
const MODEL_SOURCE = path.join(SHARED, 'models/mobilenet_v1_0.25_128/model.onnx');
const SUFFIX = Date.now().toString(36);
const DATASET = `my-photos-${SUFFIX}`;
const MODEL_ID = `my_mobilenet_${SUFFIX}`;

const UPLOAD_MS = 60_000;
const SEARCH_MS = 180_000; // the new dataset's collection is built on the first search
const DOWNLOAD_MS = 120_000; // a zoo download fails fast without internet; with it, a few MB arrive

// Error answers the test provokes on purpose: the first import with a wrong input size.
const EXPECTED = [{ method: 'POST', path: '/api/catalog/models', status: 400 }];

const seen = [];
const screenshot = screenshots(seen);
const { watch, checkClean, consoleErrors, expectedSeen } = pageWatcher((method, url, status) =>
  EXPECTED.some((e) => (method === undefined || e.method === method) && new URL(url).pathname === e.path && e.status === status),
);


// ---------- a tiny zip writer (stored entries), as a user's archiver would make ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

async function photos(cls, from, count) {
  const names = (await readdir(path.join(SOURCE, cls))).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(from, from + count);
  check(names.length === count, `${SOURCE}/${cls} has fewer than ${from + count} photos`);
  return Promise.all(names.map(async (f) => ({ name: f, data: await readFile(path.join(SOURCE, cls, f)) })));
}

/** Drops files on an element the way a file manager does (a drop event carrying a DataTransfer). */
async function dropFiles(page, selector, files) {
  const payload = files.map((f) => ({ name: f.name, type: f.type, data: f.data.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/** Records the upload progress bar's values in the page (the upload itself may take milliseconds). */
function recordProgress(page, selector) {
  return page.evaluate((sel) => {
    window.__progress = { values: [], texts: [] };
    const bar = document.querySelector(`${sel} [role="progressbar"]`);
    const text = document.querySelector(`${sel} .own-progress-text`);
    const note = () => {
      window.__progress.values.push(Number(bar.getAttribute('aria-valuenow')));
      if (text.textContent) window.__progress.texts.push(text.textContent);
    };
    new MutationObserver(note).observe(document.querySelector(sel), { subtree: true, attributes: true, childList: true, characterData: true });
  }, selector);
}

async function searchResults(page, dataset) {
  return until(`the results of ${dataset}`, async () => {
    const s = await page.evaluate(() => {
      const r = document.querySelector('[data-testid="results"]');
      const bar = r.querySelector('[data-testid="progress"]:not([hidden]) [role="progressbar"]');
      return {
        state: r.dataset.state,
        dataset: r.dataset.dataset,
        query: r.dataset.query,
        queryLabel: document.querySelector('[data-testid="query-label"]')?.textContent,
        building: bar ? bar.getAttribute('aria-valuetext') : null,
        hits: [...r.querySelectorAll('[data-testid="result"]')].map((li) => ({ id: li.querySelector('.result-card')?.dataset.id, label: li.querySelector('[data-testid="result-label"]')?.textContent })),
        error: r.querySelector('.results-empty-text')?.textContent ?? null,
      };
    });
    if (s.building) searchResults.building = s.building;
    if (s.state === 'error' && s.dataset === dataset) throw new CheckFailed(`the search on ${dataset} failed: ${s.error}`);
    return { ...s, ok: s.state === 'ready' && s.dataset === dataset && s.hits.length > 0 };
  }, SEARCH_MS, 250);
}

async function main() {
  check(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium`);
  check(existsSync(SOURCE) && existsSync(MODEL_SOURCE), `no ${SOURCE} or ${MODEL_SOURCE} (set CNP_SHARED_DIR)`);
  await mkdir(SHOTS, { recursive: true });

  // 30 photos in 3 class folders, and a text file the feature-service must skip.
  const entries = [];
  for (const cls of CLASSES) for (const p of await photos(cls, 0, PER_CLASS)) entries.push({ name: `${cls}/${p.name}`, data: p.data });
  entries.push({ name: 'README.txt', data: Buffer.from('my holiday photos\n') });
  const archive = zip(entries);

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    watch(page);
    const before = await getJson(context.request, '/api/features/datasets');
    check(!before.some((d) => d.id === DATASET), `a dataset ${DATASET} exists already`);

    // 1. "Add your images": the button beside the dataset selector opens the dialog.
    await page.goto(`${BASE}/#/search`, { waitUntil: 'domcontentloaded' });
    await until('the default search', () => page.$eval('[data-testid="results"]', (e) => e.dataset.state === 'ready'), SEARCH_MS);
    const addButton = page.locator('[data-testid="add-images"]');
    check(await addButton.isVisible(), 'no visible "Add your images" button');
    const nearSelector = await page.evaluate(() => {
      const b = document.querySelector('[data-testid="add-images"]').getBoundingClientRect();
      const s = document.querySelector('#sel-dataset').getBoundingClientRect();
      return b.bottom <= s.top + 1 && b.right <= s.right + 1 && s.top - b.bottom < 24;
    });
    check(nearSelector, 'the "Add your images" button is not right above the dataset selector');
    await addButton.click();
    const dialog = await until('the dialog', () =>
      page.evaluate(() => {
        const d = document.querySelector('[data-testid="add-images-dialog"]');
        return d && d.offsetParent !== null && { role: d.getAttribute('role'), modal: d.getAttribute('aria-modal'), focusInside: d.contains(document.activeElement), labelled: !!document.getElementById(d.getAttribute('aria-labelledby'))?.textContent };
      }),
    );
    check(dialog.role === 'dialog' && dialog.modal === 'true' && dialog.focusInside && dialog.labelled, `the dialog is not an accessible modal: ${JSON.stringify(dialog)}`);
    const unlabelled = await page.$$eval('[data-testid="add-images-dialog"] input:not([type="file"]), [data-testid="add-images-dialog"] select', (els) =>
      els.filter((e) => !(e.labels?.length || e.getAttribute('aria-label'))).map((e) => e.id),
    );
    check(unlabelled.length === 0, `controls without a label: ${unlabelled}`);
    check(await page.isDisabled('[data-testid="own-submit"]'), 'the upload button is enabled before files are chosen');

    // Drop the zip: the dialog names it and suggests a dataset name from it.
    await dropFiles(page, '[data-testid="add-images-dialog"] .file-drop', [{ name: 'holiday photos.zip', type: 'application/zip', data: archive }]);
    const chosen = await until('the chosen zip', () => page.textContent('[data-testid="own-chosen"]').then((t) => t.includes('holiday photos.zip') && t));
    check((await page.inputValue('[data-testid="own-name"]')) === 'holiday-photos', `the suggested name is '${await page.inputValue('[data-testid="own-name"]')}'`);
    // A name the feature-service would refuse is caught before the upload.
    await page.fill('[data-testid="own-name"]', 'my photos!');
    await page.click('[data-testid="own-submit"]');
    const nameError = await until('the name error', () => page.$eval('[data-testid="own-error"]', (e) => !e.hidden && e.textContent));
    check(/letters, digits/.test(nameError), `the bad name is not explained: ${nameError}`);
    await page.fill('[data-testid="own-name"]', DATASET);
    seen.push(`dialog: drop of 'holiday photos.zip' (${(archive.length / 1024).toFixed(0)} KB) → '${chosen.trim()}', name suggested 'holiday-photos', 'my photos!' refused: ${nameError}`);

    await recordProgress(page, '[data-testid="own-progress"]');
    await page.click('[data-testid="own-submit"]');
    const result = await until('the import result', async () => {
      const r = await page.evaluate(() => {
        const box = document.querySelector('[data-testid="own-result"]');
        const error = document.querySelector('[data-testid="own-error"]');
        return { shown: !box.hidden, text: box.innerText, imported: box.dataset.imported, skipped: [...box.querySelectorAll('[data-testid="own-skipped"] li')].map((li) => li.textContent), error: error.hidden ? '' : error.textContent };
      });
      if (r.error) throw new CheckFailed(`the upload failed: ${r.error}`);
      return r.shown && r.imported ? r : null;
    }, UPLOAD_MS);
    const progress = await page.evaluate(() => window.__progress);
    check(progress.values.includes(100), `the upload progress never reached 100%: ${JSON.stringify(progress)}`);
    check(progress.texts.some((t) => /Uploading: .* of /.test(t)), `no byte progress was shown: ${JSON.stringify(progress.texts)}`);
    check(result.imported === '30' && result.text.includes(`Imported 30 images into '${DATASET}'`), `the result does not say 30 images were imported: ${result.text}`);
    check(result.skipped.length === 1 && result.skipped[0].startsWith('README.txt'), `the skipped text file is not listed with its reason: ${JSON.stringify(result.skipped)}`);
    await screenshot(page, 'own-data-import-1366x768.png');
    seen.push(`upload: progress ${progress.texts.filter((t) => t.startsWith('Uploading')).slice(-1)[0]} → 100%, then '${result.text.split('\n')[0]}' and skipped ${result.skipped.join('; ')}`);

    // 2. The page shows the new dataset at once; closing the dialog returns focus to the button.
    await until('the new dataset selected', () => page.inputValue('#sel-dataset').then((v) => v === DATASET));
    await page.click('[data-testid="own-submit"]'); // "Done"
    await until('the dialog to close', () => page.$eval('[data-testid="add-images-dialog"]', (d) => d.offsetParent === null));
    check(await page.evaluate(() => document.activeElement?.dataset.testid === 'add-images'), 'focus did not return to "Add your images"');
    const hits = await searchResults(page, DATASET);
    check(hits.hits.length <= 50, `${hits.hits.length} results, at most 50 expected`);
    check(CLASSES.includes(hits.queryLabel), `the default query of ${DATASET} is of class '${hits.queryLabel}'`);
    check(hits.hits[0].label === hits.queryLabel, `the first hit of ${hits.query} (${hits.queryLabel}) is ${hits.hits[0].id} (${hits.hits[0].label})`);
    const sameInTop5 = hits.hits.slice(0, 5).filter((h) => h.label === hits.queryLabel).length;
    check(sameInTop5 >= 3, `only ${sameInTop5} of the top 5 are ${hits.queryLabel}: ${hits.hits.slice(0, 5).map((h) => h.label)}`);
    const options = await page.$$eval('#sel-dataset option', (os) => os.map((o) => o.value));
    check(options.includes(DATASET), 'the dataset selector does not list the new dataset');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="result"] img')].every((i) => i.complete));
    await screenshot(page, 'own-data-search-1366x768.png');
    seen.push(`search on ${DATASET}: ${hits.hits.length} results for ${hits.query}; first ${hits.hits[0].id} (${hits.hits[0].label}), ${sameInTop5}/5 of the top 5 ${hits.queryLabel}${searchResults.building ? `; the collection was built with progress (${searchResults.building})` : ''}`);

    // 3. Two loose images added to the dataset with a class of their own.
    await addButton.click();
    await page.click('[data-testid="own-mode-tab-add"]');
    check((await page.inputValue('[data-testid="own-target"]')) === DATASET, 'the "add to" choice does not start at the dataset shown');
    const loose = await photos(EXTRA_CLASS, 0, 2);
    await page.setInputFiles('[data-testid="own-files"]', loose.map((p) => ({ name: p.name, mimeType: 'image/jpeg', buffer: p.data })));
    await page.fill('[data-testid="own-label"]', EXTRA_CLASS);
    await page.click('[data-testid="own-submit"]');
    const added = await until('the images added', () =>
      page.$eval('[data-testid="own-result"]', (b) => !b.hidden && b.dataset.imported === '2' && b.innerText),
      UPLOAD_MS,
    );
    check(added.includes(`Added 2 images to '${DATASET}'`), `the result of adding says: ${added}`);
    const grown = (await getJson(context.request, `/api/features/datasets/${DATASET}`));
    check(grown.imageCount === 32 && grown.classes.includes(EXTRA_CLASS), `the dataset has ${grown.imageCount} images in ${grown.classes}`);
    await until('the picker to show the kangaroos', () => page.$$eval('[data-testid="picker"] button.thumb', (bs) => bs.filter((b) => b.dataset.id.startsWith('kangaroo/')).length === 2));
    seen.push(`added 2 loose images with class '${EXTRA_CLASS}': '${added.split('\n')[0]}'; the dataset has ${grown.imageCount} images, the picker shows them`);

    // 4. The dialog at phone width.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phonePage = await phone.newPage();
    watch(phonePage);
    await phonePage.goto(`${BASE}/#/search?dataset=${DATASET}`);
    await searchResults(phonePage, DATASET);
    await noSidewaysScroll(phonePage, 'the search page on a phone');
    await screenshot(phonePage, 'own-data-search-390x844.png');
    await phonePage.click('[data-testid="add-images"]');
    await phonePage.setInputFiles('[data-testid="own-files"]', { name: 'photos.zip', mimeType: 'application/zip', buffer: archive });
    await noSidewaysScroll(phonePage, 'the dialog on a phone');
    await screenshot(phonePage, 'own-data-dialog-390x844.png');
    await phonePage.keyboard.press('Escape');

    // 5. Deleting the dataset, after a confirmation.
    await page.click('[data-testid="own-cancel"]'); // "Add more" resets the form
    await page.click('[data-testid="own-mode-tab-add"]');
    await page.selectOption('[data-testid="own-target"]', DATASET);
    await page.click('[data-testid="own-delete"]');
    const question = await until('the confirmation', () => page.$eval('.confirm', (c) => !c.hidden && c.innerText));
    check(question.includes(DATASET) && /cannot be undone/.test(question), `the confirmation does not name the dataset: ${question}`);
    await screenshot(page, 'own-data-delete-1366x768.png');
    await page.click('[data-testid="own-delete-confirm"]');
    await until('the deletion', () => page.$eval('[data-testid="own-result"]', (b, id) => !b.hidden && b.textContent.includes(`Deleted '${id}'`), DATASET));
    await until('the page to leave the deleted dataset', () => page.inputValue('#sel-dataset').then((v) => v && v !== DATASET));
    const after = await getJson(context.request, '/api/features/datasets');
    check(!after.some((d) => d.id === DATASET), `${DATASET} is still listed after the deletion`);
    await page.keyboard.press('Escape');
    seen.push(`deleted ${DATASET} after the question '${question.split('\n')[0]}'; the page moved to ${await page.inputValue('#sel-dataset')}`);

    // 6. "Import a model": a copy of mobilenet_v1_0.25_128 through the form.
    await page.goto(`${BASE}/#/models`);
    await until('the model list', () => page.$$eval('[data-testid="model-card"]', (c) => c.length > 0));
    await page.click('[data-testid="import-model"]');
    await until('the import dialog', () => page.$eval('[data-testid="import-dialog"]', (d) => d.offsetParent !== null && d.contains(document.activeElement)));
    const prefilled = await page.evaluate(() => [0, 1, 2].map((i) => `${document.getElementById(`import-mean-${i}`).value}/${document.getElementById(`import-std-${i}`).value}`));
    check(prefilled.join() === '123.675/58.395,116.28/57.12,103.53/57.375', `the ImageNet defaults are not filled in: ${prefilled}`);
    await page.setInputFiles('[data-testid="import-onnx"]', MODEL_SOURCE);
    await until('the chosen model file', () => page.textContent('[data-testid="import-onnx-name"]').then((t) => t.includes('model.onnx')));
    await page.fill('#import-id', MODEL_ID);
    for (let i = 0; i < 3; i++) {
      await page.fill(`#import-mean-${i}`, '127.5');
      await page.fill(`#import-std-${i}`, '127.5');
    }
    // First with the default 224×224: the catalog refuses it (the graph fixes 128×128) and says why.
    await page.click('[data-testid="import-submit"]');
    const refused = await until('the catalog\'s problem', () => page.$eval('[data-testid="import-error"]', (e) => !e.hidden && e.textContent), UPLOAD_MS);
    check(/128/.test(refused) && /size|shape/i.test(refused), `the refusal does not explain the size: ${refused}`);
    await screenshot(page, 'import-model-error-1366x768.png');
    seen.push(`import with 224×224: the catalog's problem shown inline: "${refused}"`);
    await page.fill('#import-height', '128');
    await page.fill('#import-width', '128');
    await page.click('[data-testid="import-submit"]');
    const imported = await until('the imported model', async () => {
      const r = await page.evaluate(() => {
        const result = document.querySelector('[data-testid="import-result"]');
        const error = document.querySelector('[data-testid="import-error"]');
        return { shown: !result.hidden, text: result.innerText, error: error.hidden ? '' : error.textContent };
      });
      if (r.error) throw new CheckFailed(`the import failed: ${r.error}`);
      return r.shown && r.text;
    }, UPLOAD_MS);
    check(imported.includes(`Imported '${MODEL_ID}'`) && imported.includes('128×128'), `the import result says: ${imported}`);
    await screenshot(page, 'import-model-1366x768.png');
    await page.keyboard.press('Escape');
    const card = await until('the new model in the list', () =>
      page.$eval(`[data-testid="model-card"][data-model="${MODEL_ID}"]`, (c) => ({ origin: c.querySelector('[data-testid="model-origin"]')?.textContent, deletable: !!c.querySelector('[data-testid="delete-model"]'), text: c.innerText })).catch(() => null),
    );
    check(card.origin === 'imported' && card.deletable, `the card of ${MODEL_ID} is not marked as imported and deletable: ${JSON.stringify(card)}`);
    const deletable = await page.$$eval('[data-testid="model-card"]', (cs) => cs.filter((c) => c.querySelector('[data-testid="delete-model"]')).map((c) => c.dataset.model));
    const own = (await getJson(context.request, '/api/catalog/models')).filter((m) => m.readOnly === false).map((m) => m.id);
    check(deletable.sort().join() === own.sort().join(), `delete buttons on ${deletable}, expected on the models that are not read-only: ${own}`);
    seen.push(`imported: '${imported.split('\n')[0]}'; listed with origin '${card.origin}' and a Delete button (the shared models have none)`);

    // Its page and layer table.
    await page.click(`[data-testid="model-card"][data-model="${MODEL_ID}"] [data-testid="more-info"]`);
    await until('the layer table of the copy', () => page.$eval('.layer-table-view', (e) => e.dataset.state === 'ready').catch(() => false), UPLOAD_MS);
    const layers = await page.$$eval('[data-testid="layer-rows"] tr[data-layer]', (trs) => trs.map((tr) => tr.dataset.layer));
    const original = await getJson(context.request, '/api/catalog/models/mobilenet_v1_0.25_128/layers');
    check(layers.length > 20 && layers.includes('Conv2d_5_pointwise'), `the layer table of ${MODEL_ID} has ${layers.length} rows: ${layers.slice(0, 5)}`);
    check(await page.isVisible('[data-testid="model-page"] [data-testid="delete-model"]'), `the page of ${MODEL_ID} has no Delete button`);
    await screenshot(page, 'import-model-layers-1366x768.png');
    seen.push(`model page of ${MODEL_ID}: layer table with ${layers.length} rows (the original lists ${original.length} nodes)`);

    // Deleted again, after a confirmation.
    await page.goto(`${BASE}/#/models`);
    await page.click(`[data-testid="model-card"][data-model="${MODEL_ID}"] [data-testid="delete-model"]`);
    const confirm = await until('the confirmation', () => page.$eval('[data-testid="confirm-dialog"]', (d) => d.offsetParent !== null && { text: d.innerText, focus: document.activeElement?.dataset.testid }).catch(() => null));
    check(confirm.text.includes(MODEL_ID) && confirm.focus === 'confirm-cancel', `the confirmation does not name the model or focuses ${confirm.focus}: ${confirm.text}`);
    await page.click('[data-testid="confirm-ok"]');
    await until('the card to go', () => page.$(`[data-testid="model-card"][data-model="${MODEL_ID}"]`).then((c) => c === null));
    const models = await getJson(context.request, '/api/catalog/models');
    check(!models.some((m) => m.id === MODEL_ID), `${MODEL_ID} is still in the catalog`);
    seen.push(`deleted ${MODEL_ID} after the question "${confirm.text.split('\n')[0]}"`);

    // 7. The zoo: its models with sizes; a download shows its progress and how it ended.
    await page.click('[data-testid="import-model"]');
    await page.click('[data-testid="import-tab-zoo"]');
    const zoo = await until('the zoo', () =>
      page.$$eval('[data-testid="zoo-item"]', (items) => items.map((li) => ({ id: li.dataset.zoo, state: li.dataset.state, text: li.innerText }))).then((l) => (l.length ? l : null)),
    );
    const expectedZoo = await getJson(context.request, '/api/catalog/zoo');
    check(zoo.map((z) => z.id).join() === expectedZoo.map((z) => z.id).join(), `the zoo shows ${zoo.map((z) => z.id)}, the catalog lists ${expectedZoo.map((z) => z.id)}`);
    check(zoo.every((z) => /\d(\.\d)? MB/.test(z.text)), `a zoo entry has no size: ${zoo.map((z) => z.text.replace(/\n/g, ' | '))}`);
    await screenshot(page, 'import-zoo-1366x768.png');
    const target = zoo.find((z) => z.state === 'idle' || z.state === 'failed');
    if (target) {
      let sawProgress = '';
      await page.click(`[data-testid="zoo-item"][data-zoo="${target.id}"] [data-testid="zoo-download"]`);
      const end = await until(`the download of ${target.id} to end`, async () => {
        const s = await page.$eval(`[data-testid="zoo-item"][data-zoo="${target.id}"]`, (li) => ({
          state: li.dataset.state,
          bytes: li.querySelector('.zoo-bytes')?.textContent ?? '',
          error: li.querySelector('[data-testid="zoo-error"]')?.textContent ?? '',
        }));
        if (s.bytes) sawProgress = s.bytes;
        return s.state === 'installed' || s.state === 'failed' ? s : null;
      }, DOWNLOAD_MS, 100);
      if (end.state === 'failed') check(end.error.length > 10 && /download|connect|fail/i.test(end.error), `the failed download does not say why: '${end.error}'`);
      await page.$eval(`[data-testid="zoo-item"][data-zoo="${target.id}"]`, (e) => e.scrollIntoView({ block: 'center' }));
      await screenshot(page, 'import-zoo-download-1366x768.png');
      seen.push(`zoo: ${zoo.length} models (${zoo.map((z) => z.id).join(', ')}); downloading ${target.id}${sawProgress ? ` showed '${sawProgress}'` : ''} and ended ${end.state}${end.error ? `: "${end.error}"` : ''}`);
      if (end.state === 'installed') {
        await context.request.delete(`${BASE}/api/catalog/models/${target.id}`);
      }
    } else seen.push(`zoo: ${zoo.length} models, all installed`);

    // The dialog at phone width.
    await phonePage.goto(`${BASE}/#/models`);
    await until('the phone model list', () => phonePage.$$eval('[data-testid="model-card"]', (c) => c.length > 0));
    await phonePage.click('[data-testid="import-model"]');
    await until('the phone import dialog', () => phonePage.$eval('[data-testid="import-dialog"]', (d) => d.offsetParent !== null));
    await noSidewaysScroll(phonePage, 'the import dialog on a phone');
    await screenshot(phonePage, 'import-model-390x844.png');
    await phonePage.click('[data-testid="import-tab-zoo"]');
    await until('the phone zoo', () => phonePage.$$eval('[data-testid="zoo-item"]', (l) => l.length > 0));
    await screenshot(phonePage, 'import-zoo-390x844.png');
    await phone.close();

    checkClean();
    check(expectedSeen.length === 1, `expected exactly one refused import, saw: ${expectedSeen}`);
    await context.close();
  } finally {
    await browser.close();
  }
}

const started = Date.now();
try {
  await main();
  console.log('e2e:own-data: what the pages showed');
  for (const line of seen) console.log(`  - ${line}`);
  console.log(`  - error answers provoked on purpose: ${expectedSeen.join(', ')}`);
  console.log(`e2e:own-data passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  for (const line of seen) console.log(`  - ${line}`);
  if (consoleErrors.length) console.log(`console errors so far:\n  ${consoleErrors.join('\n  ')}`);
  console.error(`e2e:own-data FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
  console.error(`(base ${BASE}, screenshots ${SHOTS})`);
  process.exit(1);
}
