// The Duplicates page's URL hash: #/duplicates?dataset=…&model=…&layer=…&metric=…[&pooling=max][&threshold=0.12]
// (no threshold: the service's default for the metric).
import { buildHash, parseRoute } from '../../lib/hash';
import type { CollectionChoice } from '../search/controls';
import { choiceEntries, parseChoice } from '../common/route';

export const DUPLICATES_ROUTE = '/duplicates';

export interface DuplicatesLink {
  collection: Partial<CollectionChoice>;
  threshold?: number;
}

export type ThresholdParse = { ok: true; value: number } | { ok: false; message: string };

/**
 * A threshold typed by a person or read from a link: a finite distance ≥ 0 ("0.12", " .5 ", "1e-2",
 * "0,12" with a decimal comma).
 */
export function parseThreshold(text: string | undefined | null): ThresholdParse {
  const t = (text ?? '').trim().replace(/^(\d*),(\d+)$/, '$1.$2');
  if (t === '') return { ok: false, message: 'enter a distance threshold' };
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { ok: false, message: `'${(text ?? '').trim()}' is not a number; enter a distance ≥ 0` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: `'${t}' is too large; enter a finite distance` };
  return { ok: true, value };
}

/**
 * The slider's range for a collection: 0 up to half its typical (median) pair distance, or twice the threshold,
 * and never beyond the largest threshold the service accepts (maxThreshold, the median distance itself).
 */
export function sliderRange(typical: number | undefined, threshold: number | undefined, maxThreshold?: number): { max: number; step: number } {
  const candidates = [typical !== undefined && typical > 0 ? typical / 2 : 0, threshold !== undefined && threshold > 0 ? threshold * 2 : 0];
  const wanted = Math.max(...candidates) || 1;
  const nice = Number(wanted.toPrecision(2));
  const max = maxThreshold !== undefined && maxThreshold > 0 && nice > maxThreshold ? maxThreshold : nice;
  return { max, step: Number((max / 500).toPrecision(2)) };
}

/** A threshold the service would refuse: above the collection's maxThreshold (a message), else undefined. */
export function thresholdTooHigh(value: number, maxThreshold: number | undefined, metric?: string): string | undefined {
  if (maxThreshold === undefined || !(value > maxThreshold)) return undefined;
  return `at most ${formatThreshold(maxThreshold)}: the median ${metric ? `${metric} ` : ''}distance of two images here (a pair as far apart as a typical pair is no near-duplicate)`;
}

/** A threshold as people read it: 4 significant digits. */
export function formatThreshold(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

export function parseDuplicatesHash(hash: string): DuplicatesLink {
  const { params } = parseRoute(hash);
  const link: DuplicatesLink = { collection: parseChoice(params) };
  const t = parseThreshold(params.get('threshold'));
  if (params.has('threshold') && t.ok) link.threshold = t.value;
  return link;
}

export function duplicatesHash(c: Partial<CollectionChoice>, threshold: number | undefined): string {
  return buildHash(DUPLICATES_ROUTE, [...choiceEntries(c), ['threshold', threshold === undefined ? undefined : String(threshold)]]);
}
