// With the search-service stopped, the Semantic Search page must say so within 5 s, and what the other services
// serve (models, datasets, thumbnails) must keep working. Run by system-tests while the search-service is down.
//
//   CNP_BASE_URL     the frontend (default http://localhost:8080)
//   CNP_SCREENSHOTS  where the screenshot goes (default ../target/screenshots, relative to frontend/)
//   CNP_CHROMIUM     the browser (default /usr/bin/chromium)
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BASE, SHOTS, launchBrowser } from './lib.mjs';

const WITHIN_MS = 5_000;

const browser = await launchBrowser();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const started = Date.now();
  await page.goto(BASE + '/');
  const banner = page.locator('[data-testid="error-banner"]');
  await banner.waitFor({ state: 'visible', timeout: WITHIN_MS });
  const text = (await banner.textContent()) ?? '';
  const elapsed = Date.now() - started;
  console.log(`banner after ${elapsed} ms: ${text.trim()}`);
  if (!/search-service is unavailable/.test(text)) throw new Error(`the banner does not name the search-service: "${text}"`);
  // the catalog and the feature-service still serve the page: model choices and dataset thumbnails
  await page.waitForFunction(() => document.querySelectorAll('select option').length > 10, null, { timeout: WITHIN_MS });
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('button.thumb img')).some((i) => i.complete && i.naturalWidth > 0),
    null, { timeout: 15_000 });
  console.log('model and layer choices and dataset thumbnails still load');
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'search-service-down-1366x768.png') });
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
