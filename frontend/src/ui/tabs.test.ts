import { describe, expect, it } from 'vitest';
import { nextTab } from './tabs';

describe('moving between tabs with the keyboard', () => {
  it('wraps the arrow keys around and jumps with Home and End', () => {
    const none = [false, false, false];
    expect(nextTab('ArrowRight', 2, none)).toBe(0);
    expect(nextTab('ArrowLeft', 0, none)).toBe(2);
    expect(nextTab('Home', 2, none)).toBe(0);
    expect(nextTab('End', 0, none)).toBe(2);
    expect(nextTab('Enter', 0, none)).toBe(-1);
  });

  it('skips disabled tabs', () => {
    expect(nextTab('ArrowRight', 0, [false, true, false])).toBe(2);
    expect(nextTab('End', 0, [false, false, true])).toBe(1);
    expect(nextTab('ArrowRight', 0, [false, true])).toBe(0);
  });
});
