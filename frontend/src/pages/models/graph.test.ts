import { describe, expect, it } from 'vitest';
import type { Layer } from '../../api/catalog';
import { buildBlocks, groupStages, spatialSize } from './graph';

const L = (index: number, name: string, op: string, inputs: string[], outputShape: number[], feature = false): Layer => ({
  index, name, op, inputs, outputShape, feature, parameters: 0, flops: 0,
});

const model = { inputName: 'input', inputSize: [224, 224], embeddingLayer: 'global_pool', outputLayer: 'logits' };

const layers: Layer[] = [
  L(0, 'conv0', 'Conv', ['input', 'conv0.weight'], [-1, 32, 112, 112]),
  L(1, 'clip_min', 'Constant', [], []),
  L(2, 'Conv2d_0', 'Clip', ['conv0', 'clip_min'], [-1, 32, 112, 112], true),
  L(3, 'dw', 'Conv', ['Conv2d_0', 'dw.weight'], [-1, 32, 56, 56]),
  L(4, 'pw', 'Conv', ['dw'], [-1, 64, 56, 56]),
  L(5, 'add', 'Add', ['pw', 'dw'], [-1, 64, 56, 56]),
  L(6, 'global_pool', 'ReduceMean', ['add'], [-1, 64, 1, 1], true),
  L(7, 'logits', 'Flatten', ['global_pool'], [-1, 64]),
];

describe('graph blocks', () => {
  const blocks = buildBlocks(layers, model);

  it('leaves the Constant nodes out and keeps graph order', () => {
    expect(blocks.map((b) => b.name)).toEqual(['conv0', 'Conv2d_0', 'dw', 'pw', 'add', 'global_pool', 'logits']);
    expect(blocks.map((b) => b.shape)).toEqual(['32×112×112', '32×112×112', '32×56×56', '64×56×56', '64×56×56', '64×1×1', '64']);
  });

  it('marks where the spatial size shrinks, from the model input on', () => {
    const shrinks = blocks.filter((b) => b.shrinks).map((b) => [b.name, b.shrinks!.from.join('×'), b.shrinks!.to.join('×')]);
    expect(shrinks).toEqual([
      ['conv0', '224×224', '112×112'],
      ['dw', '112×112', '56×56'],
      ['global_pool', '56×56', '1×1'],
    ]);
  });

  it('marks feature, embedding and output layers and counts layer inputs', () => {
    expect(blocks.filter((b) => b.feature).map((b) => b.name)).toEqual(['Conv2d_0', 'global_pool']);
    expect(blocks.find((b) => b.embedding)?.name).toBe('global_pool');
    expect(blocks.find((b) => b.output)?.name).toBe('logits');
    expect(blocks.find((b) => b.name === 'add')?.inputs).toBe(2);
    expect(blocks.find((b) => b.name === 'Conv2d_0')?.inputs).toBe(1); // the constant is not counted
    expect(blocks.find((b) => b.name === 'conv0')?.inputs).toBe(1); // the weight is not a layer
  });

  it('groups blocks into stages by resolution', () => {
    const stages = groupStages(blocks);
    expect(stages.map((s) => [s.resolution, s.blocks.length])).toEqual([['112×112', 2], ['56×56', 3], ['1×1', 1], ['vector', 1]]);
  });

  it('keeps a parallel branch at the old resolution in the current stage', () => {
    const branchy = buildBlocks([
      L(0, 'a', 'Conv', ['input'], [-1, 8, 35, 35]),
      L(1, 'b1', 'Conv', ['a'], [-1, 8, 17, 17]),
      L(2, 'b2', 'Conv', ['a'], [-1, 8, 35, 35]),
      L(3, 'b3', 'MaxPool', ['b2'], [-1, 8, 17, 17]),
      L(4, 'cat', 'Concat', ['b1', 'b3'], [-1, 16, 17, 17]),
    ], { ...model, inputSize: [35, 35] });
    expect(groupStages(branchy).map((s) => [s.resolution, s.blocks.map((b) => b.name).join(',')])).toEqual([['35×35', 'a'], ['17×17', 'b1,b2,b3,cat']]);
  });

  it('reads H×W only from 4-D shapes', () => {
    expect(spatialSize([-1, 3, 224, 224])).toEqual([224, 224]);
    expect(spatialSize([-1, 1000])).toBeUndefined();
    expect(spatialSize([-1, 3, -1, -1])).toBeUndefined();
  });
});
