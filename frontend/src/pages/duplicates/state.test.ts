import { describe, expect, it } from 'vitest';
import { duplicatesHash, formatThreshold, parseDuplicatesHash, parseThreshold, sliderRange, thresholdTooHigh } from './state';
import { csvUrl, exportFileName, groupClasses, groupLabels, pairDistances, pairsShown, summaryText } from './summary';

const c = { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', metric: 'cosine', pooling: 'avg' as const };

describe('threshold input', () => {
  it('accepts finite distances ≥ 0 in the usual spellings', () => {
    expect(parseThreshold('0.12')).toEqual({ ok: true, value: 0.12 });
    expect(parseThreshold(' .5 ')).toEqual({ ok: true, value: 0.5 });
    expect(parseThreshold('1e-2')).toEqual({ ok: true, value: 0.01 });
    expect(parseThreshold('0,25')).toEqual({ ok: true, value: 0.25 });
    expect(parseThreshold('3')).toEqual({ ok: true, value: 3 });
    expect(parseThreshold('0')).toEqual({ ok: true, value: 0 });
  });

  it('rejects the rest with a message', () => {
    expect(parseThreshold('')).toEqual({ ok: false, message: 'enter a distance threshold' });
    expect(parseThreshold('-0.1')).toMatchObject({ ok: false, message: "'-0.1' is not a number; enter a distance ≥ 0" });
    expect(parseThreshold('abc').ok).toBe(false);
    expect(parseThreshold('0.1.2').ok).toBe(false);
    expect(parseThreshold('Infinity').ok).toBe(false);
    expect(parseThreshold('1e999')).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) });
    expect(parseThreshold(null).ok).toBe(false);
  });

  it('never lets the slider go beyond the largest threshold the service accepts', () => {
    // A threshold of 0.5 would want a slider to 1; the collection's median distance 0.5324 is the most.
    expect(sliderRange(0.5324256587018528, 0.5, 0.5324256587018528)).toEqual({ max: 0.5324256587018528, step: 0.0011 });
    // Rounding must not lift the end above it either (0.5364 would round to 0.54).
    expect(sliderRange(1.0728, 0.5364, 0.5364).max).toBe(0.5364);
    // Below it, the usual rounded end stays.
    expect(sliderRange(0.6916, 0.1037, 0.6916)).toEqual({ max: 0.35, step: 0.0007 });
    const { max, step } = sliderRange(0.5324256587018528, 0.5, 0.5324256587018528);
    expect(Math.floor(max / step) * step).toBeLessThanOrEqual(0.5324256587018528);
  });

  it('refuses a typed threshold above the maximum before asking, naming it', () => {
    expect(thresholdTooHigh(0.6, 0.5324256587018528, 'cosine')).toBe('at most 0.5324: the median cosine distance of two images here (a pair as far apart as a typical pair is no near-duplicate)');
    expect(thresholdTooHigh(0.5324256587018528, 0.5324256587018528)).toBeUndefined();
    expect(thresholdTooHigh(0.2, 0.5324256587018528)).toBeUndefined();
    expect(thresholdTooHigh(5, undefined)).toBeUndefined();
  });

  it('sizes the slider from the typical distance, wide enough for the threshold', () => {
    expect(sliderRange(0.6916, 0.1037)).toEqual({ max: 0.35, step: 0.0007 });
    expect(sliderRange(0.6916, 0.5)).toEqual({ max: 1, step: 0.002 });
    expect(sliderRange(undefined, undefined)).toEqual({ max: 1, step: 0.002 });
    expect(formatThreshold(0.10373655283869553)).toBe('0.1037');
    expect(formatThreshold(2)).toBe('2');
  });
});

describe('duplicates hash', () => {
  it('names the threshold only when one was chosen', () => {
    expect(duplicatesHash(c, undefined)).toBe('#/duplicates?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine');
    const hash = duplicatesHash(c, 0.2);
    expect(hash).toBe('#/duplicates?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine&threshold=0.2');
    const { pooling: _avg, ...named } = c; // avg is the default: not in the hash
    expect(parseDuplicatesHash(hash)).toEqual({ collection: named, threshold: 0.2 });
    expect(parseDuplicatesHash('#/duplicates?threshold=-1')).toEqual({ collection: {} });
  });
});

