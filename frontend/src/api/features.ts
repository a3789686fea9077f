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
