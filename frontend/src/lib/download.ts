// Names and saves exported files.

/** A file-name-safe slug: "mobilenet_v2_1.0_224" stays, "/Conv 2d:0" → "Conv-2d-0". */
export function slug(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * "duplicates_caltech101-iconic200_mobilenet_v2_1.0_224_global_pool_cosine_t0.1037.json": the kind and
 * every non-empty part, joined by '_'.
 */
export function exportName(kind: string, parts: readonly (string | undefined)[], extension: string): string {
  const body = [kind, ...parts].filter((p): p is string => Boolean(p)).map(slug).filter(Boolean).join('_');
  return `${body || 'export'}.${extension.replace(/^\./, '')}`;
}

/** "t0.1037": a threshold with 4 significant digits for a file name. */
export function thresholdPart(threshold: number | undefined): string | undefined {
  return threshold === undefined || !Number.isFinite(threshold) ? undefined : `t${Number(threshold.toPrecision(4))}`;
}

/** Offers data to the browser as a download named name. */
export function saveBlob(data: Blob, name: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