describe('what the scan found', () => {
  const d = {
    scanned: 204,
    pairs: [{ a: 'x/1.jpg', b: 'x/2.jpg', distance: 0.05 }, { a: 'x/3.jpg', b: 'x/2.jpg', distance: 0.07 }],
    groups: [['x/1.jpg', 'x/2.jpg', 'x/3.jpg'], ['y/a.jpg', 'z/b.jpg']],
  };

  it('counts groups, images and the scanned collection', () => {
    expect(summaryText(d)).toBe('2 groups, 5 images, scanned 204');
    expect(summaryText({ groups: [['a', 'b']], scanned: 1 })).toBe('1 group, 2 images, scanned 1');
    expect(summaryText({})).toBe('0 groups, 0 images, scanned 0');
    expect(summaryText({ groups: [['item-7', 'item-52']], scanned: 60 }, 'item')).toBe('1 group, 2 items, scanned 60');
    // All pairs listed: nothing more to say.
    expect(summaryText({ ...d, total: 2, truncated: false })).toBe('2 groups, 5 images, scanned 204');
  });

  it('says how many pairs are shown when only the closest are listed', () => {
    const many = { scanned: 4000, groups: [['a', 'b', 'c']], pairs: Array.from({ length: 10000 }, (_, i) => ({ a: 'a', b: `x${i}`, distance: 0.1 })), total: 48210, truncated: true };
    expect(pairsShown(many)).toBe('10,000 of 48,210 pairs shown');
    expect(summaryText(many)).toBe('1 group, 3 images, scanned 4,000 · 10,000 of 48,210 pairs shown');
    expect(pairsShown({ pairs: [], total: 1 })).toBe('0 of 1 pair shown');
    // A total below what is listed (an older service) never reads as fewer than shown.
    expect(pairsShown({ pairs: d.pairs })).toBe('2 of 2 pairs shown');
  });

  it('says "at least" when images of a large collection hit the neighbour cap', () => {
    const capped = { ...d, total: 2, truncated: false, neighbourCap: 50, imagesAtCap: 120 };
    expect(summaryText(capped)).toBe('2 groups, 5 images, scanned 204 · at least 2 pairs');
    expect(summaryText({ ...capped, imagesAtCap: 0 })).toBe('2 groups, 5 images, scanned 204');
    const many = { scanned: 4000, groups: [['a', 'b', 'c']], pairs: Array.from({ length: 3 }, (_, i) => ({ a: 'a', b: `x${i}`, distance: 0.1 })), total: 48210, truncated: true, imagesAtCap: 1 };
    expect(pairsShown(many)).toBe('3 of at least 48,210 pairs shown');
    expect(summaryText(many)).toBe('1 group, 3 images, scanned 4,000 · 3 of at least 48,210 pairs shown');
  });

  it('looks up pair distances in either order', () => {
    const distance = pairDistances(d.pairs);
    expect(distance('x/2.jpg', 'x/1.jpg')).toBe(0.05);
    expect(distance('x/2.jpg', 'x/3.jpg')).toBe(0.07);
    expect(distance('x/1.jpg', 'x/3.jpg')).toBeUndefined(); // linked only through x/2
  });

  it('names the classes of a group, most frequent first', () => {
    const label = (id: string) => id.split('/')[0];
    expect(groupClasses(['k/1', 'k/2', 's/3'], label)).toBe('k, s');
    expect(groupClasses(['b/1', 'a/2'], label)).toBe('a, b');
    expect(groupClasses(['loose.jpg'], () => undefined)).toBe('unlabeled');
  });

  it('labels grouped images by the service\'s labels, else by the class their id names', () => {
    // an imported collection: ids that name no class, labels from the answer
    const imported = groupLabels({ 'item-007': 'beta', 'item-041': 'beta', 'item-3': 'alpha' });
    expect(['item-007', 'item-041', 'item-9'].map(imported)).toEqual(['beta', 'beta', undefined]);
    expect(groupClasses(['item-007', 'item-041', 'item-3'], imported)).toBe('beta, alpha');
    // the service's label wins over the id's folder; an answer without labels falls back to the folder
    expect(groupLabels({ 'a/1.jpg': 'b' })('a/1.jpg')).toBe('b');
    expect(groupLabels(undefined)('ketch/image_0001.jpg')).toBe('ketch');
    expect(groupLabels({})('loose.jpg')).toBeUndefined();
  });

  it('links the CSV export and names both exports', () => {
    expect(csvUrl(c, undefined)).toBe('/api/search/duplicates?dataset=caltech101-iconic200&model=mobilenet_v2_1.0_224&layer=global_pool&metric=cosine&pooling=avg&format=csv');
    expect(csvUrl({ ...c, dataset: 'my data' }, 0.2)).toContain('dataset=my%20data&');
    expect(csvUrl(c, 0.2)).toContain('&threshold=0.2&format=csv');
    expect(exportFileName(c, 0.10373655283869553, 'json')).toBe('duplicates_caltech101-iconic200_mobilenet_v2_1.0_224_global_pool_cosine_t0.1037.json');
    expect(exportFileName({ ...c, pooling: 'max' }, 0.5, 'csv')).toBe('duplicates_caltech101-iconic200_mobilenet_v2_1.0_224_global_pool_cosine_max_t0.5.csv');
  });
});
