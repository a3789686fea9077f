// The search page's id box: what a typed id is, and what the search-service's answer about it means (pure).
import { problemMessage } from '../../api/problem';

/** Pause in typing after which the typed id is looked up (Enter looks it up at once). */
export const ID_LOOKUP_DELAY_MS = 450;

/** The id a person typed: trimmed; undefined when there is nothing to look up. */
export function typedId(text: string): string | undefined {
  const id = text.trim();
  return id === '' ? undefined : id;
}

export type IdVerdict =
  | { kind: 'found'; id: string; label: string | undefined }
  /** The collection itself is not stored (yet): the search, which builds it, answers for the id. */
  | { kind: 'unchecked'; id: string }
  | { kind: 'unknown'; id: string; message: string }
  | { kind: 'failed'; id: string; message: string };

/**
 * The meaning of GET /api/search/collections/{dataset}/{model}/{layer}/vectors/{id} for a typed id: its status and
 * body (the stored vector, or a problem naming the unknown parameter). `where` names the collection's dataset for
 * the message ("dataset 'caltech101-iconic200'").
 */
export function idVerdict(id: string, status: number, body: unknown, where: string): IdVerdict {
  const b = (body ?? {}) as { label?: unknown; parameter?: unknown };
  if (status === 200) return { kind: 'found', id, label: typeof b.label === 'string' && b.label ? b.label : undefined };
  if (status === 404 && b.parameter === 'collection') return { kind: 'unchecked', id };
  if (status === 404) return { kind: 'unknown', id, message: `no item '${id}' in ${where}; check the id (ids are case-sensitive)` };
  return { kind: 'failed', id, message: `'${id}' could not be looked up: ${problemMessage(body, status)}` };
}
