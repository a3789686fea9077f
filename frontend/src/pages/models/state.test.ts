import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE, layerHref, modelHref, modelsHash, parseModelsHash, readChannel } from './state';

describe('models routes', () => {
  it('reads the list, a model and a layer', () => {
    expect(parseModelsHash('#/models')).toEqual({ view: 'list' });
    expect(parseModelsHash('#/models/')).toEqual({ view: 'list' });
    expect(parseModelsHash('#/models/mobilenet_v2_1.0_224')).toEqual({ view: 'model', model: 'mobilenet_v2_1.0_224', tab: 'layers', table: DEFAULT_TABLE });
    expect(parseModelsHash('#/models/tiny_darknet/layers/conv1')).toEqual({ view: 'layer', model: 'tiny_darknet', layer: 'conv1' });
  });

  it('keeps slashes in layer names, escaped or not', () => {
    const name = '/Conv2d_0/conv/Conv_output_0';
    const hash = layerHref('mobilenet_v2_1.0_224', name);
    expect(hash).toBe('#/models/mobilenet_v2_1.0_224/layers/%2FConv2d_0%2Fconv%2FConv_output_0');
    expect(parseModelsHash(hash)).toEqual({ view: 'layer', model: 'mobilenet_v2_1.0_224', layer: name });
    expect(parseModelsHash('#/models/m/layers//Conv2d_0/conv/Conv_output_0')).toMatchObject({ layer: name });
  });

  it('round-trips the layer view state and drops what it cannot read', () => {
    const route = { view: 'layer', model: 'm', layer: 'Conv2d_5_pointwise', dataset: 'caltech101-iconic200', image: 'elephant/image_0001.jpg', channel: 7, examples: 'tinyimagenet200' } as const;
    const hash = modelsHash(route);
    expect(hash).toBe('#/models/m/layers/Conv2d_5_pointwise?dataset=caltech101-iconic200&image=elephant/image_0001.jpg&channel=7&examples=tinyimagenet200');
    expect(parseModelsHash(hash)).toEqual(route);
    expect(parseModelsHash('#/models/m/layers/x?channel=-3')).toEqual({ view: 'layer', model: 'm', layer: 'x' });
    expect(parseModelsHash('#/models/m/layers/x?channel=abc')).toEqual({ view: 'layer', model: 'm', layer: 'x' });
    expect(parseModelsHash('#/models/%E0%A4%A')).toEqual({ view: 'list' });
    // an upload kept in memory is named, a dataset image wins over it
    expect(modelsHash({ view: 'layer', model: 'm', layer: 'x', upload: true, channel: 3 })).toBe('#/models/m/layers/x?upload=1&channel=3');
    expect(parseModelsHash('#/models/m/layers/x?upload=1')).toEqual({ view: 'layer', model: 'm', layer: 'x', upload: true });
    expect(parseModelsHash('#/models/m/layers/x?upload=1&dataset=d&image=a/b.jpg')).toEqual({ view: 'layer', model: 'm', layer: 'x', dataset: 'd', image: 'a/b.jpg' });
  });

  it("keeps the drawing's steps when they are one of the choices and not the default", () => {
    expect(modelsHash({ view: 'layer', model: 'm', layer: 'x', channel: 3, steps: 32 })).toBe('#/models/m/layers/x?channel=3&steps=32');
    expect(parseModelsHash('#/models/m/layers/x?channel=3&steps=32')).toEqual({ view: 'layer', model: 'm', layer: 'x', channel: 3, steps: 32 });
    expect(modelsHash({ view: 'layer', model: 'm', layer: 'x', steps: 256 })).toBe('#/models/m/layers/x');
    expect(parseModelsHash('#/models/m/layers/x?steps=256')).toEqual({ view: 'layer', model: 'm', layer: 'x' });
    for (const bad of ['33', '0', '-32', '1e3', '99999', 'abc']) expect(parseModelsHash(`#/models/m/layers/x?steps=${bad}`)).toEqual({ view: 'layer', model: 'm', layer: 'x' });
    expect(layerHref('m', 'y', { dataset: 'd', image: 'a/b.jpg', steps: 64 })).toBe('#/models/m/layers/y?dataset=d&image=a/b.jpg&steps=64');
  });

  it('keeps a seed other than 0', () => {
    expect(modelsHash({ view: 'layer', model: 'm', layer: 'x', channel: 3, steps: 32, seed: 417 })).toBe('#/models/m/layers/x?channel=3&steps=32&seed=417');
    expect(parseModelsHash('#/models/m/layers/x?seed=417')).toEqual({ view: 'layer', model: 'm', layer: 'x', seed: 417 });
    expect(modelsHash({ view: 'layer', model: 'm', layer: 'x', seed: 0 })).toBe('#/models/m/layers/x');
    for (const bad of ['0', '-1', '1.5', '1e3', '1234567890', 'x']) expect(parseModelsHash(`#/models/m/layers/x?seed=${bad}`)).toEqual({ view: 'layer', model: 'm', layer: 'x' });
  });

  it('round-trips the table filters and leaves defaults out', () => {
    expect(modelHref('mobilenet_v2_1.0_224')).toBe('#/models/mobilenet_v2_1.0_224');
    const route = { view: 'model', model: 'm', tab: 'graph', table: { op: 'Conv', text: 'expanded conv', featuresOnly: true, constants: true, sort: 'parameters', direction: 'descending' } } as const;
    const hash = modelsHash(route);
    expect(hash).toBe('#/models/m?view=graph&op=Conv&q=expanded%20conv&features=1&constants=1&sort=parameters&order=desc');
    expect(parseModelsHash(hash)).toEqual(route);
    expect(parseModelsHash('#/models/m?sort=bogus&order=sideways&view=nope')).toEqual({ view: 'model', model: 'm', tab: 'layers', table: DEFAULT_TABLE });
  });

  it('reads a typed channel within the layer', () => {
    expect(readChannel(' 7 ', 63)).toBe(7);
    expect(readChannel('63', 63)).toBe(63);
    expect(readChannel('64', 63)).toBeUndefined();
    expect(readChannel('0', undefined)).toBe(0);
    for (const bad of ['', '-1', '1.5', 'x', '1e2', '1234567']) expect(readChannel(bad, 1000)).toBeUndefined();
  });
});
