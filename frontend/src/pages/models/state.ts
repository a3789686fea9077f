// The Models page's URL hashes (pure):
//   #/models                                                        the list, simplest model first
//   #/models/<id>[?view=graph][&op=Conv][&q=text][&features=1][&constants=1][&sort=flops&order=desc]
//   #/models/<id>/layers/<layer>[?dataset=…&image=…|?upload=1][&channel=7][&examples=<dataset>][&steps=64][&seed=3]
// (upload=1: the image uploaded on the previous layer view, kept in memory while the page is open; steps and
// seed: of the channels' drawings, when not the defaults)
// Layer names may contain '/': in the path the layer is escaped as one segment (%2F), and an unescaped
// rest of the path is read as the name too.
import { buildHash, parseRoute } from '../../lib/hash';
import { parseSeed, parseSteps } from './drawing';

export const MODELS_ROUTE = '/models';

export type Direction = 'ascending' | 'descending';
export const SORT_KEYS = ['index', 'name', 'op', 'shape', 'parameters', 'cumulativeParameters', 'flops', 'feature'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const TABS = ['layers', 'graph'] as const;
export type Tab = (typeof TABS)[number];

/** What the layer table shows: its filters and its order. */
export interface TableChoice {
  /** An ONNX operator, '' for all. */
  op: string;
  /** Words that must all occur in the layer's name (or node name), case-insensitive. */
  text: string;
  featuresOnly: boolean;
  /** Whether the Constant nodes (weights and clip bounds folded into the graph) are listed. */
  constants: boolean;
  sort: SortKey;
  direction: Direction;
}

export const DEFAULT_TABLE: TableChoice = { op: '', text: '', featuresOnly: false, constants: false, sort: 'index', direction: 'ascending' };

export type ModelsRoute =
  | { view: 'list' }
  | { view: 'model'; model: string; tab: Tab; table: TableChoice }
  | { view: 'layer'; model: string; layer: string; dataset?: string; image?: string; upload?: boolean; channel?: number; examples?: string; steps?: number; seed?: number };

/** Parses any hash under #/models; anything it cannot read falls back to the list (or to defaults). */
export function parseModelsHash(hash: string): ModelsRoute {
  const { path, params } = parseRoute(hash);
  const rest = path === MODELS_ROUTE ? '' : path.startsWith(`${MODELS_ROUTE}/`) ? path.slice(MODELS_ROUTE.length + 1) : '';
  const segments = rest.split('/');
  const model = decode(segments[0] ?? '');
  if (!model) return { view: 'list' };
  if (segments[1] === 'layers' && segments.length > 2) {
    const layer = decode(segments.slice(2).join('/'));
    if (layer) {
      const route: ModelsRoute = { view: 'layer', model, layer };
      const dataset = params.get('dataset');
      const image = params.get('image');
      const examples = params.get('examples');
      const channel = parseChannel(params.get('channel'));
      if (dataset) route.dataset = dataset;
      if (image) route.image = image;
      if (params.get('upload') === '1' && !image) route.upload = true;
      if (channel !== undefined) route.channel = channel;
      if (examples) route.examples = examples;
      const steps = parseSteps(params.get('steps'));
      if (steps !== undefined) route.steps = steps;
      const seed = parseSeed(params.get('seed'));
      if (seed) route.seed = seed;
      return route;
    }
  }
  const view = params.get('view');
  const sort = params.get('sort');
  const order = params.get('order');
  const table: TableChoice = {
    op: params.get('op') ?? '',
    text: params.get('q') ?? '',
    featuresOnly: params.get('features') === '1',
    constants: params.get('constants') === '1',
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : DEFAULT_TABLE.sort,
    direction: order === 'desc' ? 'descending' : order === 'asc' ? 'ascending' : DEFAULT_TABLE.direction,
  };
  return { view: 'model', model, tab: view === 'graph' ? 'graph' : 'layers', table };
}

/** The hash of a route; defaults are left out. */
export function modelsHash(route: ModelsRoute): string {
  if (route.view === 'list') return `#${MODELS_ROUTE}`;
  const base = `${MODELS_ROUTE}/${encodeURIComponent(route.model)}`;
  if (route.view === 'layer') {
    return buildHash(`${base}/layers/${encodeURIComponent(route.layer)}`, [
      ['dataset', route.dataset],
      ['image', route.image],
      ['upload', route.upload && !route.image ? '1' : undefined],
      ['channel', route.channel],
      ['examples', route.examples],
      ['steps', parseSteps(route.steps === undefined ? undefined : String(route.steps))],
      ['seed', route.seed ? parseSeed(String(route.seed)) : undefined],
    ]);
  }
  const t = route.table;
  const defaultOrder = t.sort === DEFAULT_TABLE.sort && t.direction === DEFAULT_TABLE.direction;
  return buildHash(base, [
    ['view', route.tab === 'graph' ? 'graph' : undefined],
    ['op', t.op],
    ['q', t.text.trim()],
    ['features', t.featuresOnly ? '1' : undefined],
    ['constants', t.constants ? '1' : undefined],
    ['sort', defaultOrder ? undefined : t.sort],
    ['order', defaultOrder ? undefined : t.direction === 'descending' ? 'desc' : 'asc'],
  ]);
}

/** The link to a model's page (its layer table). */
export function modelHref(model: string): string {
  return modelsHash({ view: 'model', model, tab: 'layers', table: DEFAULT_TABLE });
}

/** The link to a layer's view, keeping the image and the examples' dataset when given. */
export function layerHref(model: string, layer: string, keep: { dataset?: string; image?: string; upload?: boolean; examples?: string; steps?: number; seed?: number } = {}): string {
  return modelsHash({ view: 'layer', model, layer, ...keep });
}

function parseChannel(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return undefined;
  return Number(value);
}

/** A channel typed into a field: a whole number up to `max` (the layer's last channel), else undefined. */
export function readChannel(text: string, max: number | undefined): number | undefined {
  const n = parseChannel(text.trim());
  return n !== undefined && max !== undefined && n > max ? undefined : n;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
