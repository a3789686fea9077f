// The graph view: the network as a vertical flow of blocks in graph order, grouped into stages by
// resolution. Each block names its operator and output shape; feature layers are highlighted, blocks
// that shrink the spatial size are marked, and every block links to its layer.
import './graph-view.css';
import type { Layer, Model } from '../../api/catalog';
import { h } from '../../lib/dom';
import { formatCount, formatInt } from '../../lib/format';
import { buildBlocks, groupStages, type GraphBlock } from './graph';
import { layerHref } from './state';

export interface GraphView {
  readonly el: HTMLElement;
  setLayers(layers: readonly Layer[]): void;
  error(message: string): void;
}

const OP_KIND: Record<string, string> = {
  Conv: 'conv', ConvTranspose: 'conv', Gemm: 'conv', MatMul: 'conv',
  MaxPool: 'pool', AveragePool: 'pool', GlobalAveragePool: 'pool', ReduceMean: 'pool', GlobalMaxPool: 'pool',
  Add: 'merge', Concat: 'merge', Mul: 'merge', Sum: 'merge',
  BatchNormalization: 'norm', LRN: 'norm',
  Flatten: 'shape', Reshape: 'shape', Squeeze: 'shape', Transpose: 'shape', Softmax: 'shape',
};

export function createGraphView(model: Model): GraphView {
  const id = model.id ?? '';
  const summary = h('p', { class: 'card-meta graph-summary', 'aria-live': 'polite' }, '\u00a0');
  const list = h('ol', { class: 'graph', 'data-testid': 'graph', 'aria-label': `Graph of ${id}, input at the top` });
  const scroller = h('div', { class: 'graph-scroll scroll' }, list);
  const legend = h(
    'ul',
    { class: 'graph-legend', 'aria-label': 'Legend' },
    h('li', {}, h('span', { class: 'legend-op kind-conv' }, 'Conv'), 'convolution'),
    h('li', {}, h('span', { class: 'legend-op kind-pool' }, 'Pool'), 'pooling'),
    h('li', {}, h('span', { class: 'legend-op kind-merge' }, 'Add'), 'joins branches'),
    h('li', {}, h('span', { class: 'gblock-feature-mark' }, 'feature'), 'feature layer'),
    h('li', {}, h('span', { class: 'gblock-shrink' }, '↓ 224→112'), 'resolution drops'),
    h('li', {}, h('span', { class: 'gblock-width legend-width' }, h('span', { style: 'width:60%' })), 'channels (√ scale)'),
  );
  const el = h('div', { class: 'graph-view' }, h('div', { class: 'graph-head' }, summary, legend), scroller);

  let widest = 1;

  function block(b: GraphBlock): HTMLElement {
    const kind = OP_KIND[b.op] ?? 'act';
    const classes = ['gblock', `kind-${kind}`, b.feature ? 'is-feature' : '', b.shrinks ? 'is-shrink' : ''].filter(Boolean).join(' ');
    const hint = [
      `${b.op} → ${b.shape}`,
      b.parameters ? `${formatInt(b.parameters)} parameters` : '',
      b.flops ? `${formatCount(b.flops)} multiply-adds` : '',
      b.inputs > 1 ? `${b.inputs} inputs` : '',
    ].filter(Boolean).join(' · ');
    return h(
      'li',
      { class: classes, 'data-layer': b.name },
      h(
        'a',
        { class: 'gblock-link', href: layerHref(id, b.name), title: `${b.name}\n${hint}`, 'data-testid': 'graph-block' },
        h('span', { class: 'gblock-op' }, b.op),
        h('span', { class: 'gblock-name' }, b.name),
        h(
          'span',
          { class: 'gblock-badges' },
          b.inputs > 1 ? h('span', { class: 'gblock-join', title: `joins ${b.inputs} inputs` }, `joins ${b.inputs}`) : null,
          b.feature ? h('span', { class: 'gblock-feature-mark' }, b.embedding ? 'feature · embedding' : 'feature') : b.embedding ? h('span', { class: 'gblock-feature-mark' }, 'embedding') : null,
          b.output && !b.embedding ? h('span', { class: 'gblock-out' }, 'output') : null,
          b.shrinks ? h('span', { class: 'gblock-shrink', title: `the spatial size shrinks here: ${b.shrinks.from.join('×')} → ${b.shrinks.to.join('×')}` }, `↓ ${b.shrinks.from[0]}→${b.shrinks.to[0]}`) : null,
        ),
        h('span', { class: 'gblock-width', 'aria-hidden': 'true', title: b.channels ? `${b.channels} channels` : '' }, h('span', { style: `width:${b.channels ? Math.max(2, (Math.sqrt(b.channels) / Math.sqrt(widest)) * 100).toFixed(1) : 0}%` })),
        h('span', { class: 'gblock-shape' }, b.shape),
      ),
    );
  }

  return {
    el,
    setLayers(layers) {
      const blocks = buildBlocks(layers, model);
      const stages = groupStages(blocks);
      widest = Math.max(1, ...blocks.filter((b) => b.size).map((b) => b.channels ?? 0));
      const input = model.inputSize?.length === 2 ? `${model.inputSize[0]}×${model.inputSize[1]}` : '';
      list.replaceChildren(
        h('li', { class: 'gstage-input' }, h('span', { class: 'gblock-op' }, 'Input'), h('span', { class: 'gblock-name' }, model.inputName ?? 'input'), h('span', { class: 'gblock-shape' }, input ? `3×${input}` : '')),
        ...stages.map((s, i) =>
          h(
            'li',
            { class: 'gstage' },
            h('p', { class: 'gstage-head' }, h('span', { class: 'gstage-res' }, s.resolution === 'vector' ? 'Vectors' : s.resolution), h('span', { class: 'gstage-count' }, `stage ${i + 1} · ${s.blocks.length} ${s.blocks.length === 1 ? 'node' : 'nodes'}`)),
            h('ol', { class: 'gstage-blocks' }, ...s.blocks.map(block)),
          ),
        ),
      );
      const shrinks = blocks.filter((b) => b.shrinks).length;
      const hidden = layers.length - blocks.length;
      summary.textContent = `${blocks.length} nodes in ${stages.length} stages · ${shrinks} resolution ${shrinks === 1 ? 'drop' : 'drops'} · ${hidden} Constant ${hidden === 1 ? 'node' : 'nodes'} not drawn`;
      el.dataset.state = 'ready';
      el.dataset.blocks = String(blocks.length);
    },
    error(message) {
      list.replaceChildren(h('li', { class: 'table-message' }, `The graph could not be drawn: ${message}`));
      el.dataset.state = 'error';
    },
  };
}
