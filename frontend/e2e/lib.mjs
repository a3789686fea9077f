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
