import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../api/features';
import type { Collection } from '../../api/search';
import { findImported, importedCollections, importedKey, importedLabel, importedOf, importedRejections, importedTarget, type ImportedCollection } from './imported';
import { EMPTY_STATE, parseHash, toHash } from '../search/state';

const datasets: Dataset[] = [{ id: 'caltech101-iconic200' }, { id: 'my-photos' }];

const stored: Collection[] = [
  // built from a dataset of the feature-service
  { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'avg', size: 200, dimension: 1280, datasetVersion: '3f2a' },
  // imported under a name the feature-service also has: its images exist, it is not "imported vectors"
  { dataset: 'my-photos', model: 'clip-vit-b32', layer: 'embedding', pooling: 'avg', size: 40, dimension: 512, datasetVersion: 'import:2026-12-01T10:00:00Z' },
  { dataset: 'catalogue-demo', model: 'my-embedder', layer: 'embedding', pooling: 'max', size: 1234, dimension: 256, datasetVersion: 'import:2026-12-02T10:00:00Z' },
  { dataset: 'catalogue-demo', model: 'my-embedder', layer: 'embedding', pooling: 'avg', size: 1234, dimension: 256, datasetVersion: 'import:2026-12-02T11:00:00Z' },
  { dataset: 'catalogue-demo', model: 'another', layer: 'out', size: 10, dimension: 8, datasetVersion: 'import:2026-12-03T00:00:00Z' },
  { dataset: 'a catalogue & more', model: 'm/1', layer: '/block 2/out', pooling: 'avg', size: 3, dimension: 4, datasetVersion: 'import:x' },
  // pooled as 'flatten': the page's state cannot name it
  { dataset: 'flat-demo', model: 'm', layer: 'l', pooling: 'flatten', size: 5, dimension: 9, datasetVersion: 'import:y' },
  // built from a dataset the feature-service no longer has: the search-service drops it when queried
  { dataset: 'gone-dataset', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'avg', size: 9, dimension: 1280, datasetVersion: '77aa' },
  // incomplete entries are skipped rather than offered with empty names
  { model: 'x', layer: 'y', datasetVersion: 'import:z' },
];

const list = importedCollections(stored, datasets);

describe('which collections count as imported', () => {
  it('keeps the imported collections of datasets the feature-service does not know, sorted', () => {
    expect(list.map((c) => [c.dataset, c.model, c.layer, c.pooling])).toEqual([
      ['a catalogue & more', 'm/1', '/block 2/out', 'avg'],
      ['catalogue-demo', 'another', 'out', 'avg'],
      ['catalogue-demo', 'my-embedder', 'embedding', 'avg'],
      ['catalogue-demo', 'my-embedder', 'embedding', 'max'],
    ]);
  });

  it('reads a missing pooling as avg and carries size and dimension', () => {
    expect(list.find((c) => c.model === 'another')).toEqual({ dataset: 'catalogue-demo', model: 'another', layer: 'out', pooling: 'avg', size: 10, dimension: 8 });
  });

  it('treats a dataset as imported only while the feature-service does not list it', () => {
    const withDemo = importedCollections(stored, [...datasets, { id: 'catalogue-demo' }]);
    expect(withDemo.map((c) => c.dataset)).toEqual(['a catalogue & more']);
    // without any dataset of the feature-service, a built collection still is not offered as imported
    expect(importedCollections(stored, []).map((c) => c.dataset)).not.toContain('gone-dataset');
    expect(importedCollections(stored, []).map((c) => c.dataset)).toContain('my-photos');
  });

  it('labels each with its names, pooling when not avg, and size', () => {
    expect(list.map(importedLabel)).toEqual([
      'a catalogue & more · m/1 · /block 2/out (3 vectors)',
      'catalogue-demo · another · out (10 vectors)',
      'catalogue-demo · my-embedder · embedding (1,234 vectors)',
      'catalogue-demo · my-embedder · embedding · max (1,234 vectors)',
    ]);
  });

  it('gives every collection its own key', () => {
    expect(new Set(list.map(importedKey)).size).toBe(list.length);
  });
});

