// Multipart uploads with upload progress. fetch (and so openapi-fetch) reports no upload progress,
// XMLHttpRequest does; errors become ApiErrors with the problem's detail, like unwrap() does.
import { ApiError, problemMessage } from './problem';

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

/** Sends form data to url and resolves to the parsed JSON answer (undefined for 204). */
export function sendForm<T>(method: 'POST' | 'PUT', url: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
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
    xhr.upload.addEventListener('progress', (e) => options.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 }));
    xhr.upload.addEventListener('load', () => options.onSent?.());
    xhr.addEventListener('load', () => {
      done();
      const body = parseBody(xhr.responseText, xhr.getResponseHeader('Content-Type'));
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(problemMessage(body, xhr.status), xhr.status));
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
