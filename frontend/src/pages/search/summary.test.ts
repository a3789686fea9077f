import { describe, expect, it } from 'vitest';
import type { SearchResults } from '../../api/search';
import { mostFrequentLabel, summarise } from './summary';

function results(labels: string[], queryLabel?: string): SearchResults {
  return {
    collection: { dataset: 'caltech101-iconic200', model: 'mobilenet_v2_1.0_224', layer: 'global_pool', pooling: 'avg', dimension: 1280 },
    metric: 'cosine',
    query: queryLabel ? { id: `${queryLabel}/image_0001.jpg`, label: queryLabel } : { upload: 'me.jpg' },
    hits: labels.map((label, i) => ({ rank: i + 1, id: `${label}/${i}.jpg`, label, distance: 0.1 * i, similarity: 90 - i })),
    tookMs: 2.6,
  };
}

describe('results summary', () => {
  it('counts the hits sharing the query class', () => {
    const labels = [...Array(41).fill('elephant'), ...Array(9).fill('llama')];
    expect(summarise(results(labels, 'elephant'))).toBe(
      "50 most similar · 41 of 50 share the class 'elephant' · cosine on global_pool (1280-d) · 3 ms",
    );
  });

  it('names the most frequent class for an upload', () => {
    expect(summarise(results(['llama', 'elephant', 'elephant'])).split(' · ')[1]).toBe("2 of 3 are 'elephant'");
    expect(mostFrequentLabel([undefined, 'a', 'b', 'b'])).toEqual({ label: 'b', count: 2 });
    expect(mostFrequentLabel([])).toBeUndefined();
  });
});
