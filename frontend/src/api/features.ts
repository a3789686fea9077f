// Typed client of the feature-service (contracts/feature-service.yaml), plus image URLs.
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/feature-service';
import { ApiError, isAbort, problemMessage } from './problem';

export const featuresApi = createClient<paths>({ baseUrl: '' });

export type Dataset = components['schemas']['Dataset'];
export type ImageItem = components['schemas']['ImageItem'];
export type ImagePage = components['schemas']['ImagePage'];

/** Encodes an image id for a URL path: each segment is escaped, the '/' between them kept. */
export function encodeImageId(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

/** GET /api/features/datasets/{id}/thumbnails/{image}?size= (a JPEG, longer side at most size px). */
export function thumbnailUrl(dataset: string, imageId: string, size: number): string {
  return `/api/features/datasets/${encodeURIComponent(dataset)}/thumbnails/${encodeImageId(imageId)}?size=${size}`;
}

export type Activations = components['schemas']['Activations'];
export type ChannelExamples = components['schemas']['ChannelExamples'];
export type ChannelExample = components['schemas']['ChannelExample'];
export type Predictions = components['schemas']['Predictions'];

/** GET /api/features/datasets/{id}/images/{image}: the original file. */
export function imageUrl(dataset: string, imageId: string): string {
  return `/api/features/datasets/${encodeURIComponent(dataset)}/images/${encodeImageId(imageId)}`;
}

/**
 * A dataset image as a File, to send to the endpoints that take an upload (activations, predictions,
 * occlusion). Throws an ApiError with the problem's detail when the service refuses.
 */
export async function fetchImageFile(dataset: string, imageId: string, signal?: AbortSignal): Promise<File> {
  let response: Response;
  try {
    response = await fetch(imageUrl(dataset, imageId), { signal });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(problemMessage(e));
  }
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? '';
    const body: unknown = type.includes('json') ? await response.json().catch(() => undefined) : await response.text().catch(() => undefined);
    throw new ApiError(problemMessage(body, response.status), response.status);
  }
  const blob = await response.blob();
  return new File([blob], imageId.split('/').pop() || 'image', { type: blob.type || 'application/octet-stream' });
}
