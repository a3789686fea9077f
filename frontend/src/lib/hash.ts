// Generic URL-hash routes: "#/path?key=value&…" ⇄ { path, params }. Each page validates its own keys.

export interface RawRoute {
  path: string;
  params: Map<string, string>;
}

/** Parses "#/evaluation?dataset=a&models=x,y"; empty values and bad escapes are dropped, '+' is a space. */
export function parseRoute(hash: string): RawRoute {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const question = raw.indexOf('?');
  const path = (question < 0 ? raw : raw.slice(0, question)) || '/';
  const query = question < 0 ? '' : raw.slice(question + 1);
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined || value === '') continue;
    params.set(key, value);
  }
  return { path, params };
}

/** "#/path?k=v&…" from entries in the given order; undefined and '' values are left out, '/' stays readable. */
export function buildHash(path: string, entries: readonly (readonly [string, string | number | undefined])[]): string {
  const parts: string[] = [];
  for (const [key, value] of entries) {
    if (value === undefined || value === '') continue;
    parts.push(`${encode(key)}=${encode(String(value))}`);
  }
  return `#${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/** A comma-separated list from a hash value: "a, b,,c" → ["a", "b", "c"]. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function encode(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/').replace(/%2C/gi, ',');
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
