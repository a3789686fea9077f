// URLs of the services' operations where openapi-fetch does not send the request itself: an <img src>, a
// download link, an upload with progress (XMLHttpRequest), the job URL a service hands out to poll. Each
// is made from a path of a contract, which the compiler checks against the generated types, and filled in
// the way openapi-fetch fills in its own requests; no '/api/…' URL is written by hand.
import { createFinalURL, createQuerySerializer } from 'openapi-fetch';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The paths of a contract that have an operation for the method. */
export type PathsWith<Paths, M extends Method> = {
  [P in keyof Paths]: Paths[P] extends Record<M, object> ? P : never;
}[keyof Paths] &
  string;

/** The path and query parameters of the operation, as the generated types have them (required ones stay required). */
export type ParamsOf<Paths, P extends keyof Paths, M extends Method> = Paths[P] extends Record<M, { parameters: infer Q }>
  ? Pick<Q, Extract<keyof Q, 'path' | 'query'>>
  : never;

interface Params {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
}

export interface ContractUrls<Paths> {
  /** The URL of an operation: its contract path with the path parameters filled in, then the query. */
  url<M extends Method, P extends PathsWith<Paths, M>>(method: M, path: P, params: ParamsOf<Paths, P, M>): string;
  /**
   * The path parameters of a URL a service handed out, if its path ends in that contract path (absolute
   * or not, behind a prefix or not, with or without a query); undefined otherwise.
   */
  match(path: keyof Paths & string, url: string): Record<string, string> | undefined;
}

const PARAM = /\{([^{}]+)\}/g;
const querySerializer = createQuerySerializer();

/**
 * The URLs of one contract. restOfPath names, by path, the parameters that hold the rest of the path
 * (`pattern: .+`, an image id such as "elephant/image_0001.jpg"): their slashes stay, each segment is escaped.
 */
export function contractUrls<Paths>(restOfPath: Readonly<Record<string, readonly string[]>>): ContractUrls<Paths> {
  const keepsSlashes = (path: string, name: string) => restOfPath[path]?.includes(name) ?? false;
  return {
    url(_method, path, params) {
      const p = params as Params;
      const pathSerializer = (template: string, values: Record<string, unknown>) =>
        template.replace(PARAM, (_, name: string) => {
          const value = values[name];
          if (value === undefined || value === null || value === '') throw new Error(`no value for {${name}} of ${path}`);
          const text = String(value);
          return keepsSlashes(path, name) ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text);
        });
      return createFinalURL(path, { baseUrl: '', params: { path: p.path ?? {}, query: p.query }, querySerializer, pathSerializer });
    },
    match(path, url) {
      const names: string[] = [];
      const pattern = path
        .split(PARAM)
        .map((part, i) => {
          if (i % 2 === 0) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          names.push(part);
          return keepsSlashes(path, part) ? '(.+)' : '([^/]+)';
        })
        .join('');
      const pathname = url.split(/[?#]/)[0] ?? '';
      const found = new RegExp(`${pattern}$`).exec(pathname);
      if (!found) return undefined;
      try {
        return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)]));
      } catch {
        return undefined; // a malformed escape is not a URL of ours
      }
    },
  };
}