describe('finding the collection a selection names', () => {
  it('narrows by model, layer and pooling, ignoring what no collection of the dataset has', () => {
    expect(findImported(list, { dataset: 'catalogue-demo' })?.model).toBe('another');
    expect(findImported(list, { dataset: 'catalogue-demo', model: 'my-embedder' })?.pooling).toBe('avg');
    expect(findImported(list, { dataset: 'catalogue-demo', model: 'my-embedder', pooling: 'max' })?.pooling).toBe('max');
    // an unknown layer does not lose the model that was found
    const c = findImported(list, { dataset: 'catalogue-demo', model: 'my-embedder', layer: 'nope', pooling: 'max' });
    expect([c?.model, c?.layer, c?.pooling]).toEqual(['my-embedder', 'embedding', 'max']);
  });

  it('finds nothing for a dataset with no imported collection, or none named', () => {
    expect(findImported(list, { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224' })).toBeUndefined();
    expect(findImported(list, { dataset: 'gone-dataset' })).toBeUndefined();
    expect(findImported(list, {})).toBeUndefined();
  });

  it('says which values of a link were replaced by the collection', () => {
    const c = findImported(list, { dataset: 'catalogue-demo', model: 'my-embedder', layer: 'nope', pooling: 'max' })!;
    expect(importedRejections(c, { model: 'my-embedder', layer: 'nope', pooling: 'max' })).toEqual([
      "unknown layer 'nope' of imported dataset 'catalogue-demo' in the link; showing 'embedding' instead",
    ]);
    expect(importedRejections(c, {})).toEqual([]);
  });
});

describe('URL state of an imported collection', () => {
  const selection = (c: ImportedCollection, q: string) => ({ ...EMPTY_STATE, dataset: c.dataset, model: c.model, layer: c.layer, pooling: c.pooling, metric: 'cosine', q });

  it('round-trips every imported collection and its query through the hash', () => {
    for (const c of list) {
      const s = selection(c, 'item #1/a b.npy');
      const back = parseHash(toHash(s));
      expect(back.path).toBe('/search');
      expect(findImported(list, back.params)).toEqual(c);
      expect(back.params.q).toBe('item #1/a b.npy');
      expect(back.params.metric).toBe('cosine');
    }
  });

  it('opens the link of the issue', () => {
    const { params } = parseHash('#/search?dataset=catalogue-demo&model=my-embedder&layer=embedding');
    const c = findImported(list, params)!;
    expect(importedKey(c)).toBe(importedKey({ dataset: 'catalogue-demo', model: 'my-embedder', layer: 'embedding', pooling: 'avg' }));
    expect(importedRejections(c, params)).toEqual([]);
  });
});

describe('the collection a page is on, and the one a change leads to', () => {
  const on = { dataset: 'catalogue-demo', model: 'my-embedder', layer: 'embedding', pooling: 'max' as const };

  it('finds the collection of a choice only by all four names', () => {
    expect(importedOf(list, on)?.size).toBe(1234);
    expect(importedOf(list, { ...on, pooling: 'avg' })?.pooling).toBe('avg');
    expect(importedOf(list, { ...on, layer: 'other' })).toBeUndefined();
    expect(importedOf(list, { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'avg' })).toBeUndefined();
  });

  it('keeps the current model, layer and pooling while the dataset stays', () => {
    expect(importedTarget(list, {}, on)).toEqual(importedOf(list, on));
    expect(importedTarget(list, { dataset: 'catalogue-demo' }, on)).toEqual(importedOf(list, on));
  });

  it('starts another dataset from its own first collection, whatever the current names', () => {
    expect(importedTarget(list, { dataset: 'a catalogue & more' }, on)?.model).toBe('m/1');
    const fromCaltech = { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'avg' as const };
    expect(importedTarget(list, { dataset: 'catalogue-demo' }, fromCaltech)?.model).toBe('another');
  });

  it('leads nowhere for a dataset of the feature-service', () => {
    expect(importedTarget(list, { dataset: 'caltech101-iconic200' }, on)).toBeUndefined();
    expect(importedTarget(list, {}, { dataset: '', model: '', layer: '', pooling: 'avg' })).toBeUndefined();
  });
});
