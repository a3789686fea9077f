// The "Upload" part of "Import a model": an ONNX file, its preprocessing (typed, or filled in from a
// model.json) and optional labels, sent with upload progress to POST /api/catalog/models. The
// catalog's problem detail is shown under the form; success links to the new model.
import './model-upload.css';
import { catalogUrls, type Model } from '../../api/catalog';
import { errorMessage, isAbort } from '../../api/problem';
import { sendForm } from '../../api/upload';
import { h } from '../../lib/dom';
import { formatBytes, formatCount, formatInt } from '../../lib/format';
import { createUploadProgress } from '../../ui/upload-progress';
import { createFileDrop } from '../../ui/file-drop';
import {
  check,
  CHANNEL_ORDERS,
  DEFAULT_VALUES,
  INTERPOLATIONS,
  LAYOUTS,
  metadata,
  RESIZE_MODES,
  valuesFromModelJson,
  type Field,
  type FormValues,
  type LabelSource,
  type Problems,
} from './import-form';
import { modelHref } from './state';

export interface ModelUpload {
  readonly el: HTMLElement;
  /** Sets the ids taken (the catalog's models) and readies the form for another import. */
  reset(taken: readonly string[]): void;
  /** Stops an upload under way. */
  cancel(): void;
  /** The first control, to focus. */
  readonly first: HTMLElement;
}

const RESIZE_TEXT: Record<FormValues['resizeMode'], string> = {
  'shorter-side-crop': 'Shorter side to size ÷ crop, centre crop',
  stretch: 'Stretch the whole image to the input size',
};
const LABELS_TEXT: Record<LabelSource, string> = {
  imagenet: 'ImageNet (1,000)',
  file: 'From a .txt file',
  none: 'None',
};

