import { describe, expect, it } from 'vitest';
import { thumbSide } from './canvas';
import { describeProjection, mapHash, parseMapHash } from './state';

describe('map hash', () => {
  it('leaves out PCA and avg pooling, and round-trips t-SNE', () => {
    const c = { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', metric: 'cosine', pooling: 'avg' as const };
    expect(mapHash(c, 'pca')).toBe('#/map?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool');
    const hash = mapHash({ ...c, pooling: 'max' }, 'tsne');
    expect(hash).toBe('#/map?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&pooling=max&method=tsne');
    expect(parseMapHash(hash)).toEqual({ collection: { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'max' }, method: 'tsne' });
  });

  it('ignores unknown methods and the metric', () => {
    expect(parseMapHash('#/map?method=umap&metric=cosine')).toEqual({ collection: {} });
    expect(parseMapHash('#/map?method=TSNE').method).toBe('tsne');
  });
});

describe('map captions and thumbnails', () => {
  it('says how many images are shown and what PCA explains', () => {
    expect(describeProjection({ method: 'pca', total: 200, sampled: 200, varianceShare: [0.1306, 0.0856], points: [] })).toBe(
      '200 images · PCA axes explain 13.1% + 8.6% = 21.6% of the variance',
    );
    expect(describeProjection({ method: 'pca', total: 4000, sampled: 2000, varianceShare: [0.0757, 0.063] })).toBe(
      '2,000 of 4,000 images (random sample) · PCA axes explain 7.6% + 6.3% = 13.9% of the variance',
    );
    expect(describeProjection({ method: 'tsne', total: 200, sampled: 200, varianceShare: null as unknown as number[] })).toMatch(/^200 images · t-SNE/);
    expect(describeProjection({ method: 'pca', total: 3000, sampled: 2000, varianceShare: [] }, 'item')).toBe('2,000 of 3,000 items (random sample)');
  });

  it('grows thumbnails with the zoom from 22 to 64 px', () => {
    expect(thumbSide(1)).toBe(22);
    expect(thumbSide(0.5)).toBe(22);
    expect(thumbSide(4)).toBe(44);
    expect(thumbSide(100)).toBe(64);
  });
});
