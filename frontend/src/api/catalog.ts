// Typed client of the model-catalog-service (contracts/model-catalog-service.yaml).
import createClient from 'openapi-fetch';
import { restOfPath, type components, type paths } from './generated/model-catalog-service';
import { apiTokenMiddleware } from './token';
import { contractUrls } from './url';

export const catalogApi = createClient<paths>({ baseUrl: '' });
catalogApi.use(apiTokenMiddleware);
/** URLs of the catalog's operations for requests openapi-fetch does not send (uploads with progress). */
export const catalogUrls = contractUrls<paths>(restOfPath);

export type Model = components['schemas']['Model'];
export type Layer = components['schemas']['Layer'];

/** The id of a catalog job from the URL the catalog hands out to poll it (GET /api/catalog/jobs/{id}). */
export function catalogJobId(url: string): string | undefined {
  return catalogUrls.match('/api/catalog/jobs/{id}', url)?.id;
}
