import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, problemMessage, unwrap } from './problem';

describe('problem to message', () => {
  it('shows the detail of a problem', () => {
    const p = {
      type: 'about:blank', title: 'Service unavailable', status: 503,
      detail: 'the search-service is unavailable at http://localhost:8083 (connection refused)', instance: '/api/search/query',
    };
    expect(problemMessage(p, 503)).toBe('the search-service is unavailable at http://localhost:8083 (connection refused)');
  });

  it('falls back to the title with the status', () => {
    expect(problemMessage({ title: 'Not Found', status: 404 })).toBe('Not Found (HTTP 404)');
    expect(problemMessage({ title: 'Conflict' }, 409)).toBe('Conflict (HTTP 409)');
  });

  it('shows short plain text but never an HTML page or a dump', () => {
    expect(problemMessage('upstream timed out', 504)).toBe('upstream timed out (HTTP 504)');
    expect(problemMessage('<html><body>Bad gateway</body></html>', 502)).toBe('the request failed (HTTP 502 Bad Gateway)');
    expect(problemMessage('x'.repeat(1000), 500)).toBe('the request failed (HTTP 500 Internal Server Error)');
    expect(problemMessage(undefined, 418)).toBe('the request failed (HTTP 418)');
    expect(problemMessage(undefined)).toBe('the request failed');
  });

  it('explains a failed fetch without a stack trace', () => {
    const message = problemMessage(new TypeError('Failed to fetch'));
    expect(message).toMatch(/cannot be reached/);
    expect(message).not.toMatch(/TypeError|Failed to fetch|\n\s+at /);
  });

  it('unwraps data or throws an ApiError with the message', () => {
    const ok = { data: [1, 2], response: new Response(null, { status: 200 }) };
    expect(unwrap(ok)).toEqual([1, 2]);
    const bad = { error: { detail: "unknown model 'x'; expected one of [a, b]" }, response: new Response(null, { status: 404 }) };
    expect(() => unwrap(bad)).toThrow(ApiError);
    try {
      unwrap(bad);
    } catch (e) {
      expect(errorMessage(e)).toBe("unknown model 'x'; expected one of [a, b]");
      expect((e as ApiError).status).toBe(404);
    }
  });
});
