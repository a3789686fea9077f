import { describe, expect, it } from 'vitest';
import { wrapFocus } from './dialog';

describe('focus inside a dialog', () => {
  it('wraps Tab and Shift+Tab around the focusable elements', () => {
    expect(wrapFocus(0, 3, false)).toBe(1);
    expect(wrapFocus(2, 3, false)).toBe(0);
    expect(wrapFocus(0, 3, true)).toBe(2);
    expect(wrapFocus(1, 3, true)).toBe(0);
  });

  it('pulls focus back in from outside, and has nowhere to go without elements', () => {
    expect(wrapFocus(-1, 3, false)).toBe(0);
    expect(wrapFocus(-1, 3, true)).toBe(2);
    expect(wrapFocus(0, 0, false)).toBe(-1);
  });
});
