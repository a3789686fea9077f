// What the "Add your images" dialog decides before it sends anything (pure): which picked files are
// an archive, which are images, which are neither; whether a dataset name and a class label are valid;
// what to call a dataset made from a zip; how to describe the feature-service's import result.
import type { components } from '../../api/generated/feature-service';
import { formatInt } from '../../lib/format';

export type ImportResult = components['schemas']['ImportResult'];

/** The image types the feature-service decodes (it checks the content; this only sorts the picks). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif', 'tif', 'tiff'] as const;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/x-ms-bmp', 'image/gif', 'image/tiff'];
const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/x-zip'];

/** What the file input accepts: zips and the supported images. */
export const ACCEPT = ['.zip', ...ZIP_TYPES, ...IMAGE_EXTENSIONS.map((e) => `.${e}`), ...IMAGE_TYPES].join(',');

/** The dataset id rule of the feature-service: letters, digits, '.', '-', '_'. */
const NAME = /^[A-Za-z0-9._-]+$/;
export const NAME_MAX = 64;

export interface PickedFile {
  name: string;
  type: string;
  size: number;
}

export interface Sorted<F extends PickedFile> {
  archives: F[];
  images: F[];
  /** Files that are neither, with why. */
  rejected: { file: F; reason: string }[];
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function isZip(f: PickedFile): boolean {
  return extension(f.name) === 'zip' || ZIP_TYPES.includes(f.type);
}

export function isImage(f: PickedFile): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extension(f.name)) || IMAGE_TYPES.includes(f.type);
}

/** Sorts picked or dropped files into archives, images and the rest. */
export function sortFiles<F extends PickedFile>(files: readonly F[]): Sorted<F> {
  const out: Sorted<F> = { archives: [], images: [], rejected: [] };
  for (const f of files) {
    if (isZip(f)) out.archives.push(f);
    else if (isImage(f)) out.images.push(f);
    else if (f.name.startsWith('.')) out.rejected.push({ file: f, reason: 'a hidden file' });
    else out.rejected.push({ file: f, reason: `not a zip or an image (${f.type || extension(f.name) || 'unknown type'})` });
  }
  return out;
}

/** Why a dataset name cannot be used ('' when it can). */
export function nameProblem(name: string, taken: readonly string[] = []): string {
  if (!name) return 'Give the dataset a name.';
  if (name.length > NAME_MAX) return `At most ${NAME_MAX} characters.`;
  if (!NAME.test(name)) return "Use only letters, digits, '.', '-' and '_'.";
  if (name === '.' || name === '..') return 'Choose another name.';
  if (taken.includes(name)) return `There is a dataset '${name}' already; choose another name.`;
  return '';
}

/** Why a class label cannot be used ('' when it can, or when there is none). */
export function labelProblem(label: string): string {
  if (!label) return '';
  if (label.length > NAME_MAX) return `At most ${NAME_MAX} characters.`;
  if (!NAME.test(label) || label === '.' || label === '..') return "Use only letters, digits, '.', '-' and '_' (it becomes a folder).";
  return '';
}

/** A valid dataset name from a file name: "Holiday photos 2024.zip" → "Holiday-photos-2024". */
export function suggestName(fileName: string, taken: readonly string[] = []): string {
  const base = fileName.replace(/\.[^.]*$/, '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, NAME_MAX) || 'my-images';
  if (taken.includes(name)) {
    const stem = name.slice(0, NAME_MAX - 4);
    for (let i = 2; taken.includes(name); i++) name = `${stem}-${i}`;
  }
  return name;
}

/** The archive paths of loose images: in the label's folder (or at the top), duplicate names numbered. */
export function archivePaths(names: readonly string[], label: string): string[] {
  const used = new Set<string>();
  return names.map((raw) => {
    const name = raw.split(/[\\/]/).pop() || 'image';
    const dot = name.lastIndexOf('.');
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    let candidate = name;
    for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${stem}-${i}${ext}`;
    used.add(candidate.toLowerCase());
    return label ? `${label}/${candidate}` : candidate;
  });
}

/** "Imported 30 images into 'my-photos'." and, when some were left out, how many. */
export function resultHeadline(result: ImportResult, dataset: string, added: boolean): string {
  const n = result.imported ?? 0;
  const images = `${formatInt(n)} image${n === 1 ? '' : 's'}`;
  const skipped = result.skipped?.length ?? 0;
  const head = added ? `Added ${images} to '${dataset}'.` : `Imported ${images} into '${dataset}'.`;
  return skipped ? `${head} ${formatInt(skipped)} file${skipped === 1 ? ' was' : 's were'} skipped:` : head;
}
