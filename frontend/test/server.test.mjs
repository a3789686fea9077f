// server.mjs against real sockets on loopback: a stub service stands in for one of the three.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppServer } from '../server.mjs';

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
const close = (server) => new Promise((resolve) => server.close(resolve));

let dist;
let stub;
let stubUrl;
let app;
let appUrl;
let deadUrl;
let silent;
let silentUrl;
const logged = [];
const seen = [];

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'cnp-dist-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(path.join(tmpdir(), 'cnp-secret.txt'), 'the-secret-content');

  // A service that echoes what it got, streaming its answer in two chunks.
  stub = http.createServer((req, res) => {
    if (req.url.startsWith('/api/search/early')) {
      // answers at once, before reading an over-large body, then drops the rest of it, as the services do
      const body = JSON.stringify({ status: 413, detail: 'the body is over the limit' });
      res.writeHead(413, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      req.resume();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method, url: req.url, headers: req.headers, length: body.length });
      if (req.url.startsWith('/api/search/missing')) {
        res.writeHead(404, { 'content-type': 'application/problem+json', 'x-custom': 'kept' });
        res.end(JSON.stringify({ status: 404, detail: 'unknown thing' }));
        return;
      }
      res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json', 'x-custom': 'kept' });
      res.write('{"method":"' + req.method + '",');
      setTimeout(() => res.end('"bytes":' + body.length + '}'), 20);
    });
  });
  stubUrl = await listen(stub);

  // A port with nothing listening.
  const probe = http.createServer();
  deadUrl = await listen(probe);
  await close(probe);

  // A service that accepts connections but never answers.
  silent = http.createServer(() => undefined);
  silentUrl = await listen(silent);

  app = createAppServer({
    distDir: dist,
    routes: [
      { prefix: '/api/catalog', service: 'model-catalog-service', target: silentUrl },
      { prefix: '/api/features', service: 'feature-service', target: deadUrl },
      { prefix: '/api/search', service: 'search-service', target: stubUrl },
    ],
    log: (line) => logged.push(line),
    timeoutMs: 300,
  });
  appUrl = await listen(app);
});

afterAll(async () => {
  app.closeAllConnections();
  silent.closeAllConnections();
  await Promise.all([close(app), close(stub), close(silent)]);
  await rm(dist, { recursive: true, force: true });
  await rm(path.join(tmpdir(), 'cnp-secret.txt'), { force: true });
});

