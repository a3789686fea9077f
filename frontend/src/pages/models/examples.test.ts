import { describe, expect, it } from 'vitest';
import { short } from './examples';

describe('activation values', () => {
  it('keeps three significant digits at most', () => {
    expect(short(2.719559907913208)).toBe('2.72');
    expect(short(58.52)).toBe('58.5');
    expect(short(103.4)).toBe('103');
    expect(short(6)).toBe('6.00');
    expect(short(undefined)).toBe('0.00');
  });
});
