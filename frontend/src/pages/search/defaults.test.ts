import { describe, expect, it } from 'vitest';
import type { Layer, Model } from '../../api/catalog';
import { groupLayers, isSearchable, pickById, pickLayer, pickMetric } from './defaults';

const datasets = [{ id: 'tinyimagenet200' }, { id: 'caltech101-iconic200' }];
const model: Model = {
  id: 'mobilenet_v2_1.0_224',
  embeddingLayer: 'global_pool',
  featureLayers: ['Conv2d_0', 'expanded_conv_4_expand', 'global_pool'],
};
const layers: Layer[] = [
  { name: '/Conv2d_0/conv/Conv_output_0', outputShape: [-1, 32, 112, 112], feature: false, searchable: true },
  { name: '/Conv2d_0/Constant_8_output_0', outputShape: [], feature: false, searchable: false },
  { name: 'Conv2d_0', outputShape: [-1, 32, 112, 112], feature: true, searchable: true },
  { name: 'expanded_conv_4_expand', outputShape: [-1, 144, 56, 56], feature: true, searchable: true },
  { name: 'global_pool', outputShape: [-1, 1280, 1, 1], feature: true, searchable: true },
  { name: 'logits', outputShape: [-1, 1000], feature: false, searchable: true },
];

describe('defaults', () => {
  it('prefers the wanted id, then the preferred, then the first', () => {
    expect(pickById(datasets, undefined, 'caltech101-iconic200', 'dataset')).toEqual({ value: datasets[1] });
    expect(pickById(datasets, 'tinyimagenet200', 'caltech101-iconic200', 'dataset')).toEqual({ value: datasets[0] });
    expect(pickById(datasets, undefined, 'absent', 'dataset')).toEqual({ value: datasets[0] });
    expect(pickById([], undefined, 'absent', 'dataset')).toEqual({ value: undefined });
  });

  it('says why a wanted id from a link was replaced', () => {
    const pick = pickById(datasets, 'nope', 'caltech101-iconic200', 'dataset');
    expect(pick.value).toBe(datasets[1]);
    expect(pick.rejected).toBe("unknown dataset 'nope' in the link; showing 'caltech101-iconic200' instead");
  });

  it('picks cosine unless another listed metric is wanted', () => {
    expect(pickMetric(['euclidean', 'cosine'])).toEqual({ value: 'cosine' });
    expect(pickMetric(['euclidean', 'cosine'], 'euclidean')).toEqual({ value: 'euclidean' });
    expect(pickMetric(['euclidean'])).toEqual({ value: 'euclidean' });
    expect(pickMetric(['cosine'], 'hamming').rejected).toMatch(/unknown metric 'hamming'/);
  });

  it("picks the wanted layer, else the model's embedding layer", () => {
    expect(pickLayer(model, layers)).toEqual({ value: 'global_pool' });
    expect(pickLayer(model, layers, 'logits')).toEqual({ value: 'logits' });
    const bad = pickLayer(model, layers, 'conv9');
    expect(bad.value).toBe('global_pool');
    expect(bad.rejected).toMatch(/unknown layer of mobilenet_v2_1.0_224 'conv9'/);
    // a constant cannot be searched even though the model has it
    expect(pickLayer(model, layers, '/Conv2d_0/Constant_8_output_0').value).toBe('global_pool');
    // without a usable embedding layer the last feature layer is taken
    expect(pickLayer({ ...model, embeddingLayer: 'gone' }, layers).value).toBe('global_pool');
    expect(pickLayer({ ...model, embeddingLayer: 'gone', featureLayers: ['Conv2d_0'] }, layers).value).toBe('Conv2d_0');
  });

  it('groups feature layers in the model order and the other searchable layers in graph order', () => {
    const shuffled: Model = { ...model, featureLayers: ['global_pool', 'Conv2d_0'] };
    const groups = groupLayers(shuffled, layers);
    expect(groups.feature.map((l) => l.name)).toEqual(['global_pool', 'Conv2d_0']);
    expect(groups.other.map((l) => l.name)).toEqual(['/Conv2d_0/conv/Conv_output_0', 'expanded_conv_4_expand', 'logits']);
    expect(isSearchable(layers[1]!)).toBe(false);
  });
});
