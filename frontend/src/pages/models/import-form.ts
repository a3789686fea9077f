// The "Import a model" form as data (pure): its values, their checks (the catalog's rules, so most
// mistakes are caught before a large upload), the model.json the catalog takes (contracts/
// model-catalog-service.yaml, ModelUpload.metadata) and the values a picked model.json fills in.

export const LAYOUTS = ['NCHW', 'NHWC'] as const;
export const CHANNEL_ORDERS = ['RGB', 'BGR'] as const;
export const RESIZE_MODES = ['shorter-side-crop', 'stretch'] as const;
export const INTERPOLATIONS = ['bilinear', 'bicubic', 'lanczos', 'area', 'nearest'] as const;
export const LABEL_SOURCES = ['imagenet', 'file', 'none'] as const;

export type LabelSource = (typeof LABEL_SOURCES)[number];

/** The form's values as typed (numbers as text until checked). */
export interface FormValues {
  id: string;
  height: string;
  width: string;
  layout: (typeof LAYOUTS)[number];
  channelOrder: (typeof CHANNEL_ORDERS)[number];
  mean: [string, string, string];
  std: [string, string, string];
  resizeMode: (typeof RESIZE_MODES)[number];
  cropFraction: string;
  interpolation: (typeof INTERPOLATIONS)[number];
  numClasses: string;
  labels: LabelSource;
}

/** ImageNet statistics in pixel units (torchvision's 0.485… × 255), the most common choice. */
export const DEFAULT_VALUES: FormValues = {
  id: '',
  height: '224',
  width: '224',
  layout: 'NCHW',
  channelOrder: 'RGB',
  mean: ['123.675', '116.28', '103.53'],
  std: ['58.395', '57.12', '57.375'],
  resizeMode: 'shorter-side-crop',
  cropFraction: '0.875',
  interpolation: 'bilinear',
  numClasses: '1000',
  labels: 'imagenet',
};

/** The catalog's name for the ImageNet labels it has. */
export const IMAGENET_LABELS = 'imagenet_labels.txt';
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_SIDE = 1024;

export type Field = 'id' | 'height' | 'width' | 'mean' | 'std' | 'cropFraction' | 'numClasses' | 'labels';
export type Problems = Partial<Record<Field, string>>;

/** Why a model id cannot be used ('' when it can). */
export function idProblem(id: string, taken: readonly string[] = []): string {
  if (!id) return 'Give the model an id.';
  if (!ID.test(id)) return "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.";
  if (id.toLowerCase() === 'download') return "'download' is reserved; choose another id.";
  if (taken.includes(id)) return `The catalog has a model '${id}' already; choose another id.`;
  return '';
}

const number = (s: string) => (s.trim() === '' ? NaN : Number(s.trim()));

/** Checks the values: the problems per field (none when the form can be sent). */
export function check(v: FormValues, taken: readonly string[] = [], hasLabelsFile = false): Problems {
  const p: Problems = {};
  const id = idProblem(v.id.trim(), taken);
  if (id) p.id = id;
  for (const side of ['height', 'width'] as const) {
    const n = number(v[side]);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SIDE) p[side] = `A whole number of pixels from 1 to ${MAX_SIDE}.`;
  }
  const mean = v.mean.map(number);
  if (mean.some((m) => !(m >= 0 && m <= 255))) p.mean = 'Three numbers from 0 to 255 (pixel units), one per channel.';
  const std = v.std.map(number);
  if (std.some((s) => !(s > 0) || !Number.isFinite(s))) p.std = 'Three numbers above 0 (pixel units), one per channel.';
  else if (!p.mean && mean.every((m) => m <= 1) && std.every((s) => s < 1)) {
    p.std = 'These look like 0..1 units; multiply mean and std by 255 (ImageNet: 123.675, 116.28, 103.53 / 58.395, 57.12, 57.375).';
  }
  if (v.resizeMode === 'shorter-side-crop') {
    const c = number(v.cropFraction);
    if (!(c > 0 && c <= 1)) p.cropFraction = 'A fraction above 0 and at most 1 (0.875: resize to 256, crop 224).';
  }
  const classes = number(v.numClasses);
  if (!Number.isInteger(classes) || classes < 0 || classes > 100_000) p.numClasses = 'A whole number from 0 to 100000 (0: no classifier).';
  else if (classes === 0 && v.labels !== 'none') p.labels = 'A model without classes has no labels: choose "None".';
  else if (v.labels === 'file' && !hasLabelsFile) p.labels = 'Choose a .txt file with one label per line.';
  return p;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const object = (x: unknown): Json => (isObject(x) ? { ...x } : {});
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The metadata part: the picked model.json (if any) with the form's values written over it. The input
 * shape is dropped (the graph has it, and a changed size would contradict it); scale becomes std.
 */
