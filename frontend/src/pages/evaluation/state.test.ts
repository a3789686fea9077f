import { describe, expect, it } from 'vitest';
import { evaluationHash, parseEvaluationHash } from './state';

const collection = { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', metric: 'cosine', pooling: 'avg' as const };

describe('evaluation hash', () => {
  it('leaves out the defaults: avg pooling, all models, cosine+euclidean, the first metric charted', () => {
    expect(evaluationHash(collection, { dataset: 'tinyimagenet200', models: [], metrics: ['cosine', 'euclidean'], chart: 'cosine' })).toBe(
      '#/evaluation?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine&board=tinyimagenet200',
    );
  });

  it('names chosen models, other metrics, the charted metric and max pooling', () => {
    const hash = evaluationHash({ ...collection, pooling: 'max' }, { dataset: 'tinyimagenet200', models: ['mobilenet_v1_0.25_128', 'squeezenet1.1'], metrics: ['cosine', 'euclidean', 'cityblock'], chart: 'euclidean' });
    expect(hash).toBe(
      '#/evaluation?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine&pooling=max&board=tinyimagenet200&models=mobilenet_v1_0.25_128,squeezenet1.1&metrics=cosine,euclidean,cityblock&chart=euclidean',
    );
    expect(parseEvaluationHash(hash)).toEqual({
      collection: { ...collection, pooling: 'max' },
      board: { dataset: 'tinyimagenet200', models: ['mobilenet_v1_0.25_128', 'squeezenet1.1'], metrics: ['cosine', 'euclidean', 'cityblock'], chart: 'euclidean' },
    });
  });

  it('drops duplicates, empty list items and invalid pooling', () => {
    expect(parseEvaluationHash('#/evaluation?models=a,,a,b&metrics=cosine,&pooling=flatten&layer=/x/y')).toEqual({
      collection: { layer: '/x/y' },
      board: { models: ['a', 'b'], metrics: ['cosine'] },
    });
    expect(parseEvaluationHash('#/evaluation')).toEqual({ collection: {}, board: {} });
  });
});
