import { describe, expect, it } from 'vitest';
import { check, cropFromDescription, DEFAULT_VALUES, idProblem, metadata, valuesFromModelJson, type FormValues } from './import-form';

const values = (patch: Partial<FormValues>): FormValues => ({ ...DEFAULT_VALUES, id: 'my_net', ...patch });

describe('checking the import form', () => {
  it('accepts the ImageNet defaults with an id', () => {
    expect(check(values({}))).toEqual({});
  });

  it('follows the catalog id rule and knows the taken ids', () => {
    expect(idProblem('mobilenet_v1_0.25_128-copy')).toBe('');
    expect(idProblem('')).toMatch(/id/);
    expect(idProblem('-x')).toMatch(/starting with a letter or digit/);
    expect(idProblem('Download')).toMatch(/reserved/);
    expect(idProblem('squeezenet1.1', ['squeezenet1.1'])).toMatch(/already/);
  });

  it('names each bad field', () => {
    const p = check(values({ id: 'a b', height: '0', width: '12.5', mean: ['1', '2', '300'], std: ['1', '0', '1'], cropFraction: '1.5', numClasses: '-1' }));
    expect(Object.keys(p).sort()).toEqual(['cropFraction', 'height', 'id', 'mean', 'numClasses', 'std', 'width']);
    expect(check(values({ mean: ['0.485', '0.456', '0.406'], std: ['0.229', '0.224', '0.225'] })).std).toMatch(/255/);
    expect(check(values({ numClasses: '0' })).labels).toMatch(/None/);
    expect(check(values({ labels: 'file' })).labels).toMatch(/\.txt/);
    expect(check(values({ labels: 'file' }), [], true)).toEqual({});
    expect(check(values({ resizeMode: 'stretch', cropFraction: 'x' }))).toEqual({});
  });
});

describe('the metadata part', () => {
  it('is the model.json form of the values', () => {
    expect(metadata(values({ height: '128', width: '160', layout: 'NHWC', channelOrder: 'BGR' }))).toEqual({
      name: 'my_net',
      input: { size: [128, 160], layout: 'NHWC', channel_order: 'BGR' },
      preprocessing: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], resize_mode: 'shorter-side-crop', crop_fraction: 0.875, interpolation: 'bilinear' },
      output: { num_classes: 1000, labels_file: 'imagenet_labels.txt' },
    });
  });

  it('writes the form over a picked model.json and keeps the rest', () => {
    const base = { name: 'x', family: 'MobileNet', input: { shape: ['batch', 3, 128, 128], name: 'input' }, preprocessing: { scale: 0.0078, crop_fraction: 0.9 }, output: { labels_file: '../imagenet_labels.txt', labels: ['a'] } };
    const m = metadata(values({ resizeMode: 'stretch', labels: 'none', numClasses: '0' }), base);
    expect(m).toEqual({
      name: 'my_net',
      family: 'MobileNet',
      input: { name: 'input', size: [224, 224], layout: 'NCHW', channel_order: 'RGB' },
      preprocessing: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], resize_mode: 'stretch', interpolation: 'bilinear' },
      output: { num_classes: 0 },
    });
    expect(base.input.shape).toHaveLength(4); // the picked model.json is not changed
  });
});

describe('a picked model.json', () => {
  it('fills the form like the catalog reads it (a shared model)', () => {
    // The parts of ../shared/models/mobilenet_v1_0.25_128/model.json that matter here.
    const json = {
      name: 'mobilenet_v1_0.25_128',
      file: 'model.onnx',
      input: { name: 'input', shape: ['batch', 3, 128, 128], dtype: 'float32', layout: 'NCHW', channel_order: 'RGB', size: [128, 128] },
      preprocessing: {
        resize: 'shorter side to size/0.875, centre crop size x size (used for the sanity check; TF-slim eval uses an 87.5% central crop + bilinear resize)',
        mean: [127.5, 127.5, 127.5],
        std: [127.5, 127.5, 127.5],
      },
      output: { name: 'logits', num_classes: 1000, labels_file: '../imagenet_labels.txt' },
    };
    const v = valuesFromModelJson(json, DEFAULT_VALUES);
    expect(v).toEqual({
      ...DEFAULT_VALUES,
      id: 'mobilenet_v1_0.25_128',
      height: '128',
      width: '128',
      mean: ['127.5', '127.5', '127.5'],
      std: ['127.5', '127.5', '127.5'],
      cropFraction: '0.875',
      interpolation: 'bilinear',
      numClasses: '1000',
      labels: 'imagenet',
    });
  });

  it('reads stretch, scale, NHWC shapes and feature extractors', () => {
    const v = valuesFromModelJson({ head: 'none (features)', input: { layout: 'nhwc', shape: [1, 299, 299, 3] }, preprocessing: { resize: 'whole image scaled to 299x299, no crop, lanczos', mean: 127.5, scale: 0.0078125 } }, DEFAULT_VALUES);
    expect([v.layout, v.height, v.width, v.resizeMode, v.interpolation, v.numClasses, v.labels, v.std[0], v.mean[2]]).toEqual(['NHWC', '299', '299', 'stretch', 'lanczos', '0', 'none', '128', '127.5']);
    expect(() => valuesFromModelJson([1, 2], DEFAULT_VALUES)).toThrow(/object/);
  });

  it('reads the crop from the words', () => {
    expect(cropFromDescription('shorter side to 256, centre crop 224', 224)).toBe(0.875);
    expect(cropFromDescription('shorter side to size/0.875, centre crop', 128)).toBe(0.875);
    expect(cropFromDescription('whatever', 224)).toBeUndefined();
  });
});
