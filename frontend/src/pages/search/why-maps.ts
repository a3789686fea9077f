// The maps "Why similar?" offers (pure): the feature-service's occlusion map, or a gradient map of the
// similarity (SmoothGrad, or Grad-CAM at a chosen layer), with what each one says in words.
import type { Layer } from '../../api/catalog';
import { hasSpatialExtent } from '../models/describe';
import type { SearchState } from './state';

/** Patch edge of the occlusion map, as a fraction of the image's shorter side. */
export const OCCLUSION_PATCH = 0.2;

export const WHY_METHODS = ['occlusion', 'smoothgrad', 'gradcam'] as const;
export type WhyMethod = (typeof WHY_METHODS)[number];
export type GradientMethod = Exclude<WhyMethod, 'occlusion'>;

export const METHOD_NAMES: Record<WhyMethod, string> = { occlusion: 'Occlusion', smoothgrad: 'SmoothGrad', gradcam: 'Grad-CAM' };

type Search = Pick<SearchState, 'model' | 'layer' | 'metric' | 'pooling'>;

/** What the map shows, in one or two sentences under the pictures. */
export function explanation(s: Search, method: WhyMethod = 'occlusion', camLayer?: string): string {
  if (method === 'occlusion') {
    const pooling = s.pooling === 'max' ? ' (max-pooled)' : '';
    return `Coloured regions make the hit similar: covering one (a ${OCCLUSION_PATCH * 100}% patch) moves it away from the query under ${s.metric} at ${s.layer}${pooling}; the brighter, the more.`;
  }
  const objective = `the cosine similarity of the query's and the hit's average-pooled ${s.layer} vectors`;
  // The gradient maps follow one objective whatever the search ranked by: say so when that differs.
  const differs = s.metric !== 'cosine' || s.pooling === 'max' ? ` (the search itself ranks by ${s.metric}${s.pooling === 'max' ? ' of max-pooled vectors' : ''})` : '';
  const seen = 'The hit is shown as the model sees it, resized and cropped to its input.';
  if (method === 'smoothgrad') {
    return `Bright pixels are those whose change moves ${objective} most${differs}: SmoothGrad, its gradient with respect to the hit's pixels averaged over 16 noisy copies. ${seen}`;
  }
  const at = camLayer ? `${camLayer}'s` : "the last map's";
  return `Warm regions are where ${at} activations raise ${objective}${differs}: Grad-CAM weighs each channel by its mean gradient. ${seen}`;
}

/** The method as named under the map: "SmoothGrad", "Grad-CAM at Conv2d_13_pointwise". */
export function methodCaption(method: WhyMethod, camLayer?: string): string {
  return method === 'gradcam' && camLayer ? `${METHOD_NAMES[method]} at ${camLayer}` : METHOD_NAMES[method];
}

/**
 * The layers Grad-CAM can weigh for a similarity at `layer`: the model's feature layers that still have a
 * spatial extent and do not come after it (in graph order). The service's own choice when none is named is
 * the layer itself if it has a spatial extent, else the last such layer before it.
 */
export function camLayerChoices(layers: readonly Layer[], layer: string): string[] {
  const target = layers.find((l) => l.name === layer);
  if (!target) return [];
  const upTo = target.index ?? Infinity;
  return layers.filter((l) => l.feature && (l.index ?? Infinity) <= upTo && hasSpatialExtent(l.outputShape)).map((l) => l.name ?? '').filter(Boolean);
}
