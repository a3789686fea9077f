// The frontend's production server, dependency-free (node:http only):
// - serves dist/ (index.html for / and for unknown non-API paths; long caching for hashed assets)
// - proxies /api/catalog/**, /api/features/** and /api/search/** to the three services, streaming
//   request and response bodies, and answers 503 problem+json when a service cannot be reached.
//
// - refuses what could reach past the three APIs: '.'/'..' path segments (also percent-encoded), and URLs longer
//   than MAX_URL_LENGTH, with problem+json like every other error.
//
// Configuration (environment): PORT (8080), HOST (127.0.0.1: this machine only; 0.0.0.0 exposes the UI to the
// network), CNP_CATALOG_URL (http://localhost:8081), CNP_FEATURES_URL (http://localhost:8082),
// CNP_SEARCH_URL (http://localhost:8083), CNP_DIST (./dist).
import http from 'node:http';
import https from 'node:https';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** How long a service may take to accept the connection and send its response headers. */
export const UPSTREAM_TIMEOUT_MS = 30_000;

/** The longest request target accepted (path and query); the services' own limit is 4 KB per request line. */
export const MAX_URL_LENGTH = 4000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** The default routes: path prefix → service name and base URL. */
export function routesFromEnv(env = process.env) {
  return [
    { prefix: '/api/catalog', service: 'model-catalog-service', target: env.CNP_CATALOG_URL || 'http://localhost:8081' },
    { prefix: '/api/features', service: 'feature-service', target: env.CNP_FEATURES_URL || 'http://localhost:8082' },
    { prefix: '/api/search', service: 'search-service', target: env.CNP_SEARCH_URL || 'http://localhost:8083' },
  ];
}

function sendProblem(res, status, title, detail, instance) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, instance });
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function reasonOf(err) {
  switch (err.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return 'host unreachable';
    case 'ETIMEDOUT':
    case 'UPSTREAM_TIMEOUT': return `no answer within ${Math.round(UPSTREAM_TIMEOUT_MS / 1000)} s`;
    default: return err.code || err.message || 'error';
  }
}

