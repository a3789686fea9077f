import { describe, expect, it } from 'vitest';
import { explanation, OCCLUSION_PATCH } from './why';

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
