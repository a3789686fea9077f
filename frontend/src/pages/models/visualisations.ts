// The feature-service's visualisation jobs as the layer view uses them: start one channel's drawing or a
// layer's overview, poll it, fetch the picture so far, cancel it. A job is cancelled when nobody watches it
// any more (another channel chosen, the view left), so the one drawing worker is free for the next.
import {
  featuresApi,
  overviewJobId,
  visualisationJobId,
  type VisualisationJob,
  type VisualisationOverviewJob,
} from '../../api/features';
import { unwrap } from '../../api/problem';
import { isFinished, waitForJob } from '../search/jobs';

export interface DrawRequest {
  model: string;
  layer: string;
  channel: number;
  steps: number;
  seed: number;
}

export interface OverviewRequest {
  model: string;
  layer: string;
  steps: number;
  seed: number;
  channels?: number[];
  first?: number;
}

/** POST /api/features/visualisations, then polls the job until it ends; onProgress sees every state. */
export async function drawChannel(r: DrawRequest, signal: AbortSignal, onProgress: (job: VisualisationJob) => void): Promise<VisualisationJob> {
  const first = unwrap(await featuresApi.POST('/api/features/visualisations', { body: r, signal }));
  return waitForJob<VisualisationJob>(first, {
    poll: async (id, s) => unwrap(await featuresApi.GET('/api/features/visualisations/{id}', { params: { path: { id } }, signal: s })),
    onProgress,
    signal,
    jobIdOf: visualisationJobId,
    service: 'feature-service',
  });
}

/** POST /api/features/visualisations/overview, then polls the job until it ends. */
export async function drawOverview(r: OverviewRequest, signal: AbortSignal, onProgress: (job: VisualisationOverviewJob) => void): Promise<VisualisationOverviewJob> {
  const first = unwrap(await featuresApi.POST('/api/features/visualisations/overview', { body: r, signal }));
  return waitForJob<VisualisationOverviewJob>(first, {
    poll: async (id, s) => unwrap(await featuresApi.GET('/api/features/visualisations/overview/{id}', { params: { path: { id } }, signal: s })),
    onProgress,
    signal,
    jobIdOf: overviewJobId,
    service: 'feature-service',
  });
}

/** The picture so far of a running drawing (GET /api/features/visualisations/{id}/preview). */
export async function previewOf(id: string, signal: AbortSignal): Promise<Blob> {
  const answer = await featuresApi.GET('/api/features/visualisations/{id}/preview', { params: { path: { id } }, parseAs: 'blob', signal });
  return unwrap(answer) as unknown as Blob;
}

/** Asks the service to stop a drawing that has not ended (DELETE); a finished one is left alone. */
export async function cancelDrawing(job: Pick<VisualisationJob, 'id' | 'state'>): Promise<void> {
  if (!job.id || isFinished(job)) return;
  unwrap(await featuresApi.DELETE('/api/features/visualisations/{id}', { params: { path: { id: job.id } } }));
}

/** Asks the service to stop an overview that has not ended; the pictures drawn so far stay cached. */
export async function cancelOverview(job: Pick<VisualisationOverviewJob, 'id' | 'state'>): Promise<void> {
  if (!job.id || isFinished(job)) return;
  unwrap(await featuresApi.DELETE('/api/features/visualisations/overview/{id}', { params: { path: { id: job.id } } }));
}

/** Loads and decodes an image before it is shown, so a picture is swapped for the next without a blank. */
export async function preload(src: string): Promise<void> {
  const img = new Image();
  img.src = src;
  try {
    await img.decode();
  } catch {
    throw new Error('the picture is not a readable image');
  }
}
