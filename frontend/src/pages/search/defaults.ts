// Choosing sensible defaults from the lists the services return (pure).
import type { Layer, Model } from '../../api/catalog';

export const PREFERRED_DATASET = 'caltech101-iconic200';
export const PREFERRED_MODEL = 'mobilenet_v2_1.0_224';
export const PREFERRED_METRIC = 'cosine';

export interface Pick<T> {
  /** The chosen item, undefined only when the list is empty. */
  value: T | undefined;
  /** Set when a wanted value (from the URL) was not in the list: why it was replaced. */
  rejected?: string;
}

/** The wanted id if listed, else the preferred one if listed, else the first. */
export function pickById<T extends { id?: string }>(list: readonly T[], wanted: string | undefined, preferred: string, what: string): Pick<T> {
  const byId = (id: string | undefined) => (id === undefined ? undefined : list.find((x) => x.id === id));
  const value = byId(wanted) ?? byId(preferred) ?? list[0];
  const rejected = wanted !== undefined && !byId(wanted) ? notListed(what, wanted, value?.id) : undefined;
  return rejected ? { value, rejected } : { value };
}

/** The wanted metric if listed, else cosine if listed, else the first. */
export function pickMetric(metrics: readonly string[], wanted?: string): Pick<string> {
  const has = (m: string | undefined) => m !== undefined && metrics.includes(m);
  const value = has(wanted) ? wanted : has(PREFERRED_METRIC) ? PREFERRED_METRIC : metrics[0];
  return wanted !== undefined && !has(wanted) ? { value, rejected: notListed('metric', wanted, value) } : { value };
}

/** The wanted layer if the model has it and it can be searched, else the model's embedding layer. */
export function pickLayer(model: Model, layers: readonly Layer[], wanted?: string): Pick<string> {
  const usable = (name: string | undefined) =>
    name !== undefined && layers.some((l) => l.name === name && isSearchable(l));
  const fallback =
    (usable(model.embeddingLayer) ? model.embeddingLayer : undefined) ??
    [...(model.featureLayers ?? [])].reverse().find(usable) ??
    layers.find(isSearchable)?.name;
  if (usable(wanted)) return { value: wanted };
  return wanted !== undefined
    ? { value: fallback, rejected: `${notListed(`layer of ${model.id}`, wanted, fallback)}` }
    : { value: fallback };
}

/** A layer whose output becomes one vector per image, as the catalog says (constants and shape tensors cannot). */
export function isSearchable(layer: Layer): boolean {
  return layer.searchable === true;
}

export interface LayerGroups {
  /** The curated feature layers, in the model's order. */
  feature: Layer[];
  /** Every other searchable layer, in graph order. */
  other: Layer[];
}

/** Splits a model's layers into its feature layers (in featureLayers order) and all the others. */
export function groupLayers(model: Model, layers: readonly Layer[]): LayerGroups {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const featureNames = model.featureLayers ?? layers.filter((l) => l.feature).map((l) => l.name ?? '');
  const feature = featureNames.map((n) => byName.get(n)).filter((l): l is Layer => l !== undefined);
  const taken = new Set(feature.map((l) => l.name));
  const other = layers.filter((l) => !taken.has(l.name) && isSearchable(l));
  return { feature, other };
}

function notListed(what: string, wanted: string, used: string | undefined): string {
  return `unknown ${what} '${wanted}' in the link; showing ${used === undefined ? 'nothing' : `'${used}'`} instead`;
}
