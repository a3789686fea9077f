// The footer: how the feature-service runs the models (GET /api/features/info): the device and why, the
// execution providers, the batch size and threads, the ONNX Runtime version. A feature-service without
// that endpoint (404), or one that cannot be reached, leaves the footer out: nothing to report is no error.
import './footer.css';
import { featuresApi } from './api/features';
import type { paths } from './api/generated/feature-service';
import { h } from './lib/dom';

export type InferenceInfo = paths['/api/features/info']['get']['responses'][200]['content']['application/json'];

export interface FooterFact {
  key: string;
  text: string;
  /** The whole text where the footer may cut it short. */
  title?: string;
}

/** "CPU", "GPU cuda:0", or the device as the service names it. */
export function deviceName(device: string): string {
  if (device === 'cpu') return 'CPU';
  if (/^cuda(:\d+)?$/.test(device)) return `GPU ${device}`;
  return device;
}

/** What the footer says, in order; a fact the service does not report is left out. */
export function inferenceFacts(info: Partial<InferenceInfo>): FooterFact[] {
  const facts: FooterFact[] = [];
  if (info.device) {
    const asked = info.requestedDevice && info.requestedDevice !== info.device ? ` (asked for ${info.requestedDevice})` : '';
    facts.push({ key: 'device', text: `Models run on ${deviceName(info.device)}${asked}` });
  }
  const providers = (info.executionProviders ?? []).filter(Boolean);
  if (providers.length) facts.push({ key: 'providers', text: providers.join(', ') });
  if (typeof info.batchSize === 'number') facts.push({ key: 'batch', text: `batch ${info.batchSize}` });
  const threads = [
    typeof info.decodeThreads === 'number' ? `${info.decodeThreads} decode` : '',
    typeof info.inferenceThreads === 'number' ? `${info.inferenceThreads} inference` : '',
  ].filter(Boolean);
  if (threads.length) facts.push({ key: 'threads', text: `${threads.join(' + ')} threads` });
  if (info.onnxRuntimeVersion) facts.push({ key: 'runtime', text: `ONNX Runtime ${info.onnxRuntimeVersion}` });
  if (info.deviceReason) facts.push({ key: 'reason', text: info.deviceReason, title: info.deviceReason });
  return facts;
}

export interface InferenceFooter {
  readonly el: HTMLElement;
  /** Asks the feature-service once; shows the footer (and marks `app` as having one) if it answers. */
  load(app: HTMLElement): Promise<void>;
}

export function createInferenceFooter(): InferenceFooter {
  const el = h('footer', { class: 'app-footer', hidden: true, 'data-testid': 'inference-info' });
  return {
    el,
    async load(app) {
      let info: InferenceInfo | undefined;
      try {
        const answer = await featuresApi.GET('/api/features/info');
        info = answer.response.ok ? answer.data : undefined;
      } catch {
        info = undefined;
      }
      const facts = info ? inferenceFacts(info) : [];
      if (facts.length === 0) return;
      el.replaceChildren(...facts.map((f) => h('span', { class: `footer-fact footer-${f.key}`, title: f.title, 'data-fact': f.key }, f.text)));
      el.setAttribute('aria-label', 'How the models run');
      el.hidden = false;
      app.classList.add('has-footer');
    },
  };
}
