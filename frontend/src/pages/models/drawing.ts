// What a channel draws (pure): the settings offered, when the picture so far is worth fetching again, what a
// visualisation job or a layer's overview says to a person, and which channels an overview asks for.
import type { VisualisationCell, VisualisationJob, VisualisationOverviewJob } from '../../api/features';
import { formatInt } from '../../lib/format';

/** Optimisation steps offered; the service draws DEFAULT_STEPS when none are named. */
export const STEP_CHOICES = [32, 64, 128, 256, 512] as const;
export const DEFAULT_STEPS = 256;
/** The feature-service renders the picture so far every this many steps. */
export const PREVIEW_EVERY = 16;

/** Channels an overview draws: this many of the strongest for the image, or the first this many. */
export const OVERVIEW_COUNTS = [8, 16, 32, 64] as const;
export const DEFAULT_OVERVIEW_COUNT = 16;
export type OverviewMode = 'strongest' | 'first';

/** How a picture is drawn: the optimisation steps and the random seed (of the start image and the random views). */
export interface DrawSettings {
  steps: number;
  seed: number;
}
export const DEFAULT_SEED = 0;
export const MAX_SEED = 999_999_999;

/** A seed read from a link or typed: an integer from 0 to MAX_SEED, else undefined. */
export function parseSeed(value: string | undefined | null): number | undefined {
  const t = (value ?? '').trim();
  if (!/^\d{1,9}$/.test(t)) return undefined;
  return Number(t);
}

/** Steps read from a link: one of STEP_CHOICES, else undefined (the default). */
export function parseSteps(value: string | undefined | null): number | undefined {
  if (!value || !/^\d{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return (STEP_CHOICES as readonly number[]).includes(n) && n !== DEFAULT_STEPS ? n : undefined;
}

/**
 * Whether a newer picture than the one shown can be had: the service renders one every PREVIEW_EVERY steps
 * (and at the last), so a preview fetched at `shownAt` steps is only replaced once `done` enters a later block.
 */
export function previewDue(shownAt: number | undefined, done: number, total: number, every = PREVIEW_EVERY): boolean {
  if (done <= 0) return false;
  if (shownAt === undefined) return true;
  if (done >= total) return shownAt < total;
  return Math.floor(done / every) > Math.floor(shownAt / every);
}

/**
 * The step the picture so far was rendered at, for a job at `done` steps: the service renders one every
 * PREVIEW_EVERY steps and at the last, so a poll between two renderings still gets the earlier one.
 */
export function previewStep(done: number, total: number, every = PREVIEW_EVERY): number {
  if (done >= total) return total;
  return Math.floor(done / every) * every || done;
}

/** One line on a single channel's drawing: where it is, or how it ended. */
export function drawingText(job: Pick<VisualisationJob, 'state' | 'done' | 'total' | 'message' | 'error' | 'result'>): string {
  const done = job.done ?? 0;
  const total = job.total ?? 0;
  switch (job.state) {
    case 'queued':
      return 'waiting for the drawing worker (other pictures are being drawn)…';
    case 'running':
      return done > 0 && total > 0 ? `step ${formatInt(done)} of ${formatInt(total)}` : job.message || 'starting…';
    case 'succeeded': {
      const r = job.result;
      const how = r?.seconds ? `drawn in ${r.seconds.toFixed(1)} s` : 'from the cache';
      const a = r?.activation;
      // A channel that never fires on the starting image has a zero gradient: its picture stays the start.
      const value = typeof a !== 'number' ? '' : ` · mean activation ${a.toFixed(2)}${a === 0 ? ': the channel never responded, so there was no gradient to follow' : ''}`;
      return `${formatInt(r?.steps ?? total)} steps, ${how}${value}`;
    }
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return job.error?.detail || job.message || 'the drawing failed';
    default:
      return '';
  }
}

/** Fraction 0..1 of a job's steps done. */
export function stepFraction(job: Pick<VisualisationJob, 'done' | 'total' | 'progress'>): number {
  if (typeof job.progress === 'number' && Number.isFinite(job.progress)) return Math.min(1, Math.max(0, job.progress));
  return job.total ? Math.min(1, (job.done ?? 0) / job.total) : 0;
}

/**
 * The channels part of an overview request: the strongest channels for the image (as the activation maps
 * order them), or the first N of the layer (never more than it has).
 */
export function overviewChannels(mode: OverviewMode, count: number, strongest: readonly number[], layerChannels: number | undefined): { channels: number[] } | { first: number } {
  if (mode === 'strongest') return { channels: strongest.slice(0, count) };
  return { first: layerChannels !== undefined ? Math.max(1, Math.min(count, layerChannels)) : count };
}

/** The channels an overview request will show, in order, before the service has answered (to reserve the cells). */
export function plannedChannels(request: { channels: number[] } | { first: number }): number[] {
  return 'channels' in request ? [...new Set(request.channels)] : Array.from({ length: request.first }, (_, i) => i);
}

/** "5 of 16 drawn · channel 12 (6 of 16): step 48 of 256" for a running overview; how it ended otherwise. */
export function overviewText(job: Pick<VisualisationOverviewJob, 'state' | 'message' | 'error' | 'result'>): string {
  const r = job.result;
  const drawn = `${formatInt(r?.done ?? 0)} of ${formatInt(r?.total ?? r?.channels?.length ?? 0)} drawn`;
  switch (job.state) {
    case 'queued':
      return `${drawn} · waiting for the overview worker…`;
    case 'running':
      return job.message ? `${drawn} · ${job.message}` : drawn;
    case 'succeeded':
      return `${drawn} at ${formatInt(r?.steps ?? 0)} steps each`;
    case 'cancelled':
      return `${drawn}; cancelled`;
    case 'failed':
      return `${drawn}; ${job.error?.detail || job.message || 'the overview failed'}`;
    default:
      return drawn;
  }
}

/** The cells of an overview answer by channel (a channel asked for twice is one cell). */
export function cellsByChannel(cells: readonly VisualisationCell[] | undefined): Map<number, VisualisationCell> {
  const map = new Map<number, VisualisationCell>();
  for (const c of cells ?? []) if (typeof c.channel === 'number') map.set(c.channel, c);
  return map;
}

/** The alt text of a drawn picture: it names the channel, layer and model, and how far the drawing is. */
export function pictureAlt(model: string, layer: string, channel: number, progress?: { done: number; total: number }): string {
  const what = `What channel ${channel} of ${layer} (${model}) draws`;
  if (!progress || progress.done >= progress.total) return what;
  return `${what}, so far: ${formatInt(progress.done)} of ${formatInt(progress.total)} steps`;
}
