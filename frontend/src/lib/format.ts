// Pure formatting of numbers, shapes and labels shown in the UI.

/** 3487816 → "3.5 M", 467336 → "467 K", 812 → "812", 1.2e9 → "1.2 B". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const scaled = (value: number, unit: string) =>
    `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${unit}`;
  if (abs >= 1e9) return scaled(n / 1e9, 'B');
  if (abs >= 1e6) return scaled(n / 1e6, 'M');
  if (abs >= 1e3) return `${Math.round(n / 1e3)} K`;
  return String(Math.round(n));
}

/** "3.5 M params" */
export function formatParams(n: number | undefined): string {
  return n === undefined ? 'unknown size' : `${formatCount(n)} params`;
}

/** Multiply-adds per image: 300774272 → "301 M multiply-adds", 0 → "0 multiply-adds". */
export function formatFlops(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? 'unknown' : `${formatCount(n)} multiply-adds`;
}

/** 13988512 → "13.3 MB", 1890237 → "1.8 MB", 812 → "812 B" (binary units, as file managers show). */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** 4000 → "4,000" (grouping independent of the browser's locale). */
export function formatInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An output shape without its batch dimension: [-1, 1280, 1, 1] → "1280×1×1", [-1, 1000] → "1000",
 * [] → "scalar". Unknown sizes (negative) after the batch show as "?".
 */
export function formatShape(shape: readonly number[] | undefined): string {
  if (!shape || shape.length === 0) return 'scalar';
  const dims = shape.length > 1 && (shape[0]! <= 0 || shape[0] === 1) ? shape.slice(1) : shape;
  return dims.map((d) => (d < 0 ? '?' : String(d))).join('×');
}

/** 71.5911 → "71.6%"; null/undefined/NaN → "–". */
export function formatPercent(similarity: number | null | undefined): string {
  if (similarity === null || similarity === undefined || !Number.isFinite(similarity)) return '–';
  return `${similarity.toFixed(1)}%`;
}

/** Width of a similarity bar in percent, clamped to 0..100. */
export function barWidth(similarity: number | null | undefined): number {
  if (similarity === null || similarity === undefined || !Number.isFinite(similarity)) return 0;
  return Math.min(100, Math.max(0, similarity));
}

/** 0.28408841 → "0.2841"; 1234.5678 → "1235"; null → "undefined". */
export function formatDistance(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return 'undefined';
  if (d === 0) return '0';
  return Math.abs(d) >= 1000 ? String(Math.round(d)) : Number(d.toPrecision(4)).toString();
}

/** 138.37 → "138 ms", 2.6 → "3 ms", 0.42 → "0.4 ms". */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return ms < 1 ? `${Math.max(ms, 0.1).toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** "caltech101-iconic200 · 200 images · 10 classes" */
export function datasetLabel(d: { id?: string; imageCount?: number; classes?: readonly string[] }): string {
  const parts = [d.id ?? '?'];
  if (d.imageCount !== undefined) parts.push(`${formatInt(d.imageCount)} ${d.imageCount === 1 ? 'image' : 'images'}`);
  if (d.classes) parts.push(`${formatInt(d.classes.length)} ${d.classes.length === 1 ? 'class' : 'classes'}`);
  return parts.join(' · ');
}

/** "mobilenet_v2_1.0_224 · 3.5 M params" */
export function modelLabel(m: { id?: string; parameters?: number }): string {
  return `${m.id ?? '?'} · ${formatParams(m.parameters)}`;
}

/** "global_pool · 1280×1×1 (embedding)" */
export function layerLabel(layer: { name?: string; outputShape?: readonly number[] }, embeddingLayer?: string): string {
  const base = `${layer.name ?? '?'} · ${formatShape(layer.outputShape)}`;
  return layer.name !== undefined && layer.name === embeddingLayer ? `${base} (embedding)` : base;
}

/** The class of an image id as the feature-service defines it: the first folder of its path. */
export function labelOfId(id: string): string | undefined {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}
