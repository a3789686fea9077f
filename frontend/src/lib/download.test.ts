import { describe, expect, it } from 'vitest';
import { exportName, slug, thresholdPart } from './download';

describe('export file names', () => {
  it('keeps ids readable and makes them safe', () => {
    expect(slug('mobilenet_v2_1.0_224')).toBe('mobilenet_v2_1.0_224');
    expect(slug('/Conv 2d:0/out')).toBe('Conv-2d-0-out');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('café')).toBe('cafe');
  });

  it('joins the kind and the non-empty parts', () => {
    expect(exportName('duplicates', ['caltech101-iconic200', 'mobilenet_v2_1.0_224', 'global_pool', 'cosine', undefined, thresholdPart(0.10373655283869553)], 'json')).toBe(
      'duplicates_caltech101-iconic200_mobilenet_v2_1.0_224_global_pool_cosine_t0.1037.json',
    );
    expect(exportName('duplicates', ['', '///'], '.csv')).toBe('duplicates.csv');
    expect(exportName('', [], 'csv')).toBe('export.csv');
  });

  it('writes thresholds with 4 significant digits', () => {
    expect(thresholdPart(0.25)).toBe('t0.25');
    expect(thresholdPart(12.3456)).toBe('t12.35');
    expect(thresholdPart(undefined)).toBeUndefined();
    expect(thresholdPart(Number.NaN)).toBeUndefined();
  });
});