describe('proxy', () => {
  it('forwards method, path, query and headers and keeps the status and headers of the answer', async () => {
    const res = await fetch(`${appUrl}/api/search/metrics?x=1&y=a%2Fb`, { headers: { 'x-trace': 't1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-custom')).toBe('kept');
    expect(await res.json()).toEqual({ method: 'GET', bytes: 0 });
    const last = seen.at(-1);
    expect(last.url).toBe('/api/search/metrics?x=1&y=a%2Fb');
    expect(last.headers['x-trace']).toBe('t1');
  });

  it('streams a request body through and passes error answers unchanged', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const form = new FormData();
    form.append('image', new Blob([big], { type: 'image/jpeg' }), 'x.jpg');
    const res = await fetch(`${appUrl}/api/search/query-image`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.method).toBe('POST');
    expect(body.bytes).toBeGreaterThan(big.length);
    expect(seen.at(-1).headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    const missing = await fetch(`${appUrl}/api/search/missing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect((await missing.json()).detail).toBe('unknown thing');
  });

  it('passes on a service\'s early answer to an over-large upload instead of resetting the client', async () => {
    // As many HTTP clients do (curl, Apache HttpClient): send the whole body first, read the answer afterwards.
    const u = new URL(appUrl);
    const body = Buffer.alloc(30 * 1024 * 1024, 120);
    const answer = await new Promise((resolve) => {
      const socket = net.connect(Number(u.port), u.hostname);
      const chunks = [];
      socket.pause();
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', (err) => resolve(`error ${err.code}`));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
      socket.write(`POST /api/search/early HTTP/1.1\r\nHost: ${u.host}\r\ncontent-type: application/json\r\n`
        + `content-length: ${body.length}\r\nconnection: close\r\n\r\n`);
      socket.write(body, () => socket.resume());
    });
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('the body is over the limit');
  });

  it('answers 503 problem+json naming the service when it cannot be reached', async () => {
    const res = await fetch(`${appUrl}/api/features/datasets?limit=1`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'Service unavailable',
      status: 503,
      detail: `the feature-service is unavailable at ${deadUrl} (connection refused)`,
      instance: '/api/features/datasets',
    });
    expect(logged.some((l) => l.includes('feature-service') && l.includes('connection refused'))).toBe(true);
  });

  it('answers 503 when a service sends no headers in time', async () => {
    const res = await fetch(`${appUrl}/api/catalog/models`);
    expect(res.status).toBe(503);
    expect((await res.json()).detail).toMatch(/^the model-catalog-service is unavailable at .* \(no answer within \d+ s\)$/);
  });

  it('answers 404 problem+json for an unknown API', async () => {
    const res = await fetch(`${appUrl}/api/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('paths that could reach past the APIs', () => {
  const raw = (target, method = 'GET') =>
    new Promise((resolve, reject) => {
      const u = new URL(appUrl);
      const req = http.request({ host: u.hostname, port: u.port, method, path: target }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });

  it.each([
    '/api/search/../../q/metrics',
    '/api/search/%2e%2e/%2E%2E/q/metrics',
    '/api/search/.%2e/q/metrics',
    '/api/search/x/..%2f..%2f..%2fq/metrics',
    '/api/search/x/..%5c..%5cq/metrics',
    '/api/search/./jobs',
    '/api/../api/search/jobs',
  ])('refuses %s with problem+json and never forwards it', async (target) => {
    const before = seen.length;
    const answer = await raw(target, 'POST');
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json');
    expect(JSON.parse(answer.body).detail).toMatch(/^invalid path: .*expected a path without '\.' or '\.\.' segments/);
    expect(seen.length).toBe(before);
  });

  it('refuses broken percent-encoding', async () => {
    const answer = await raw('/api/search/%zz');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).detail).toMatch(/not valid percent-encoding/);
  });

  it('still forwards names with dots in them', async () => {
    const answer = await raw('/api/search/collections/my.data/v1..2/file.tar.gz');
    expect(answer.status).toBe(200);
    expect(seen.at(-1).url).toBe('/api/search/collections/my.data/v1..2/file.tar.gz');
  });

  it('answers 414 problem+json for an over-long URL', async () => {
    const answer = await raw('/api/search/query?id=' + 'x'.repeat(5000));
    expect(answer.status).toBe(414);
    expect(answer.type).toBe('application/problem+json');
    expect(JSON.parse(answer.body).detail).toMatch(/limit is 4000/);
  });

  it('answers problem+json when the request head is larger than Node accepts', async () => {
    const answer = await raw('/api/search/query?id=' + 'x'.repeat(20000));
    expect(answer.status).toBe(431);
    expect(answer.type).toBe('application/problem+json');
  });
});

describe('static files', () => {
  it('serves index.html for / and for unknown paths, not cached for long', async () => {
    for (const p of ['/', '/somewhere/else']) {
      const res = await fetch(`${appUrl}${p}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>app</title>');
    }
  });

  it('serves hashed assets with their type and a long cache', async () => {
    const js = await fetch(`${appUrl}/assets/index-abc123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(`${appUrl}/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await fetch(`${appUrl}/assets/index-abc123.css`, { headers: { 'if-none-match': css.headers.get('etag') } });
    expect(again.status).toBe(304);
  });

  it('never serves files outside dist', async () => {
    const res = await fetch(`${appUrl}/..%2fcnp-secret.txt`);
    expect(await res.text()).not.toContain('the-secret-content');
  });
});