function forwardHeaders(incoming, skip) {
  const out = {};
  const connectionTokens = String(incoming.connection || '').toLowerCase().split(',').map((s) => s.trim());
  for (const [name, value] of Object.entries(incoming)) {
    const key = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(key) || connectionTokens.includes(key) || skip.has(key)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Why a request path may not be forwarded, or null. A '.' or '..' segment - also written %2e, or hidden in a
 * segment by an encoded slash or a backslash - would be resolved by the service into another path than the one
 * routed here: '/api/catalog/../../q/metrics' reaches the catalog's internal metrics.
 */
export function pathProblem(rawPath) {
  for (const segment of rawPath.split('/')) {
    let decoded;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `invalid path: the segment '${segment.slice(0, 200)}' is not valid percent-encoding`;
    }
    if (decoded.split(/[/\\]/).some((part) => part === '.' || part === '..')) {
      const shown = rawPath.length > 200 ? `${rawPath.slice(0, 200)}… (${rawPath.length} characters)` : rawPath;
      return `invalid path: '${shown}'; expected a path without '.' or '..' segments (also when percent-encoded)`;
    }
  }
  return null;
}

/** Proxies one request to route.target, streaming both ways. */
function proxy(req, res, route, log, timeoutMs) {
  const target = new URL(route.target);
  const transport = target.protocol === 'https:' ? https : http;
  const instance = req.url.split('?')[0];
  const headers = forwardHeaders(req.headers, new Set(['host']));
  headers.host = target.host;
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${req.socket.remoteAddress}` : req.socket.remoteAddress;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';

  const basePath = target.pathname.replace(/\/$/, '');
  const upstream = transport.request({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: basePath + req.url,
    headers,
  });

  let answered = false;
  let answer;
  let clientGone = false;
  const timer = setTimeout(() => {
    const err = new Error('timeout');
    err.code = 'UPSTREAM_TIMEOUT';
    upstream.destroy(err);
  }, timeoutMs);

  upstream.on('response', (incoming) => {
    answer = incoming;
    answered = true;
    clearTimeout(timer);
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardHeaders(answer.headers, new Set()));
    if (req.complete) {
      answer.pipe(res);
    } else {
      // The service answered before the body was sent (a 413 for an upload over its limit): stop sending, read the
      // rest of the body ourselves and end the answer only then. Many clients send the whole body before reading;
      // closing on them would turn the answer into a connection reset.
      req.unpipe(upstream);
      req.resume();
      answer.pipe(res, { end: false });
      answer.on('end', () => {
        upstream.destroy(); // the rest of the body will not be sent: this connection is done
        if (req.complete) res.end();
        else req.on('end', () => res.end());
      });
    }
    answer.on('error', () => res.destroy());
  });

  upstream.on('error', (err) => {
    clearTimeout(timer);
    if (clientGone) return; // we hung up ourselves because the client left
    const reason = reasonOf(err);
    log(`proxy ${req.method} ${req.url} -> ${route.service} at ${route.target}: ${reason}`);
    if (answered) {
      // A service may close the connection after an early answer (a 413 while the body was still coming): that
      // answer, once complete, goes to the client as it is; only a truncated one is cut off.
      if (!answer.complete) res.destroy();
      return;
    }
    sendProblem(res, 503, 'Service unavailable', `the ${route.service} is unavailable at ${route.target} (${reason})`, instance);
  });

  // The client went away: stop talking to the service as well.
  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) {
      clientGone = true;
      upstream.destroy();
    }
  });

  req.pipe(upstream);
}

async function fileIfExists(file) {
  try {
    const s = await stat(file);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

async function serveStatic(req, res, distDir) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('bad request\n');
    return;
  }
  const root = path.resolve(distDir);
  let file = path.resolve(root, `.${pathname}`);
  let info = file.startsWith(root + path.sep) ? await fileIfExists(file) : undefined;
  let isIndex = false;
  if (!info) {
    // "/" and unknown non-API paths: the app (its routes live in the URL hash).
    file = path.join(root, 'index.html');
    info = await fileIfExists(file);
    isIndex = true;
    if (!info) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('the frontend is not built: run `npm run build`\n');
      return;
    }
  }
  isIndex ||= path.basename(file) === 'index.html';
  const hashed = !isIndex && pathname.startsWith('/assets/');
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag,
    'last-modified': info.mtime.toUTCString(),
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = info.size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/**
 * Creates (does not start) the server.
 * @param {{distDir?: string, routes?: {prefix: string, service: string, target: string}[], log?: (line: string) => void, timeoutMs?: number}} options
 */
export function createAppServer(options = {}) {
  const distDir = options.distDir ?? path.join(here, 'dist');
  const routes = options.routes ?? routesFromEnv();
  const log = options.log ?? ((line) => console.error(`${new Date().toISOString()} ${line}`));
  const timeoutMs = options.timeoutMs ?? UPSTREAM_TIMEOUT_MS;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    if (url.length > MAX_URL_LENGTH) {
      req.resume();
      sendProblem(res, 414, 'URI too long', `the request target is ${url.length} characters long; the limit is ${MAX_URL_LENGTH}`,
        pathname.slice(0, 200));
      return;
    }
    const bad = pathProblem(pathname);
    if (bad) {
      req.resume();
      sendProblem(res, 400, 'Invalid path', bad, undefined);
      return;
    }
    const route = routes.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`));
    if (route) {
      proxy(req, res, route, log, timeoutMs);
    } else if (pathname === '/api' || pathname.startsWith('/api/')) {
      req.resume();
      sendProblem(res, 404, 'Not Found', `no API at '${pathname}'; expected a path under ${routes.map((r) => r.prefix).join(', ')}`, pathname);
    } else {
      serveStatic(req, res, distDir).catch((err) => {
        log(`static ${req.url}: ${err.message}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }
  });
  // Requests Node cannot parse (headers or URL over its 16 KB limit, malformed lines) get problem+json too.
  server.on('clientError', (err, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const title = tooLarge ? 'Request header fields too large' : 'Bad request';
    const detail = tooLarge ? 'the request line and headers are larger than 16 KB' : 'the request is not valid HTTP';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    socket.end(`HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\n`
      + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const port = Number(process.env.PORT || 8080);
  const host = process.env.HOST || '127.0.0.1';
  const distDir = process.env.CNP_DIST || path.join(here, 'dist');
  const routes = routesFromEnv();
  const server = createAppServer({ distDir, routes });
  server.listen(port, host, () => {
    const where = host === '0.0.0.0' || host === '::' ? `all interfaces, port ${port}` : `${host}:${port}`;
    console.log(`ConvNet Playground frontend on http://localhost:${port} (listening on ${where}; serving ${distDir})`);
    for (const r of routes) console.log(`  ${r.prefix}/** -> ${r.target}`);
  });
  const shutdown = (signal) => {
    console.log(`${signal}: closing`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 5000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
