// The Semantic Search selection, and its URL hash: #/search?dataset=…&model=…&layer=…&metric=…&q=<imageId>

export const POOLINGS = ['avg', 'max'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface Selection {
  dataset: string;
  model: string;
  layer: string;
  metric: string;
  pooling: Pooling;
  /** Id of the query image in the dataset; '' while none is chosen (or while an upload is the query). */
  q: string;
}

export interface SearchState extends Selection {
  /** An uploaded query image; when set it is the query instead of q. Not part of the URL. */
  upload: File | null;
}

export const EMPTY_STATE: SearchState = {
  dataset: '', model: '', layer: '', metric: '', pooling: 'avg', q: '', upload: null,
};

export const SEARCH_ROUTE = '/search';
const KEYS = ['dataset', 'model', 'layer', 'metric', 'pooling', 'q'] as const;

export interface Route {
  path: string;
  params: Partial<Selection>;
}

/** Parses "#/search?dataset=a&q=elephant/image_0001.jpg"; unknown keys and bad escapes are ignored. */
export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const question = raw.indexOf('?');
  const path = (question < 0 ? raw : raw.slice(0, question)) || '/';
  const query = question < 0 ? '' : raw.slice(question + 1);
  const params: Partial<Selection> = {};
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined || value === '') continue;
    if (key === 'pooling') {
      if ((POOLINGS as readonly string[]).includes(value)) params.pooling = value as Pooling;
    } else if ((KEYS as readonly string[]).includes(key)) {
      params[key as Exclude<(typeof KEYS)[number], 'pooling'>] = value;
    }
  }
  return { path, params };
}

/** Serialises a selection; pooling only when not the default, q only when set. '/' stays readable. */
export function toHash(s: Partial<Selection>): string {
  const parts: string[] = [];
  for (const key of KEYS) {
    const value = s[key];
    if (value === undefined || value === '') continue;
    if (key === 'pooling' && value === 'avg') continue;
    parts.push(`${key}=${encode(value)}`);
  }
  return `#${SEARCH_ROUTE}${parts.length ? `?${parts.join('&')}` : ''}`;
}

function encode(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/');
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** What is being searched, as one comparable string: equal keys need no new request. */
export function queryKey(s: SearchState): string {
  const query = s.upload ? `upload:${s.upload.name}:${s.upload.size}:${s.upload.lastModified}` : `id:${s.q}`;
  return [s.dataset, s.model, s.layer, s.metric, s.pooling, query].join('|');
}

/** Whether the state names everything a search needs. */
export function isComplete(s: SearchState): boolean {
  return Boolean(s.dataset && s.model && s.layer && s.metric && (s.upload || s.q));
}
