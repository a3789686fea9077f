import { describe, expect, it } from 'vitest';
import type { Layer } from '../../api/catalog';
import { channelCount, complexityScale, drawableUnits, hasSpatialExtent, perChannel, preprocessingFacts, producingConv, provenance, resizeRule, seesColour, shortLicence } from './describe';

describe('licences', () => {
  it('shortens the catalog texts to the licence', () => {
    expect(shortLicence('Apache-2.0 (google-coral/test_data LICENSE; TensorFlow hosted model, Apache-2.0)')).toBe('Apache-2.0');
    expect(shortLicence('MIT (ml5js/ml5-data-and-models LICENSE); original Darknet weights by J. Redmon')).toBe('MIT');
    expect(shortLicence('Apache-2.0 per webmachinelearning/test-data README')).toBe('Apache-2.0');
    expect(shortLicence('Repository: MIT (shu223/iOS-10-Sampler LICENSE). The .dat files come from Apple')).toBe('MIT');
    expect(shortLicence('Proprietary research licence of some lab')).toBe('Proprietary research li…');
    expect(shortLicence(undefined)).toBe('unknown');
  });
});

describe('provenance', () => {
  it('links a plain repository at its commit', () => {
    expect(provenance({ repository: 'github:google-coral/test_data', commit: '104342d2d3480b3e66203073dac24f4e2dbb4c41' })).toEqual({
      repository: 'google-coral/test_data',
      url: 'https://github.com/google-coral/test_data/tree/104342d2d3480b3e66203073dac24f4e2dbb4c41',
      commit: '104342d2d3480b3e66203073dac24f4e2dbb4c41',
      shortCommit: '104342d',
    });
  });

  it('keeps remarks and links only the repository when the commit belongs elsewhere', () => {
    const p = provenance({
      repository: 'github:webmachinelearning/test-data (files as deployed in the gh-pages branch of github:fujunwei/webnn-samples)',
      commit: 'ae2715a3abcd12c9e37b4b4ae45620acafe4d125 (fujunwei/webnn-samples gh-pages)',
    })!;
    expect(p.repository).toBe('webmachinelearning/test-data');
    expect(p.url).toBe('https://github.com/webmachinelearning/test-data');
    expect(p.shortCommit).toBe('ae2715a');
    expect(p.detail).toContain('fujunwei/webnn-samples gh-pages');
    expect(provenance({})).toBeUndefined();
    expect(provenance({ repository: 'https://example.org/model.zip' })).toEqual({ repository: 'https://example.org/model.zip', detail: 'https://example.org/model.zip' });
  });
});

describe('preprocessing in words', () => {
  const p = { inputSize: [224, 224], layout: 'NCHW', channelOrder: 'RGB', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], resize: 'shorter-side-crop', cropFraction: 0.875, interpolation: 'bilinear' };

  it('explains the resize rule', () => {
    expect(resizeRule(p)).toBe('shorter side to 256 px (224 ÷ 0.875), centre crop 224×224');
    expect(resizeRule({ ...p, inputSize: [299, 299], resize: 'stretch', cropFraction: 1 })).toBe('stretched to 299×299 (the aspect ratio is not kept)');
  });

  it('lists mean and std per channel, or once when equal', () => {
    expect(perChannel([127.5, 127.5, 127.5])).toBe('127.5 (every channel)');
    expect(perChannel(p.mean)).toBe('R 123.675 · G 116.28 · B 103.53');
    expect(perChannel([], 'RGB')).toBe('–');
    expect(preprocessingFacts(p).map((f) => `${f.label}: ${f.value}`)).toEqual([
      'Resize: shorter side to 256 px (224 ÷ 0.875), centre crop 224×224',
      'Crop fraction: 87.5%',
      'Interpolation: bilinear',
      'Mean: R 123.675 · G 116.28 · B 103.53',
      'Std: R 58.395 · G 57.12 · B 57.375',
      'Tensor: RGB, NCHW',
    ]);
  });
});

describe('complexity scale', () => {
  it('is logarithmic and leaves the smallest model a visible bar', () => {
    const scale = complexityScale([467_336, 3_487_816, 10_653_472]);
    // decades 10^4 .. 10^8
    expect(scale(1e4)).toBe(0);
    expect(scale(1e6)).toBeCloseTo(0.5, 10);
    expect(scale(1e8)).toBe(1);
    expect(scale(467_336)).toBeGreaterThan(0.3);
    expect(scale(0)).toBe(0);
    expect(complexityScale([])(5)).toBe(0);
  });
});

describe('filters of a layer', () => {
  const layers: Layer[] = [
    { index: 0, name: '/Conv2d_0/conv/Conv_output_0', op: 'Conv', inputs: ['input'], outputShape: [-1, 32, 112, 112] },
    { index: 1, name: 'c8', op: 'Constant', inputs: [], outputShape: [] },
    { index: 2, name: 'Conv2d_0', op: 'Clip', inputs: ['/Conv2d_0/conv/Conv_output_0', 'c8'], outputShape: [-1, 32, 112, 112] },
    { index: 3, name: 'dw', op: 'Conv', inputs: ['Conv2d_0'], outputShape: [-1, 32, 112, 112] },
    { index: 4, name: 'add', op: 'Add', inputs: ['dw', 'Conv2d_0'], outputShape: [-1, 32, 112, 112] },
  ];

  it('finds the convolution behind an activation', () => {
    expect(producingConv(layers, 'Conv2d_0')?.name).toBe('/Conv2d_0/conv/Conv_output_0');
    expect(producingConv(layers, 'dw')?.name).toBe('dw');
    expect(producingConv(layers, 'add')).toBeUndefined();
    expect(producingConv(layers, 'nope')).toBeUndefined();
  });

  it('knows which convolutions see colour', () => {
    expect(seesColour(layers, layers[0]!, 'input')).toBe(true);
    expect(seesColour(layers, layers[3]!, 'input')).toBe(false);
    const bnFirst: Layer[] = [{ name: 'bn', op: 'BatchNormalization', inputs: ['input'], outputShape: [-1, 3, 224, 224] }, { name: 'c', op: 'Conv', inputs: ['bn'], outputShape: [-1, 64, 112, 112] }];
    expect(seesColour(bnFirst, bnFirst[1]!, 'input')).toBe(true);
  });

  it('counts channels of 4-D outputs', () => {
    expect(channelCount([-1, 64, 16, 16])).toBe(64);
    expect(channelCount([-1, 1000])).toBeUndefined();
    // A drawing may aim at a channel of a map or at a unit of a vector (a class score), not at a scalar.
    expect(drawableUnits([-1, 64, 16, 16])).toBe(64);
    expect(drawableUnits([-1, 1000])).toBe(1000);
    expect(drawableUnits([-1])).toBeUndefined();
    expect(drawableUnits([])).toBeUndefined();
    expect(drawableUnits(undefined)).toBeUndefined();
    // Grad-CAM needs positions to weigh: not a pooled 1×1 map, nor a vector.
    expect(hasSpatialExtent([-1, 64, 16, 16])).toBe(true);
    expect(hasSpatialExtent([-1, 256, 1, 1])).toBe(false);
    expect(hasSpatialExtent([-1, 256, 4, 1])).toBe(false);
    expect(hasSpatialExtent([-1, 1000])).toBe(false);
    expect(hasSpatialExtent([-1, 32, -1, -1])).toBe(true);
  });
});
