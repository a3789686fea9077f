import { describe, expect, it } from 'vitest';
import { buildHash, parseRoute, splitList } from './hash';

describe('generic hash routes', () => {
  it('parses the path and the parameters', () => {
    const r = parseRoute('#/evaluation?dataset=a%20b&models=x,y&empty=&bad=%E0%A4%A');
    expect(r.path).toBe('/evaluation');
    expect([...r.params]).toEqual([['dataset', 'a b'], ['models', 'x,y']]);
    expect(parseRoute('').path).toBe('/');
    expect(parseRoute('#/map').params.size).toBe(0);
  });

  it('builds hashes in order, leaving out empty values and keeping / and , readable', () => {
    expect(buildHash('/map', [['dataset', 'd'], ['layer', '/Conv/out'], ['method', undefined], ['x', '']])).toBe('#/map?dataset=d&layer=/Conv/out');
    expect(buildHash('/evaluation', [['models', 'a,b'], ['q', 'a&b=c']])).toBe('#/evaluation?models=a,b&q=a%26b%3Dc');
    expect(buildHash('/duplicates', [])).toBe('#/duplicates');
  });

  it('splits lists', () => {
    expect(splitList(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});
