import { describe, expect, it } from 'vitest';
import {
  barWidth, datasetLabel, formatBytes, formatCount, formatDistance, formatFlops, formatInt, formatMs, formatParams, formatPercent,
  formatShape, labelOfId, layerLabel, modelLabel,
} from './format';

describe('parameter counts', () => {
  it('uses K, M and B with one decimal below 100', () => {
    expect(formatParams(3_487_816)).toBe('3.5 M params');
    expect(formatParams(10_653_472)).toBe('10.7 M params');
    expect(formatParams(1_039_912)).toBe('1.0 M params');
    expect(formatParams(467_336)).toBe('467 K params');
    expect(formatParams(138_357_544)).toBe('138 M params');
    expect(formatCount(812)).toBe('812');
    expect(formatCount(1_200_000_000)).toBe('1.2 B');
    expect(formatParams(undefined)).toBe('unknown size');
  });

  it('names multiply-adds and file sizes', () => {
    expect(formatFlops(300_774_272)).toBe('301 M multiply-adds');
    expect(formatFlops(13_570_048)).toBe('13.6 M multiply-adds');
    expect(formatFlops(5_000_233_568)).toBe('5.0 B multiply-adds');
    expect(formatFlops(0)).toBe('0 multiply-adds');
    expect(formatFlops(undefined)).toBe('unknown');
    expect(formatBytes(13_988_512)).toBe('13.3 MB');
    expect(formatBytes(1_890_237)).toBe('1.8 MB');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(undefined)).toBe('–');
  });

  it('groups integers independently of the locale', () => {
    expect(formatInt(4000)).toBe('4,000');
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(12)).toBe('12');
  });
});

describe('shapes', () => {
  it('drops the batch dimension', () => {
    expect(formatShape([-1, 1280, 1, 1])).toBe('1280×1×1');
    expect(formatShape([-1, 32, 112, 112])).toBe('32×112×112');
    expect(formatShape([-1, 1000])).toBe('1000');
    expect(formatShape([1, 64, 56, 56])).toBe('64×56×56');
  });

  it('shows scalars and unknown sizes', () => {
    expect(formatShape([])).toBe('scalar');
    expect(formatShape(undefined)).toBe('scalar');
    expect(formatShape([-1, 64, -1, -1])).toBe('64×?×?');
    expect(formatShape([1000])).toBe('1000');
  });
});

describe('labels of the selectors', () => {
  it('names datasets, models and layers', () => {
    expect(datasetLabel({ id: 'caltech101-iconic200', imageCount: 200, classes: Array(10).fill('c') })).toBe(
      'caltech101-iconic200 · 200 images · 10 classes',
    );
    expect(datasetLabel({ id: 'tiny', imageCount: 4000, classes: ['a'] })).toBe('tiny · 4,000 images · 1 class');
    expect(modelLabel({ id: 'mobilenet_v2_1.0_224', parameters: 3_487_816 })).toBe('mobilenet_v2_1.0_224 · 3.5 M params');
    expect(layerLabel({ name: 'global_pool', outputShape: [-1, 1280, 1, 1] }, 'global_pool')).toBe('global_pool · 1280×1×1 (embedding)');
    expect(layerLabel({ name: 'Conv2d_0', outputShape: [-1, 32, 112, 112] }, 'global_pool')).toBe('Conv2d_0 · 32×112×112');
  });

  it('takes the class of an id from its first folder', () => {
    expect(labelOfId('elephant/image_0001.jpg')).toBe('elephant');
    expect(labelOfId('loose.jpg')).toBeUndefined();
    expect(labelOfId('/abs.jpg')).toBeUndefined();
  });
});

describe('similarities, distances and times', () => {
  it('formats percentages and bar widths', () => {
    expect(formatPercent(71.5911587712009)).toBe('71.6%');
    expect(formatPercent(100)).toBe('100.0%');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(Number.NaN)).toBe('–');
    expect(barWidth(71.59)).toBe(71.59);
    expect(barWidth(-3)).toBe(0);
    expect(barWidth(140)).toBe(100);
    expect(barWidth(null)).toBe(0);
  });

  it('formats distances and milliseconds', () => {
    expect(formatDistance(0.2840884122879911)).toBe('0.2841');
    expect(formatDistance(1234.567)).toBe('1235');
    expect(formatDistance(0)).toBe('0');
    expect(formatDistance(null)).toBe('undefined');
    expect(formatMs(138.37)).toBe('138 ms');
    expect(formatMs(2.6)).toBe('3 ms');
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(0)).toBe('0.1 ms');
    expect(formatMs(undefined)).toBe('');
  });
});
