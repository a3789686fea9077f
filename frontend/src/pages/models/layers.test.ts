import { describe, expect, it } from 'vitest';
import type { Layer } from '../../api/catalog';
import { describeShown, filterLayers, firstDirection, opCounts, shapeSize, sortLayers, totals } from './layers';

const L = (index: number, name: string, op: string, parameters: number, flops: number, outputShape: number[], feature = false): Layer => ({
  index, name, node: `/${name}/${op}`, op, parameters, flops, outputShape, feature, inputs: [],
});

// A small MobileNet-like graph: conv, two constants, clip, depthwise conv, pooling, flatten.
const layers: Layer[] = [
  L(0, '/Conv2d_0/conv/Conv_output_0', 'Conv', 896, 10_838_016, [-1, 32, 112, 112]),
  L(1, '/Conv2d_0/Constant_8_output_0', 'Constant', 0, 0, []),
  L(2, '/Conv2d_0/Constant_9_output_0', 'Constant', 0, 0, []),
  L(3, 'Conv2d_0', 'Clip', 0, 0, [-1, 32, 112, 112], true),
  L(4, 'expanded_conv_1_depthwise', 'Conv', 320, 3_612_672, [-1, 32, 56, 56]),
  L(5, 'global_pool', 'ReduceMean', 0, 0, [-1, 32, 1, 1], true),
  L(6, 'logits', 'Flatten', 0, 0, [-1, 32]),
];

describe('filtering the layer table', () => {
  const none = { op: '', text: '', featuresOnly: false, constants: false };

  it('hides Constant nodes unless asked for (or chosen as the operator)', () => {
    expect(filterLayers(layers, none).map((l) => l.index)).toEqual([0, 3, 4, 5, 6]);
    expect(filterLayers(layers, { ...none, constants: true })).toHaveLength(7);
    expect(filterLayers(layers, { ...none, op: 'Constant' }).map((l) => l.index)).toEqual([1, 2]);
  });

  it('filters by operator, words in the name and the feature flag', () => {
    expect(filterLayers(layers, { ...none, op: 'Conv' }).map((l) => l.index)).toEqual([0, 4]);
    expect(filterLayers(layers, { ...none, text: 'CONV2D' }).map((l) => l.index)).toEqual([0, 3]);
    expect(filterLayers(layers, { ...none, text: 'conv_output conv2d', constants: true }).map((l) => l.index)).toEqual([0]);
    expect(filterLayers(layers, { ...none, featuresOnly: true }).map((l) => l.name)).toEqual(['Conv2d_0', 'global_pool']);
    expect(filterLayers(layers, { ...none, op: 'Conv', text: 'depthwise' }).map((l) => l.index)).toEqual([4]);
  });

  it('counts what is shown', () => {
    expect(describeShown(5, layers, none)).toBe('5 of 7 nodes · 2 Constant nodes hidden');
    expect(describeShown(7, layers, { ...none, constants: true })).toBe('7 of 7 nodes');
    expect(describeShown(2, layers, { ...none, op: 'Conv' })).toBe('2 of 7 nodes');
  });

  it('lists the operators, most frequent first', () => {
    expect(opCounts(layers)).toEqual([
      { op: 'Constant', count: 2 }, { op: 'Conv', count: 2 }, { op: 'Clip', count: 1 }, { op: 'Flatten', count: 1 }, { op: 'ReduceMean', count: 1 },
    ]);
  });
});

describe('sorting the layer table', () => {
  it('sorts numbers, names and shapes; ties keep graph order', () => {
    expect(sortLayers(layers, 'parameters', 'descending').map((l) => l.index)).toEqual([0, 4, 1, 2, 3, 5, 6]);
    expect(sortLayers(layers, 'parameters', 'ascending').map((l) => l.index)).toEqual([1, 2, 3, 5, 6, 4, 0]);
    expect(sortLayers(layers, 'flops', 'descending')[0]!.index).toBe(0);
    expect(sortLayers(layers, 'name', 'ascending').map((l) => l.index)).toEqual([1, 2, 0, 3, 4, 5, 6]);
    expect(sortLayers(layers, 'shape', 'descending').map((l) => l.index)).toEqual([0, 3, 4, 5, 6, 1, 2]);
    expect(sortLayers(layers, 'feature', 'descending').map((l) => l.index)).toEqual([3, 5, 0, 1, 2, 4, 6]);
    expect(sortLayers(layers, 'index', 'descending').map((l) => l.index)).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('does not change its input', () => {
    const copy = [...layers];
    sortLayers(layers, 'flops', 'descending');
    expect(layers).toEqual(copy);
  });

  it('starts numeric columns with the biggest', () => {
    expect(firstDirection('parameters')).toBe('descending');
    expect(firstDirection('name')).toBe('ascending');
    expect(firstDirection('index')).toBe('ascending');
  });

  it('measures shapes without the batch', () => {
    expect(shapeSize([-1, 32, 112, 112])).toBe(401_408);
    expect(shapeSize([-1, 1000])).toBe(1000);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([3])).toBe(3);
  });
});

describe('totals', () => {
  it('adds parameters and multiply-adds', () => {
    expect(totals(layers)).toEqual({ rows: 7, parameters: 1216, flops: 14_450_688 });
    expect(totals([])).toEqual({ rows: 0, parameters: 0, flops: 0 });
  });
});
