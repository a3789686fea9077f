// The network as a vertical flow of blocks (pure): graph order, Constant nodes left out, feature layers
// marked, and the blocks where the spatial size shrinks (stride or pooling) marked with from → to.
import type { Layer, Model } from '../../api/catalog';
import { formatShape } from '../../lib/format';
import { CONSTANT_OP } from './layers';

export type Size = readonly [height: number, width: number];

export interface GraphBlock {
  index: number;
  name: string;
  op: string;
  /** "32×112×112" */
  shape: string;
  /** Height and width of a 4-D (N, C, H, W) output. */
  size?: Size;
  /** Channels (C of N×C×H×W, or the length of a vector). */
  channels?: number;
  feature: boolean;
  embedding: boolean;
  /** The model's final output. */
  output: boolean;
  /** Set where the output is spatially smaller than the largest input: a resolution change. */
  shrinks?: { from: Size; to: Size };
  /** Layer inputs (Constants and weights not counted): more than one for Add and Concat. */
  inputs: number;
  parameters: number;
  flops: number;
}

export interface GraphStage {
  /** "112×112", or "vector" for outputs without a spatial size. */
  resolution: string;
  blocks: GraphBlock[];
}

/** [H, W] of an N×C×H×W shape. */
export function spatialSize(shape: readonly number[] | undefined): Size | undefined {
  if (!shape || shape.length !== 4) return undefined;
  const h = shape[2]!;
  const w = shape[3]!;
  return h > 0 && w > 0 ? [h, w] : undefined;
}

const area = (s: Size) => s[0] * s[1];

export function buildBlocks(layers: readonly Layer[], model: Pick<Model, 'inputName' | 'inputSize' | 'embeddingLayer' | 'outputLayer'>): GraphBlock[] {
  const byName = new Map(layers.map((l) => [l.name ?? '', l]));
  const inputSize = model.inputSize && model.inputSize.length === 2 ? ([model.inputSize[0]!, model.inputSize[1]!] as const) : undefined;
  const last = [...layers].reverse().find((l) => l.op !== CONSTANT_OP);
  const blocks: GraphBlock[] = [];
  for (const l of layers) {
    if (l.op === CONSTANT_OP) continue;
    const size = spatialSize(l.outputShape);
    let from: Size | undefined;
    let inputs = 0;
    for (const name of l.inputs ?? []) {
      const source = byName.get(name);
      let s: Size | undefined;
      if (source) {
        if (source.op === CONSTANT_OP) continue;
        inputs++;
        s = spatialSize(source.outputShape);
      } else if (name === model.inputName) {
        inputs++;
        s = inputSize;
      } else continue; // a weight (initializer)
      if (s && (!from || area(s) > area(from))) from = s;
    }
    const block: GraphBlock = {
      index: l.index ?? blocks.length,
      name: l.name ?? '',
      op: l.op ?? '?',
      shape: formatShape(l.outputShape),
      feature: l.feature === true,
      embedding: l.name === model.embeddingLayer,
      output: l.name === (model.outputLayer || last?.name),
      inputs,
      parameters: l.parameters ?? 0,
      flops: l.flops ?? 0,
    };
    if (size) block.size = size;
    const channels = l.outputShape && l.outputShape.length >= 2 ? l.outputShape[1]! : undefined;
    if (channels !== undefined && channels > 0) block.channels = channels;
    if (size && from && area(size) < area(from)) block.shrinks = { from, to: size };
    blocks.push(block);
  }
  return blocks;
}

/**
 * The network's stages, in order: a new stage starts where the resolution drops below the current
 * stage's (or the output stops being spatial). A parallel branch still at the previous resolution
 * (Inception's reduction blocks) stays in the stage it is drawn in; each block shows its own shape.
 */
export function groupStages(blocks: readonly GraphBlock[]): GraphStage[] {
  const stages: GraphStage[] = [];
  let current: { stage: GraphStage; size?: Size } | undefined;
  for (const b of blocks) {
    const starts = !current || (b.size ? !current.size || area(b.size) < area(current.size) : current.size !== undefined);
    if (starts) {
      current = { stage: { resolution: b.size ? `${b.size[0]}×${b.size[1]}` : 'vector', blocks: [] }, size: b.size };
      stages.push(current.stage);
    }
    current!.stage.blocks.push(b);
  }
  return stages;
}