function input(id: string, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement {
  return h('input', { id, class: 'text-input', autocomplete: 'off', spellcheck: 'false', 'data-testid': id, ...attrs });
}

function choice<T extends string>(id: string, options: readonly T[], text: (o: T) => string = (o) => o): HTMLSelectElement {
  return h('select', { id, 'data-testid': id }, ...options.map((o) => h('option', { value: o }, text(o))));
}

export function createModelUpload(onImported: (model: Model) => void): ModelUpload {
  let taken: readonly string[] = [];
  let onnx: File | undefined;
  let labelsFile: File | undefined;
  let base: Record<string, unknown> = {};
  let upload: AbortController | undefined;

  const drop = createFileDrop({
    id: 'import-onnx',
    testid: 'import-onnx',
    accept: '.onnx',
    multiple: false,
    buttonText: 'Choose .onnx file…',
    hint: 'or drop it here',
    label: 'ONNX model file',
    onFiles: (files) => takeOnnx(files[0]!),
  });
  const onnxLine = h('p', { class: 'import-file-line', 'data-testid': 'import-onnx-name' }, 'No model file chosen yet.');
  const jsonInput = h('input', { type: 'file', id: 'import-json', accept: '.json,application/json', class: 'visually-hidden', tabindex: -1, 'aria-label': 'model.json', 'data-testid': 'import-json' });
  const jsonButton = h('button', { type: 'button', class: 'button button-ghost' }, 'Fill in from a model.json…');
  const jsonLine = h('p', { class: 'import-file-line', 'aria-live': 'polite' }, 'Or type the preprocessing below.');

  const id = input('import-id', { type: 'text', maxlength: 100 });
  const height = input('import-height', { type: 'number', min: 1, max: 1024, step: 1, inputmode: 'numeric' });
  const width = input('import-width', { type: 'number', min: 1, max: 1024, step: 1, inputmode: 'numeric' });
  const layout = choice('import-layout', LAYOUTS);
  const order = choice('import-order', CHANNEL_ORDERS);
  const mean = [0, 1, 2].map((i) => input(`import-mean-${i}`, { type: 'text', inputmode: 'decimal' }));
  const std = [0, 1, 2].map((i) => input(`import-std-${i}`, { type: 'text', inputmode: 'decimal' }));
  const resize = choice('import-resize', RESIZE_MODES, (m) => RESIZE_TEXT[m]);
  const crop = input('import-crop', { type: 'text', inputmode: 'decimal' });
  const interpolation = choice('import-interpolation', INTERPOLATIONS);
  const classes = input('import-classes', { type: 'number', min: 0, max: 100000, step: 1, inputmode: 'numeric' });
  const labels = choice('import-labels', ['imagenet', 'file', 'none'] as const, (l) => LABELS_TEXT[l]);
  const labelsInput = h('input', { type: 'file', id: 'import-labels-file', accept: '.txt,text/plain', class: 'visually-hidden', tabindex: -1, 'aria-label': 'Labels file', 'data-testid': 'import-labels-file' });
  const labelsButton = h('button', { type: 'button', class: 'button button-ghost' }, 'Choose labels .txt…');
  const labelsLine = h('span', { class: 'import-file-line' });
  const labelsRow = h('div', { class: 'labels-file-row', hidden: true }, labelsButton, labelsInput, labelsLine);

  // One message element per field, tied to its controls with aria-describedby.
  const errors = new Map<Field, HTMLElement>();
  const errorOf = (f: Field) => {
    let e = errors.get(f);
    if (!e) {
      e = h('p', { class: 'field-error', id: `import-${f}-error`, hidden: true });
      errors.set(f, e);
    }
    return e;
  };
  const controlsOf: Record<Field, HTMLElement[]> = {
    id: [id], height: [height], width: [width], mean, std, cropFraction: [crop], numClasses: [classes], labels: [labels],
  };
  for (const [f, cs] of Object.entries(controlsOf) as [Field, HTMLElement[]][]) for (const c of cs) c.setAttribute('aria-describedby', `import-${f}-error`);

  const labelled = (forId: string, text: string, control: HTMLElement, f?: Field, extra = '') =>
    h('div', { class: `field ${extra}`.trim() }, h('label', { for: forId, class: 'field-label' }, text), control, f ? errorOf(f) : null);
  const channelLabels = () => (order.value === 'BGR' ? ['B', 'G', 'R'] : ['R', 'G', 'B']);
  const triple = (legend: string, f: Field, inputs: HTMLInputElement[]) =>
    h(
      'fieldset',
      { class: 'field triple' },
      h('legend', { class: 'field-label' }, legend),
      h('div', { class: 'triple-inputs' }, ...inputs.map((x, i) => h('label', { class: 'triple-cell' }, h('span', { class: 'triple-channel', 'data-channel': i }, ''), x))),
      errorOf(f),
    );

  const progress = createUploadProgress('import-progress');
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'import-error' });
  const result = h('div', { class: 'own-result', role: 'status', hidden: true, 'data-testid': 'import-result' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'import-submit' }, 'Import model');

  const form = h(
    'form',
    { class: 'import-form', novalidate: true, 'data-testid': 'import-form' },
    h('div', { class: 'import-files' }, drop.el, h('div', { class: 'import-file-info' }, onnxLine, h('div', { class: 'import-json-row' }, jsonButton, jsonInput, jsonLine))),
    h(
      'div',
      { class: 'import-grid' },
      labelled('import-id', 'Model id', id, 'id', 'span-2'),
      labelled('import-height', 'Input height (px)', height, 'height'),
      labelled('import-width', 'Input width (px)', width, 'width'),
      labelled('import-layout', 'Layout', layout),
      labelled('import-order', 'Channel order', order),
      labelled('import-classes', 'Classes (0: none)', classes, 'numClasses'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'import-labels', class: 'field-label' }, 'Labels'),
        labels,
        labelsRow,
        errorOf('labels'),
      ),
      h('div', { class: 'span-2' }, triple('Mean per channel (0..255)', 'mean', mean)),
      h('div', { class: 'span-2' }, triple('Std per channel (0..255)', 'std', std)),
      labelled('import-resize', 'Resize', resize, undefined, 'span-2'),
      labelled('import-crop', 'Crop fraction', crop, 'cropFraction'),
      labelled('import-interpolation', 'Interpolation', interpolation),
    ),
    h('p', { class: 'field-hint' }, 'x = (pixel − mean) / std per channel, pixels 0..255 in the stated channel order. The catalog checks all of it against the graph before it stores anything.'),
    h('div', { class: 'own-status' }, progress.el, formError, result),
    h('div', { class: 'dialog-actions' }, submit),
  );

  function values(): FormValues {
    return {
      id: id.value.trim(),
      height: height.value,
      width: width.value,
      layout: layout.value as FormValues['layout'],
      channelOrder: order.value as FormValues['channelOrder'],
      mean: mean.map((m) => m.value) as FormValues['mean'],
      std: std.map((s) => s.value) as FormValues['std'],
      resizeMode: resize.value as FormValues['resizeMode'],
      cropFraction: crop.value,
      interpolation: interpolation.value as FormValues['interpolation'],
      numClasses: classes.value,
      labels: labels.value as LabelSource,
    };
  }

  function setValues(v: FormValues) {
    id.value = v.id;
    height.value = v.height;
    width.value = v.width;
    layout.value = v.layout;
    order.value = v.channelOrder;
    v.mean.forEach((m, i) => (mean[i]!.value = m));
    v.std.forEach((s, i) => (std[i]!.value = s));
    resize.value = v.resizeMode;
    crop.value = v.cropFraction;
    interpolation.value = v.interpolation;
    classes.value = v.numClasses;
    labels.value = v.labels;
    sync();
  }

  /** What depends on other fields: channel names, the crop field, the labels file row. */
  function sync() {
    const names = channelLabels();
    form.querySelectorAll<HTMLElement>('.triple-channel').forEach((s) => (s.textContent = names[Number(s.dataset.channel)] ?? ''));
    mean.forEach((m, i) => m.setAttribute('aria-label', `Mean, ${names[i]} channel`));
    std.forEach((s, i) => s.setAttribute('aria-label', `Std, ${names[i]} channel`));
    crop.disabled = resize.value === 'stretch';
    const wantsFile = labels.value === 'file';
    labelsRow.hidden = !wantsFile;
    labelsLine.textContent = wantsFile ? (labelsFile ? `${labelsFile.name} · ${formatBytes(labelsFile.size)}` : 'no file chosen') : '';
  }

  function showProblems(p: Problems) {
    for (const f of Object.keys(controlsOf) as Field[]) {
      const message = p[f] ?? '';
      const e = errorOf(f);
      e.textContent = message;
      e.hidden = !message;
      for (const c of controlsOf[f]) c.setAttribute('aria-invalid', String(Boolean(message)));
    }
  }

  function setError(message: string) {
    formError.textContent = message;
    formError.hidden = !message;
  }

  function takeOnnx(file: File) {
    if (!/\.onnx$/i.test(file.name)) {
      setError(`'${file.name}' is not an .onnx file.`);
      return;
    }
    onnx = file;
    setError('');
    result.hidden = true;
    onnxLine.replaceChildren(h('strong', {}, file.name), ` · ${formatBytes(file.size)}`);
    // A new file suggests its own id, unless one was typed or filled in.
    if (!id.value) id.value = file.name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100);
  }

  async function takeJson(file: File) {
    try {
      const json: unknown = JSON.parse(await file.text());
      const keepId = id.value;
      setValues(valuesFromModelJson(json, values()));
      base = json as Record<string, unknown>;
      // The model.json's name is only a suggestion: an id typed already wins.
      if (keepId) id.value = keepId;
      jsonLine.textContent = `Filled in from ${file.name}; its other fields (family, licence, source, feature layers…) are sent along.`;
      setError('');
    } catch (e) {
      setError(`${file.name} is not a usable model.json: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function send() {
    if (upload) return;
    setError('');
    result.hidden = true;
    const v = values();
    const problems = check(v, taken, Boolean(labelsFile));
    showProblems(problems);
    if (!onnx) {
      setError('Choose the .onnx file.');
      drop.button.focus();
      return;
    }
    const firstBad = (Object.keys(controlsOf) as Field[]).find((f) => problems[f]);
    if (firstBad) {
      controlsOf[firstBad][0]!.focus();
      return;
    }
    const body = new FormData();
    body.append('model', onnx, onnx.name);
    body.append('metadata', JSON.stringify(metadata(v, base)));
    if (v.labels === 'file' && labelsFile) body.append('labels', labelsFile, labelsFile.name);
    upload = new AbortController();
    submit.disabled = true;
    submit.textContent = 'Importing…';
    form.dataset.state = 'uploading';
    progress.bytes(0, onnx.size);
    try {
      const model = await sendForm<Model>('POST', catalogUrls.url('post', '/api/catalog/models', {}), body, {
        signal: upload.signal,
        onProgress: (p) => progress.bytes(p.loaded, p.total),
        onSent: () => progress.sent('Uploaded; the catalog checks the graph and loads it in ONNX Runtime…'),
      });
      const mid = model.id ?? v.id;
      result.replaceChildren(
        h('p', { class: 'own-result-head' }, `Imported '${mid}': ${formatInt(model.layerCount ?? 0)} layers, ${formatCount(model.parameters ?? 0)} parameters, input ${model.inputSize?.join('×') ?? '?'}.`),
        h('a', { class: 'button button-secondary', href: modelHref(mid), 'data-testid': 'import-open' }, `Open ${mid}`),
      );
      result.hidden = false;
      form.dataset.state = 'done';
      taken = [...taken, mid];
      onImported(model);
      result.querySelector<HTMLElement>('a')?.focus();
    } catch (e) {
      form.dataset.state = 'error';
      if (!isAbort(e)) setError(errorMessage(e));
    } finally {
      upload = undefined;
      progress.hide();
      submit.disabled = false;
      submit.textContent = 'Import model';
    }
    // The button was disabled under the focus; after an error it is where to try again.
    if (form.dataset.state === 'error' && !form.contains(document.activeElement)) submit.focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });
  jsonButton.addEventListener('click', () => jsonInput.click());
  jsonInput.addEventListener('change', () => {
    const f = jsonInput.files?.[0];
    jsonInput.value = '';
    if (f) void takeJson(f);
  });
  labelsButton.addEventListener('click', () => labelsInput.click());
  labelsInput.addEventListener('change', () => {
    labelsFile = labelsInput.files?.[0];
    labelsInput.value = '';
    sync();
  });
  for (const c of [order, resize, labels]) c.addEventListener('change', sync);
  form.addEventListener('input', (e) => {
    // A corrected field loses its message at once.
    const f = (Object.keys(controlsOf) as Field[]).find((k) => controlsOf[k].includes(e.target as HTMLElement));
    if (f && !errorOf(f).hidden) showProblems({ ...Object.fromEntries([...errors].filter(([k, el]) => k !== f && !el.hidden).map(([k, el]) => [k, el.textContent ?? ''])) });
  });

  setValues(DEFAULT_VALUES);

  return {
    el: form,
    first: drop.button,
    reset(ids) {
      taken = ids;
      if (upload) return;
      if (form.dataset.state === 'done') {
        // After an import, the next one starts from a clean form.
        onnx = undefined;
        labelsFile = undefined;
        base = {};
        onnxLine.textContent = 'No model file chosen yet.';
        jsonLine.textContent = 'Or type the preprocessing below.';
        setValues(DEFAULT_VALUES);
        result.hidden = true;
        delete form.dataset.state;
      }
      showProblems({});
      setError('');
    },
    cancel() {
      upload?.abort();
    },
  };
}
