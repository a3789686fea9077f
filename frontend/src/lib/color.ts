// Colour scales (pure): one sequential scale for values (heat maps, bars) and one categorical palette
// for things that have no order (models, classes).

type Rgb = readonly [number, number, number];

/**
 * The sequential scale: from a near-white tint of the accent to a deep indigo, monotone in lightness so
 * that a darker cell always means a higher value (also in greyscale).
 */
export const SEQUENTIAL_STOPS: readonly string[] = ['#f4f5fd', '#d5d9f7', '#aab2ee', '#7c87e2', '#4f5bd5', '#343db0', '#1f2572'];

/** A 10-colour categorical palette that reads on white (Tableau 10, slightly deepened). */
export const CATEGORICAL: readonly string[] = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f',
];

export function hexToRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgbToHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour at t in 0..1 (clamped; NaN counts as 0) along the stops, interpolated in RGB. */
export function sequentialColor(t: number, stops: readonly string[] = SEQUENTIAL_STOPS): string {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  if (stops.length === 1) return stops[0]!;
  const at = x * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const f = at - i;
  const a = hexToRgb(stops[i]!);
  const b = hexToRgb(stops[i + 1]!);
  return rgbToHex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
}

export interface Domain {
  min: number;
  max: number;
}

/**
 * The domain of a value scale: the values' range widened to multiples of step (0.05 by default), so
 * the legend shows round numbers; a single value gets a band of one step around it.
 */
export function niceDomain(values: readonly number[], step = 0.05): Domain {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  let min = Math.floor(Math.min(...finite) / step + 1e-9) * step;
  let max = Math.ceil(Math.max(...finite) / step - 1e-9) * step;
  if (max - min < step - 1e-9) {
    min = Math.max(0, min - step / 2);
    max = min + step;
  }
  return { min: round(min), max: round(max) };
}

/** Maps a value of the domain to its colour on the sequential scale. */
export function valueColor(value: number, domain: Domain): string {
  const span = domain.max - domain.min;
  return sequentialColor(span > 0 ? (value - domain.min) / span : 0.5);
}

/** WCAG relative luminance of a hex colour, 0 (black) .. 1 (white). */
export function luminance(hex: string): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = hexToRgb(hex);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Black or white text, whichever contrasts more with the background: at least 4.58:1 on any colour
 * (a softer dark grey would fall below 4.5:1 on mid tones).
 */
export function textOn(background: string): string {
  const l = luminance(background);
  return 1.05 / (l + 0.05) > (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

/** The i-th categorical colour: the palette first, then evenly spread hues (golden angle) for more. */
export function categoricalColor(i: number): string {
  if (i >= 0 && i < CATEGORICAL.length) return CATEGORICAL[i]!;
  const hue = Math.round((i * 137.508) % 360);
  const light = 38 + ((i * 7) % 3) * 8;
  return hslToHex(hue, 62, light);
}

export function hslToHex(h: number, s: number, l: number): string {
  const sat = s / 100;
  const lig = l / 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = sat * Math.min(lig, 1 - lig);
  const f = (n: number) => lig - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return rgbToHex([f(0) * 255, f(8) * 255, f(4) * 255]);
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
