// Multipart uploads with upload progress. fetch (and so openapi-fetch) reports no upload progress,
// XMLHttpRequest does; errors become ApiErrors with the problem's detail, like unwrap() does, and the
// access token is sent and asked for as the clients' middleware does.
import { ApiError, problemMessage } from './problem';
import { apiToken, needsToken, tokenRefusal, type TokenKeeper } from './token';

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes in all (0 when the browser cannot tell). */
  total: number;
}

export interface UploadOptions {
  onProgress?(progress: UploadProgress): void;
  /** Called once the body is sent and the server is working on it. */
  onSent?(): void;
  signal?: AbortSignal;
}

/** The body of an answer: parsed JSON when it says it is JSON (problem+json too), else the text. */
export function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (contentType && /json/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** What came back from one XMLHttpRequest. */
interface XhrAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Sends the form once (with the token, if one is given); resolves to whatever the server answered. */
function sendOnce(method: 'POST' | 'PUT', url: string, form: FormData, options: UploadOptions, token: string | undefined): Promise<XhrAnswer> {
  return new Promise<XhrAnswer>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(new DOMException('the upload was cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', abort);
    xhr.open(method, url);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (e) => options.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 }));
    xhr.upload.addEventListener('load', () => options.onSent?.());
    xhr.addEventListener('load', () => {
      done();
      resolve({ status: xhr.status, contentType: xhr.getResponseHeader('Content-Type'), text: xhr.responseText });
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ApiError(problemMessage(new Error('network'))));
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(new DOMException('the upload was cancelled', 'AbortError'));
    });
    signal?.addEventListener('abort', abort);
    xhr.send(form);
  });
}

/**
 * Sends form data to url and resolves to the parsed JSON answer (undefined for 204). Carries the access
 * token (src/api/token.ts); refused for want of the right one, it asks for it and sends the form again.
 */
export async function sendForm<T>(method: 'POST' | 'PUT', url: string, form: FormData, options: UploadOptions = {}, keeper: TokenKeeper = apiToken): Promise<T> {
  let token = needsToken(method) ? keeper.token() : undefined;
  for (;;) {
    const answer = await sendOnce(method, url, form, options, token);
    const body = parseBody(answer.text, answer.contentType);
    if (answer.status >= 200 && answer.status < 300) return body as T;
    const refused = await tokenRefusal(answer.status, answer.contentType, async () => answer.text);
    const renewed = refused ? await keeper.renew(refused, token) : undefined;
    if (!renewed) throw new ApiError(problemMessage(body, answer.status), answer.status);
    token = renewed;
  }
}
