import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, isComplete, parseHash, queryKey, toHash, type Selection } from './state';

const full: Selection = {
  dataset: 'caltech101-iconic200',
  model: 'mobilenet_v2_1.0_224',
  layer: 'global_pool',
  metric: 'cosine',
  pooling: 'avg',
  q: 'elephant/image_0001.jpg',
};

describe('hash state', () => {
  it('serialises a selection readably, leaving out the default pooling', () => {
    expect(toHash(full)).toBe(
      '#/search?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine&q=elephant/image_0001.jpg',
    );
  });

  it('round-trips every field, including awkward characters', () => {
    const awkward: Selection = {
      dataset: 'my data & more',
      model: 'resnet50_v2_stage3',
      layer: '/Conv2d_0/conv/Conv_output_0',
      metric: 'minkowski',
      pooling: 'max',
      q: 'a b/c+d%e#f?g=h&i.jpg',
    };
    const back = parseHash(toHash(awkward));
    expect(back.path).toBe('/search');
    expect(back.params).toEqual(awkward);
  });

  it('omits empty values and parses a bare route', () => {
    expect(toHash({ ...full, q: '', layer: '' })).toBe('#/search?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&metric=cosine');
    expect(parseHash('#/search')).toEqual({ path: '/search', params: {} });
    expect(parseHash('')).toEqual({ path: '/', params: {} });
  });

  it('ignores unknown keys, bad escapes and invalid pooling', () => {
    const r = parseHash('#/search?dataset=x&evil=1&q=%E0%A4%A&pooling=flatten&metric=');
    expect(r.params).toEqual({ dataset: 'x' });
  });

  it('accepts + as a space (form encoding)', () => {
    expect(parseHash('#/search?q=a+b.jpg').params.q).toBe('a b.jpg');
  });
});

describe('query key', () => {
  it('changes with any search input and not otherwise', () => {
    const s = { ...EMPTY_STATE, ...full };
    expect(queryKey(s)).toBe(queryKey({ ...s }));
    expect(queryKey(s)).not.toBe(queryKey({ ...s, metric: 'euclidean' }));
    expect(queryKey(s)).not.toBe(queryKey({ ...s, pooling: 'max' }));
    const file = new File(['x'], 'me.jpg', { type: 'image/jpeg', lastModified: 1 });
    expect(queryKey({ ...s, upload: file })).toContain('upload:me.jpg');
  });

  it('is complete only with a dataset, model, layer, metric and a query', () => {
    expect(isComplete({ ...EMPTY_STATE, ...full })).toBe(true);
    expect(isComplete({ ...EMPTY_STATE, ...full, q: '' })).toBe(false);
    expect(isComplete({ ...EMPTY_STATE, ...full, q: '', upload: new File(['x'], 'u.png') })).toBe(true);
    expect(isComplete({ ...EMPTY_STATE, ...full, layer: '' })).toBe(false);
  });
});
