// What the browser tests share: where things are (from the environment), headless Chromium with the flags
// this machine needs, and checks and waits that fail with what they last saw.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The frontend under test (CNP_BASE_URL). */
export const BASE = (process.env.CNP_BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
/** Where screenshots go (CNP_SCREENSHOTS, relative to frontend/). */
export const SHOTS = path.resolve(frontend, process.env.CNP_SCREENSHOTS || '../target/screenshots');
/** The shared folder with datasets/ and models/ (CNP_SHARED_DIR, relative to frontend/). */
export const SHARED = path.resolve(frontend, process.env.CNP_SHARED_DIR || '../../shared');
/** The browser (CNP_CHROMIUM): Debian's chromium; `npx playwright install` cannot download here. */
export const CHROMIUM = process.env.CNP_CHROMIUM || '/usr/bin/chromium';
/** How long a plain UI change may take. */
export const UI_MS = 15_000;

/** Headless Chromium without sandbox, GPU or any network of its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
}

/** A failed expectation (as opposed to a flaky read, which `until` retries). */
export class CheckFailed extends Error {}

export function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** Polls fn until it returns a truthy value (and not {ok: false}); fails with what it last saw at the deadline. */
export async function until(what, fn, timeoutMs = UI_MS, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last && last.ok !== false) return last;
    } catch (e) {
      if (e instanceof CheckFailed) throw e;
      last = { error: e.message };
    }
    if (Date.now() > deadline) {
      throw new CheckFailed(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last saw: ${JSON.stringify(last)?.slice(0, 600)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Watches pages for what a browser test must not see: console errors, page errors, failed requests and error
 * answers (expectedAbsence ones aside). `expected(method, url, status)` allows answers the test provokes on
 * purpose (method undefined for the console line Chromium logs for one); they are kept in `expectedSeen`, to be
 * checked on their own. Requests the page aborts (stale fetches, images no longer shown) are only counted.
 */
export function pageWatcher(expected = () => false) {
  const w = { consoleErrors: [], failedRequests: [], failedResponses: [], abortedRequests: [], expectedSeen: [] };
  w.watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error' || expectedAbsenceLogged(msg)) return;
      const at = msg.location()?.url ?? '';
      const status = Number(/status of (\d+)/.exec(msg.text())?.[1]);
      if (at && status && expected(undefined, at, status)) return;
      w.consoleErrors.push(`console error: ${msg.text()} ${at}`.trim());
    });
    page.on('pageerror', (err) => w.consoleErrors.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => {
      const reason = req.failure()?.errorText ?? 'failed';
      if (reason.includes('ERR_ABORTED')) w.abortedRequests.push(req.url());
      else w.failedRequests.push(`${req.method()} ${req.url()}: ${reason}`);
    });
    page.on('response', (res) => {
      if (res.status() < 400 || expectedAbsence(res.url(), res.status())) return;
      const line = `${res.request().method()} ${res.url()} -> ${res.status()}`;
      (expected(res.request().method(), res.url(), res.status()) ? w.expectedSeen : w.failedResponses).push(line);
    });
  };
  /** Fails on any console error, failed request or unexpected error answer seen so far. */
  w.checkClean = () => {
    check(w.consoleErrors.length === 0, `console errors:\n  ${w.consoleErrors.join('\n  ')}`);
    check(w.failedRequests.length === 0, `failed requests:\n  ${w.failedRequests.join('\n  ')}`);
    check(w.failedResponses.length === 0, `error responses:\n  ${w.failedResponses.join('\n  ')}`);
  };
  return w;
}

/** screenshot(page, name, options?) into SHOTS, each one noted in `seen` (the lines a script prints at its end). */
export function screenshots(seen) {
  return async (page, name, options = {}) => {
    const file = path.join(SHOTS, name);
    await page.screenshot({ path: file, ...options });
    seen.push(`screenshot ${path.relative(process.cwd(), file) || file}`);
  };
}

/** Fails when the page is wider than the window (a phone would scroll sideways). */
export async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

/** An init script (context.addInitScript) that adds up layout shifts not caused by input, from page load on. */
export function trackLayoutShifts() {
  window.__shift = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
}

/** The layout shift added up since the last call (or page load), with trackLayoutShifts installed; starts again at 0. */
export function takeLayoutShift(page) {
  return page.evaluate(() => {
    const s = window.__shift ?? 0;
    window.__shift = 0;
    return s;
  });
}

/** GET url from the frontend as JSON; a clear failure when it is not running or refuses. */
export async function getJson(request, url) {
  const res = await request.get(`${BASE}${url}`).catch((e) => {
    throw new CheckFailed(`cannot reach the frontend at ${BASE} (${e.message.split('\n')[0]}); start it with \`npm start\``);
  });
  check(res.ok(), `GET ${url} answered ${res.status()}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/**
 * An error answer the UI asks for knowing it may come: the footer asks the feature-service how it runs the
 * models (GET /api/features/info) and shows nothing when it answers 404 (a feature-service without it).
 */
export function expectedAbsence(url, status) {
  try {
    return status === 404 && new URL(url).pathname === '/api/features/info';
  } catch {
    return false;
  }
}

/** Chromium's console error for such an answer ("Failed to load resource: … status of 404"). */
export function expectedAbsenceLogged(msg) {
  return /status of 404/.test(msg.text()) && expectedAbsence(msg.location()?.url ?? '', 404);
}