export function metadata(v: FormValues, base: Json = {}): Json {
  const out: Json = structuredClone(base);
  out.name = v.id.trim();
  const input = object(out.input);
  delete input.shape;
  input.size = [number(v.height), number(v.width)];
  input.layout = v.layout;
  input.channel_order = v.channelOrder;
  out.input = input;
  const pre = object(out.preprocessing);
  delete pre.scale;
  pre.mean = v.mean.map(number);
  pre.std = v.std.map(number);
  pre.resize_mode = v.resizeMode;
  if (v.resizeMode === 'shorter-side-crop') pre.crop_fraction = number(v.cropFraction);
  else delete pre.crop_fraction;
  pre.interpolation = v.interpolation;
  out.preprocessing = pre;
  const output = object(out.output);
  output.num_classes = number(v.numClasses);
  delete output.labels_file;
  if (v.labels !== 'file' || !Array.isArray(output.labels)) delete output.labels;
  if (v.labels === 'imagenet') output.labels_file = IMAGENET_LABELS;
  out.output = output;
  return out;
}

/** The form values a model.json states (what it leaves out keeps the current value). */
export function valuesFromModelJson(json: unknown, current: FormValues): FormValues {
  if (!isObject(json)) throw new Error('model.json must be a JSON object');
  const v: FormValues = structuredClone(current);
  if (typeof json.name === 'string') v.id = json.name;
  const input = object(json.input);
  const layout = String(input.layout ?? '').toUpperCase();
  if ((LAYOUTS as readonly string[]).includes(layout)) v.layout = layout as FormValues['layout'];
  const order = String(input.channel_order ?? '').toUpperCase();
  if ((CHANNEL_ORDERS as readonly string[]).includes(order)) v.channelOrder = order as FormValues['channelOrder'];
  const size = Array.isArray(input.size) && input.size.length === 2 ? input.size : spatial(input.shape, v.layout);
  if (size) [v.height, v.width] = [String(size[0]), String(size[1])];
  const pre = object(json.preprocessing);
  const mean = triple(pre.mean);
  if (mean) v.mean = mean.map(String) as FormValues['mean'];
  const std = triple(pre.std) ?? triple(pre.scale)?.map((s) => round(1 / s));
  if (std) v.std = std.map(String) as FormValues['std'];
  const description = typeof pre.resize === 'string' ? pre.resize.toLowerCase() : '';
  const mode = typeof pre.resize_mode === 'string' ? pre.resize_mode : /no crop|^whole image|stretch/.test(description) ? 'stretch' : description ? 'shorter-side-crop' : '';
  if ((RESIZE_MODES as readonly string[]).includes(mode)) v.resizeMode = mode as FormValues['resizeMode'];
  const crop = typeof pre.crop_fraction === 'number' ? pre.crop_fraction : cropFromDescription(description, number(v.height));
  if (crop !== undefined) v.cropFraction = String(round(crop));
  const interpolation = typeof pre.interpolation === 'string' ? pre.interpolation.toLowerCase() : INTERPOLATIONS.find((f) => description.includes(f));
  if (interpolation && (INTERPOLATIONS as readonly string[]).includes(interpolation)) v.interpolation = interpolation as FormValues['interpolation'];
  const output = object(json.output);
  const head = typeof json.head === 'string' ? json.head.toLowerCase() : '';
  if (head.startsWith('none')) v.numClasses = '0';
  else if (typeof output.num_classes === 'number') v.numClasses = String(output.num_classes);
  const labelsFile = typeof output.labels_file === 'string' ? output.labels_file.split(/[\\/]/).pop() : undefined;
  v.labels = v.numClasses === '0' ? 'none' : labelsFile === IMAGENET_LABELS ? 'imagenet' : Array.isArray(output.labels) ? 'file' : labelsFile ? 'file' : 'none';
  return v;
}

function triple(x: unknown): number[] | undefined {
  if (typeof x === 'number') return [x, x, x];
  return Array.isArray(x) && x.length === 3 && x.every((n) => typeof n === 'number') ? (x as number[]) : undefined;
}

function spatial(shape: unknown, layout: string): unknown[] | undefined {
  if (!Array.isArray(shape) || shape.length !== 4) return undefined;
  const at = layout === 'NHWC' ? 1 : 2;
  const hw = [shape[at], shape[at + 1]];
  return hw.every((n) => typeof n === 'number') ? hw : undefined;
}

/** As the catalog reads a description: "size/0.875" → 0.875, "shorter side to 256, centre crop 224" → 0.875. */
export function cropFromDescription(d: string, height: number): number | undefined {
  const fraction = /size\s*\/\s*(0?\.\d+)/.exec(d);
  if (fraction) return Number(fraction[1]);
  const shorter = /shorter side to (\d+)/.exec(d);
  if (!shorter) return undefined;
  const crop = /cent(?:re|er) crop (\d+)/.exec(d);
  return Math.min(1, (crop ? Number(crop[1]) : height) / Number(shorter[1]));
}
