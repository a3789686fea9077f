// Turns an error answer (application/problem+json, RFC 9457) or a failed fetch into a readable message.

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
}

const MAX_TEXT = 300;

/**
 * The message to show a person for an error body as openapi-fetch returns it (parsed JSON, or text
 * when the body is not JSON) or for an exception thrown by fetch. Never a stack trace.
 */
export function problemMessage(error: unknown, status?: number): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError') return 'the request was cancelled';
    return 'the server cannot be reached (network error); check that it is running';
  }
  if (error !== null && typeof error === 'object') {
    const p = error as Problem;
    if (typeof p.detail === 'string' && p.detail.trim()) return p.detail.trim();
    if (typeof p.title === 'string' && p.title.trim()) {
      const code = p.status ?? status;
      return code ? `${p.title.trim()} (HTTP ${code})` : p.title.trim();
    }
  }
  if (typeof error === 'string') {
    const text = error.trim();
    // A short plain-text answer is shown; an HTML error page or a long dump is not.
    if (text && text.length <= MAX_TEXT && !/[<>]/.test(text)) return status ? `${text} (HTTP ${status})` : text;
  }
  return status ? `the request failed (HTTP ${status}${statusText(status)})` : 'the request failed';
}

function statusText(status: number): string {
  const names: Record<number, string> = {
    400: ' Bad Request', 404: ' Not Found', 413: ' Payload Too Large', 415: ' Unsupported Media Type',
    500: ' Internal Server Error', 502: ' Bad Gateway', 503: ' Service Unavailable', 504: ' Gateway Timeout',
  };
  return names[status] ?? '';
}

/** An error answer of the API, carrying the message to show. */
export class ApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Returns `data` of an openapi-fetch answer, or throws an ApiError with the problem's message. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    throw new ApiError(problemMessage(answer.error, answer.response.status), answer.response.status);
  }
  return answer.data as T;
}

/** The message for anything caught around an API call. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return problemMessage(e);
}

export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
