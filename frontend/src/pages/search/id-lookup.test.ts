import { describe, expect, it } from 'vitest';
import { idVerdict, typedId } from './id-lookup';

describe('the id box', () => {
  it('looks up the trimmed text, nothing for blanks', () => {
    expect(typedId('  item-007 ')).toBe('item-007');
    expect(typedId('elephant/image_0001.jpg')).toBe('elephant/image_0001.jpg');
    expect(typedId('   ')).toBeUndefined();
    expect(typedId('')).toBeUndefined();
  });

  it('reads a stored vector as the item found, with its label', () => {
    expect(idVerdict('item-007', 200, { id: 'item-007', label: 'beta', vector: [1, 2] }, "imported dataset 'demo'")).toEqual({ kind: 'found', id: 'item-007', label: 'beta' });
    expect(idVerdict('x', 200, { id: 'x', label: '' }, 'd')).toEqual({ kind: 'found', id: 'x', label: undefined });
  });

  it('names an unknown id and where it was looked for', () => {
    const problem = { status: 404, title: 'Unknown image', detail: "unknown image 'nope-1' in collection demo/m/l/avg; expected one of [item-000]", parameter: 'image', value: 'nope-1' };
    const v = idVerdict('nope-1', 404, problem, "imported dataset 'demo'");
    expect(v.kind).toBe('unknown');
    expect(v.kind === 'unknown' && v.message).toBe("no item 'nope-1' in imported dataset 'demo'; check the id (ids are case-sensitive)");
  });

  it('leaves an id of a collection not stored yet to the search', () => {
    const problem = { status: 404, detail: "unknown collection 'c/m/l/avg'", parameter: 'collection' };
    expect(idVerdict('elephant/image_0001.jpg', 404, problem, "dataset 'c'")).toEqual({ kind: 'unchecked', id: 'elephant/image_0001.jpg' });
  });

  it('reports any other answer with the service\'s words', () => {
    const v = idVerdict('a', 503, { status: 503, detail: 'the search-service is unavailable at http://localhost:8083 (connection refused)' }, 'd');
    expect(v).toEqual({ kind: 'failed', id: 'a', message: "'a' could not be looked up: the search-service is unavailable at http://localhost:8083 (connection refused)" });
  });
});
