// Typed client of the feature-service (contracts/feature-service.yaml), plus image URLs.
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/feature-service';

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
 * What the inspection endpoints (activations, predictions, occlusion) look at: an uploaded file, or an
 * image of a dataset by id, which the feature-service reads itself (its bytes are not sent back).
 */
export type ImageInput = { image: File } | { dataset: string; imageId: string };
