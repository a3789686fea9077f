import { describe, expect, it } from 'vitest';
import type { Layer } from '../../api/catalog';
import { camLayerChoices, explanation, methodCaption, OCCLUSION_PATCH } from './why-maps';

describe('"Why similar?" explanation', () => {
  it('names the metric, the layer and the patch', () => {
    const text = explanation({ model: 'mobilenet_v2_1.0_224', layer: 'global_pool', metric: 'cosine', pooling: 'avg' });
    expect(OCCLUSION_PATCH).toBe(0.2);
    expect(text).toContain('20% patch');
    expect(text).toContain('under cosine at global_pool');
    expect(text).not.toContain('max pooling');
  });

  it('says when the search used another pooling than the map', () => {
    expect(explanation({ model: 'm', layer: 'l', metric: 'euclidean', pooling: 'max' })).toContain('(max-pooled)');
  });
});

describe('gradient maps in "Why similar?"', () => {
  const s = { model: 'mobilenet_v1_0.25_128', layer: 'global_pool', metric: 'cosine', pooling: 'avg' as const };

  it('says what a SmoothGrad or Grad-CAM map shows, and that it follows cosine whatever the search ranks by', () => {
    const smooth = explanation(s, 'smoothgrad');
    expect(smooth).toContain('SmoothGrad');
    expect(smooth).toContain('cosine similarity');
    expect(smooth).toContain('average-pooled global_pool vectors');
    expect(smooth).not.toContain('ranks by');
    expect(explanation({ ...s, metric: 'euclidean' }, 'smoothgrad')).toContain('(the search itself ranks by euclidean)');
    expect(explanation({ ...s, pooling: 'max' }, 'gradcam')).toContain('ranks by cosine of max-pooled vectors');
    expect(explanation(s, 'gradcam', 'Conv2d_13_pointwise')).toContain("Conv2d_13_pointwise's activations");
    expect(explanation(s, 'gradcam')).toContain("the last map's activations");
    expect(explanation(s, 'occlusion')).toBe(explanation(s));
  });

  it('names the method under the map', () => {
    expect(methodCaption('smoothgrad')).toBe('SmoothGrad');
    expect(methodCaption('gradcam', 'Conv2d_13_pointwise')).toBe('Grad-CAM at Conv2d_13_pointwise');
    expect(methodCaption('gradcam')).toBe('Grad-CAM');
    expect(methodCaption('occlusion')).toBe('Occlusion');
  });

  it('offers Grad-CAM the feature layers with a spatial extent up to the searched layer', () => {
    const layer = (index: number, name: string, outputShape: number[], feature = true): Layer => ({ index, name, outputShape, feature, op: 'Clip' });
    const layers = [
      layer(3, 'Conv2d_0', [-1, 8, 64, 64]),
      layer(10, 'not_a_feature', [-1, 16, 32, 32], false),
      layer(19, 'Conv2d_2_pointwise', [-1, 32, 32, 32]),
      layer(107, 'Conv2d_13_pointwise', [-1, 256, 4, 4]),
      layer(108, 'global_pool', [-1, 256, 1, 1]),
      layer(110, 'logits', [-1, 1000]),
    ];
    expect(camLayerChoices(layers, 'global_pool')).toEqual(['Conv2d_0', 'Conv2d_2_pointwise', 'Conv2d_13_pointwise']);
    expect(camLayerChoices(layers, 'Conv2d_2_pointwise')).toEqual(['Conv2d_0', 'Conv2d_2_pointwise']);
    expect(camLayerChoices(layers, 'logits')).toEqual(['Conv2d_0', 'Conv2d_2_pointwise', 'Conv2d_13_pointwise']);
    expect(camLayerChoices(layers, 'unknown')).toEqual([]);
  });
});
