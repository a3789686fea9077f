// Typed client of the model-catalog-service (contracts/model-catalog-service.yaml).
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/model-catalog-service';

export const catalogApi = createClient<paths>({ baseUrl: '' });

export type Model = components['schemas']['Model'];
export type Layer = components['schemas']['Layer'];
