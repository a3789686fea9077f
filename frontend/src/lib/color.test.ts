import { describe, expect, it } from 'vitest';
import {
  CATEGORICAL, SEQUENTIAL_STOPS, categoricalColor, hexToRgb, luminance, niceDomain, rgbToHex, sequentialColor, textOn, valueColor,
} from './color';

describe('sequential colour scale', () => {
  it('starts and ends at the first and last stop and clamps outside 0..1', () => {
    expect(sequentialColor(0)).toBe(SEQUENTIAL_STOPS[0]);
    expect(sequentialColor(1)).toBe(SEQUENTIAL_STOPS[SEQUENTIAL_STOPS.length - 1]);
    expect(sequentialColor(-3)).toBe(SEQUENTIAL_STOPS[0]);
    expect(sequentialColor(7)).toBe(SEQUENTIAL_STOPS[SEQUENTIAL_STOPS.length - 1]);
    expect(sequentialColor(Number.NaN)).toBe(SEQUENTIAL_STOPS[0]);
  });

  it('interpolates between two stops', () => {
    expect(sequentialColor(0.5, ['#000000', '#ffffff'])).toBe('#808080');
    expect(sequentialColor(0.25, ['#000000', '#ff0000', '#ffffff'])).toBe('#800000');
  });

  it('gets darker as the value grows (monotone in luminance)', () => {
    const l = Array.from({ length: 21 }, (_, i) => luminance(sequentialColor(i / 20)));
    for (let i = 1; i < l.length; i++) expect(l[i]!).toBeLessThan(l[i - 1]!);
  });

  it('maps values through a domain', () => {
    const d = { min: 0.2, max: 0.8 };
    expect(valueColor(0.2, d)).toBe(sequentialColor(0));
    expect(valueColor(0.8, d)).toBe(sequentialColor(1));
    expect(valueColor(0.5, d)).toBe(sequentialColor(0.5));
    expect(valueColor(0.5, { min: 0.5, max: 0.5 })).toBe(sequentialColor(0.5));
  });
});

describe('domains and contrast', () => {
  it('widens the range of the values to round steps', () => {
    expect(niceDomain([0.1972, 0.7691, 0.42])).toEqual({ min: 0.15, max: 0.8 });
    expect(niceDomain([0.2, 0.8])).toEqual({ min: 0.2, max: 0.8 });
    expect(niceDomain([0.5])).toEqual({ min: 0.475, max: 0.525 });
    expect(niceDomain([])).toEqual({ min: 0, max: 1 });
    expect(niceDomain([Number.NaN, 0.31, 0.33])).toEqual({ min: 0.3, max: 0.35 });
  });

  it('picks readable text on every colour of the scale', () => {
    expect(textOn('#ffffff')).toBe('#000000');
    expect(textOn('#1f2572')).toBe('#ffffff');
    for (let i = 0; i <= 10; i++) {
      const bg = sequentialColor(i / 10);
      const fg = textOn(bg);
      const [a, b] = [luminance(bg), luminance(fg)].sort((x, y) => y - x);
      expect((a! + 0.05) / (b! + 0.05)).toBeGreaterThanOrEqual(4.5);
    }
    for (let i = 0; i <= 255; i += 5) {
      const grey = `#${i.toString(16).padStart(2, '0').repeat(3)}`;
      const [a, b] = [luminance(grey), luminance(textOn(grey))].sort((x, y) => y - x);
      expect((a! + 0.05) / (b! + 0.05)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('converts hex colours both ways', () => {
    expect(hexToRgb('#4f5bd5')).toEqual([79, 91, 213]);
    expect(hexToRgb('#fff')).toEqual([255, 255, 255]);
    expect(rgbToHex([79, 91, 213])).toBe('#4f5bd5');
    expect(rgbToHex([300, -4, 12.6])).toBe('#ff000d');
  });
});

describe('categorical colours', () => {
  it('uses the palette first, then distinct generated colours', () => {
    expect(categoricalColor(0)).toBe(CATEGORICAL[0]);
    expect(categoricalColor(9)).toBe(CATEGORICAL[9]);
    const many = Array.from({ length: 200 }, (_, i) => categoricalColor(i));
    expect(many.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    expect(new Set(many).size).toBeGreaterThan(190);
  });
});
