// Typed client of the feature-service (contracts/feature-service.yaml), plus image URLs.
import createClient from 'openapi-fetch';
import { restOfPath, type components, type paths } from './generated/feature-service';
import { apiTokenMiddleware } from './token';
import { contractUrls } from './url';

export const featuresApi = createClient<paths>({ baseUrl: '' });
featuresApi.use(apiTokenMiddleware);
/** URLs of the feature-service's operations for requests openapi-fetch does not send (images, uploads with progress). */
export const featuresUrls = contractUrls<paths>(restOfPath);

export type Dataset = components['schemas']['Dataset'];
export type ImageItem = components['schemas']['ImageItem'];
export type ImagePage = components['schemas']['ImagePage'];

/** GET /api/features/datasets/{id}/thumbnails/{image}?size= (a JPEG, longer side at most size px). */
export function thumbnailUrl(dataset: string, imageId: string, size: number): string {
  return featuresUrls.url('get', '/api/features/datasets/{id}/thumbnails/{image}', { path: { id: dataset, image: imageId }, query: { size } });
}

/** The id of a feature-service job from the URL the service hands out to poll it (GET /api/features/jobs/{id}). */
export function featureJobId(url: string): string | undefined {
  return featuresUrls.match('/api/features/jobs/{id}', url)?.id;
}

export type Activations = components['schemas']['Activations'];
export type ChannelExamples = components['schemas']['ChannelExamples'];
export type ChannelExample = components['schemas']['ChannelExample'];
export type Predictions = components['schemas']['Predictions'];

/**
 * What the inspection endpoints (activations, predictions, occlusion) look at: an uploaded file, or an
 * image of a dataset by id, which the feature-service reads itself (its bytes are not sent back).
 */
export type ImageInput = { image: File } | { dataset: string; imageId: string };

export type Visualisation = components['schemas']['Visualisation'];
export type VisualisationJob = components['schemas']['VisualisationJob'];
export type VisualisationOverview = components['schemas']['VisualisationOverview'];
export type VisualisationOverviewJob = components['schemas']['VisualisationOverviewJob'];
export type VisualisationCell = components['schemas']['VisualisationCell'];

/** The id of a visualisation job from its URL (GET or DELETE /api/features/visualisations/{id}). */
export function visualisationJobId(url: string): string | undefined {
  return featuresUrls.match('/api/features/visualisations/{id}', url)?.id;
}

/** The id of an overview job from its URL (GET or DELETE /api/features/visualisations/overview/{id}). */
export function overviewJobId(url: string): string | undefined {
  return featuresUrls.match('/api/features/visualisations/overview/{id}', url)?.id;
}

/**
 * The URL to show a drawn picture from, for the `image` URL a visualisation result hands out
 * (GET /api/features/visualisations/images/{file}); undefined when it is not one.
 */
export function visualisationImageUrl(url: string | undefined): string | undefined {
  const file = url ? featuresUrls.match('/api/features/visualisations/images/{file}', url)?.file : undefined;
  return file ? featuresUrls.url('get', '/api/features/visualisations/images/{file}', { path: { file } }) : undefined;
}
