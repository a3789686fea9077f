// What the catalog says about a model, put into words for the list and the model page (pure):
// licence, provenance, preprocessing, complexity scale, and which convolution a layer's filters are.
import type { Layer, Model } from '../../api/catalog';
import { CONSTANT_OP } from './layers';

type Preprocessing = NonNullable<Model['preprocessing']>;

const SPDX = /\b(Apache-2\.0|MIT|BSD-[23]-Clause|CC-BY(?:-SA)?-\d\.\d|CC0-1\.0|GPL-[23]\.0|Unlicense|public domain)\b/i;

/** "Apache-2.0 (google-coral/test_data LICENSE; …)" → "Apache-2.0"; the text itself when no known licence leads it. */
export function shortLicence(text: string | undefined): string {
  if (!text) return 'unknown';
  const match = SPDX.exec(text);
  if (match) return match[1]!;
  const first = text.split(/[;(.]/)[0]!.trim();
  return first.length > 24 ? `${first.slice(0, 23)}…` : first;
}

export interface Provenance {
  /** "google-coral/test_data" */
  repository: string;
  /** A link to the repository (at the commit when the commit is plainly one of that repository). */
  url?: string;
  commit?: string;
  /** The first 7 hex digits. */
  shortCommit?: string;
  /** The full texts when they say more than the repository and commit (forks, deploy branches). */
  detail?: string;
}

/** The catalog's free-text source (`github:owner/name (…)`, a commit with remarks) as a short line and a link. */
export function provenance(source: Record<string, unknown> | undefined): Provenance | undefined {
  const repoText = typeof source?.repository === 'string' ? source.repository.trim() : '';
  if (!repoText) return undefined;
  const commitText = typeof source?.commit === 'string' ? source.commit.trim() : '';
  const github = /^github:([\w.-]+\/[\w.-]+)/.exec(repoText);
  const repository = github ? github[1]! : repoText.split(/\s/)[0]!;
  const sha = /\b[0-9a-f]{40}\b/i.exec(commitText)?.[0];
  const plain = github !== null && repoText === `github:${repository}` && (!commitText || commitText === sha);
  const out: Provenance = { repository };
  if (github) out.url = plain && sha ? `https://github.com/${repository}/tree/${sha}` : `https://github.com/${repository}`;
  if (sha) {
    out.commit = sha;
    out.shortCommit = sha.slice(0, 7);
  }
  if (!plain) out.detail = [repoText, commitText].filter(Boolean).join(' · commit ');
  return out;
}

/** Number formatting for mean/std: 127.5 → "127.5", 123.675 → "123.675", 0.485 → "0.485". */
function num(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** "127.5 (every channel)" or "R 123.675 · G 116.28 · B 103.53". */
export function perChannel(values: readonly number[] | undefined, order = 'RGB'): string {
  if (!values || values.length === 0) return '–';
  if (values.every((v) => v === values[0])) return `${num(values[0]!)} (every channel)`;
  return values.map((v, i) => `${order[i] ?? `#${i}`} ${num(v)}`).join(' · ');
}

/** How the image is resized and cropped, in words. */
export function resizeRule(p: Preprocessing): string {
  const [h, w] = p.inputSize ?? [];
  const size = h && w ? `${h}×${w}` : 'the input size';
  const fraction = p.cropFraction;
  switch (p.resize) {
    case 'shorter-side-crop': {
      if (h && fraction && fraction > 0 && fraction < 1) {
        const shorter = Math.round(Math.min(h, w ?? h) / fraction);
        return `shorter side to ${shorter} px (${Math.min(h, w ?? h)} ÷ ${num(fraction)}), centre crop ${size}`;
      }
      return `shorter side to ${Math.min(h ?? 0, w ?? 0) || 'the input size'} px, centre crop ${size}`;
    }
    case 'stretch':
      return `stretched to ${size} (the aspect ratio is not kept)`;
    default:
      return p.resize ? `${p.resize} to ${size}` : `to ${size}`;
  }
}

export interface Fact {
  label: string;
  value: string;
  hint?: string;
}

/** The preprocessing as label/value pairs. */
export function preprocessingFacts(p: Preprocessing | undefined): Fact[] {
  if (!p) return [];
  const facts: Fact[] = [{ label: 'Resize', value: resizeRule(p) }];
  if (p.cropFraction !== undefined) facts.push({ label: 'Crop fraction', value: `${num(p.cropFraction * 100)}%` });
  if (p.interpolation) facts.push({ label: 'Interpolation', value: p.interpolation });
  facts.push({ label: 'Mean', value: perChannel(p.mean, p.channelOrder) });
  facts.push({ label: 'Std', value: perChannel(p.std, p.channelOrder), hint: 'x = (pixel − mean) ÷ std, pixels 0–255' });
  const layout = [p.channelOrder, p.layout].filter(Boolean).join(', ');
  if (layout) facts.push({ label: 'Tensor', value: layout });
  return facts;
}

/**
 * A scale for complexity bars: log10 of the value between a decade below the smallest and the decade
 * above the largest, so the smallest model still shows a bar. Returns 0..1.
 */
export function complexityScale(values: readonly number[]): (v: number) => number {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return () => 0;
  const lo = Math.floor(Math.log10(Math.min(...positive))) - 1;
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return (v) => (v > 0 && hi > lo ? Math.min(1, Math.max(0, (Math.log10(v) - lo) / (hi - lo))) : 0);
}

/** Element-wise operators that keep the shape of the convolution before them. */
const PASS_THROUGH = new Set(['Clip', 'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'BatchNormalization', 'Identity', 'Dropout']);

/**
 * The convolution whose filters a layer shows: the layer itself when it is a Conv, else the Conv right
 * before a chain of activations or batch norms (MobileNet's Clip after each conv, a ReLU).
 */
export function producingConv(layers: readonly Layer[], name: string): Layer | undefined {
  const byName = new Map(layers.map((l) => [l.name ?? '', l]));
  let layer = byName.get(name);
  for (let steps = 0; layer && steps < 4; steps++) {
    if (layer.op === 'Conv') return layer;
    if (!PASS_THROUGH.has(layer.op ?? '')) return undefined;
    const first = (layer.inputs ?? []).map((i) => byName.get(i)).find((l) => l && l.op !== CONSTANT_OP);
    layer = first;
  }
  return undefined;
}

/** Whether a Conv sees the image's colour channels (its filters are drawn in colour). */
export function seesColour(layers: readonly Layer[], conv: Layer, inputName: string | undefined): boolean {
  const byName = new Map(layers.map((l) => [l.name ?? '', l]));
  return (conv.inputs ?? []).some((i) => {
    if (i === inputName) return true;
    const source = byName.get(i);
    return source !== undefined && source.op !== CONSTANT_OP && source.outputShape?.length === 4 && source.outputShape[1] === 3;
  });
}

/** Channels of an N×C×H×W output (undefined for other shapes). */
export function channelCount(shape: readonly number[] | undefined): number | undefined {
  return shape && shape.length === 4 && shape[1]! > 0 ? shape[1] : undefined;
}

/**
 * What a channel's drawing can aim at: the channels of an N×C×H×W output, or the units of an N×C one (a class
 * score, say); undefined for other shapes, which have no channel axis.
 */
export function drawableUnits(shape: readonly number[] | undefined): number | undefined {
  if (shape && shape.length === 2 && shape[1]! > 0) return shape[1];
  return channelCount(shape);
}

/** Whether an N×C×H×W output has a spatial extent (more than one position), as Grad-CAM needs. */
export function hasSpatialExtent(shape: readonly number[] | undefined): boolean {
  return !!shape && shape.length === 4 && (shape[2]! > 1 || shape[2]! < 0) && (shape[3]! > 1 || shape[3]! < 0);
}
