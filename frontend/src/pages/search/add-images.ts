// "Add your images": a dialog that makes a new dataset from a zip or from image files, adds images to
// one of the user's datasets, or deletes one (after a confirmation). The upload shows its progress;
// the answer's imported count and skipped files are shown; the page then shows the dataset.
import './add-images.css';
import { featuresApi, featuresUrls, type Dataset } from '../../api/features';
import { errorMessage, isAbort, unwrap } from '../../api/problem';
import { sendForm } from '../../api/upload';
import { append, h } from '../../lib/dom';
import { formatBytes, formatInt } from '../../lib/format';
import { zipStore } from '../../lib/zip';
import { createDialog } from '../../ui/dialog';
import { createFileDrop } from '../../ui/file-drop';
import { createTabs } from '../../ui/tabs';
import { createUploadProgress } from '../../ui/upload-progress';
import { field } from './controls';
import { ACCEPT, archivePaths, labelProblem, nameProblem, resultHeadline, sortFiles, suggestName, type ImportResult } from './own-data';

export interface AddImagesEvents {
  /** Images were imported into the dataset (created: a new one): show it. */
  onImported(dataset: string, created: boolean): Promise<Dataset[]>;
  /** The dataset was deleted: show another. */
  onDeleted(dataset: string): Promise<Dataset[]>;
}

export interface AddImagesDialog {
  open(opener: HTMLElement, datasets: readonly Dataset[], current: string): void;
  dispose(): void;
}

type Mode = 'new' | 'add';
type Phase = 'idle' | 'uploading' | 'done' | 'confirm-delete' | 'deleting';

export function createAddImagesDialog(events: AddImagesEvents): AddImagesDialog {
  let datasets: readonly Dataset[] = [];
  let files: File[] = [];
  let phase: Phase = 'idle';
  let upload: AbortController | undefined;

  const dialog = createDialog({ id: 'own', testid: 'add-images-dialog', onClose: () => upload?.abort() });
  dialog.setTitle('Add your images', 'Search your own photos: class folders in a zip become labels, so results can be checked by class.');

  // Where the images go: a new dataset (named here) or one of the user's.
  const name = h('input', { type: 'text', id: 'own-name', class: 'text-input', autocomplete: 'off', spellcheck: 'false', maxlength: 64, 'aria-describedby': 'own-name-hint', 'data-testid': 'own-name' });
  const nameHint = h('p', { class: 'field-hint', id: 'own-name-hint' }, "Letters, digits, '.', '-' and '_'.");
  const target = h('select', { id: 'own-target', 'data-testid': 'own-target' });
  const deleteButton = h('button', { type: 'button', class: 'button button-ghost button-danger', 'data-testid': 'own-delete' }, 'Delete dataset…');
  const newPanel = h('div', {}, h('div', { class: 'field' }, h('label', { for: 'own-name', class: 'field-label' }, 'Name of the new dataset'), name, nameHint));
  const addPanel = h(
    'div',
    {},
    h('div', { class: 'own-target-row' }, field('own-target', 'Your dataset', target, 'field-grow'), deleteButton),
  );
  const tabs = createTabs<Mode>('own-mode', 'Where the images go', [
    { key: 'new', label: 'New dataset', panel: newPanel },
    { key: 'add', label: 'Add to existing', panel: addPanel },
  ], () => render());

  const drop = createFileDrop({
    id: 'own-files',
    testid: 'own-files',
    accept: ACCEPT,
    multiple: true,
    buttonText: 'Choose files…',
    hint: 'or drop a .zip or images here (JPEG, PNG, WebP, BMP, GIF, TIFF)',
    label: 'A zip archive or image files',
    onFiles: (picked) => take(picked),
  });
  const chosen = h('div', { class: 'own-chosen', 'aria-live': 'polite', 'data-testid': 'own-chosen' });
  const label = h('input', { type: 'text', id: 'own-label', class: 'text-input', autocomplete: 'off', spellcheck: 'false', maxlength: 64, 'aria-describedby': 'own-label-hint', 'data-testid': 'own-label' });
  const labelHint = h('p', { class: 'field-hint', id: 'own-label-hint' }, "Optional, for loose images; in a zip, each folder names its images' class.");
  const labelField = h('div', { class: 'field' }, h('label', { for: 'own-label', class: 'field-label' }, 'Class of the loose images'), label, labelHint);

  // One status area for progress, result and errors, with room reserved so the dialog does not jump.
  const progress = createUploadProgress('own-progress');
  const result = h('div', { class: 'own-result', role: 'status', hidden: true, 'data-testid': 'own-result' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'own-error' });
  const status = h('div', { class: 'own-status' }, progress.el, result, error);

  const confirmText = h('p', { class: 'confirm-text' });
  const confirmCancel = h('button', { type: 'button', class: 'button button-ghost' }, 'Keep it');
  const confirmDelete = h('button', { type: 'button', class: 'button button-danger-solid', 'data-testid': 'own-delete-confirm' }, 'Delete dataset');
  const confirm = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm deletion', hidden: true }, confirmText, h('div', { class: 'dialog-actions' }, confirmCancel, confirmDelete));

  const cancel = h('button', { type: 'button', class: 'button button-ghost', 'data-testid': 'own-cancel' }, 'Cancel');
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'own-submit' }, 'Upload');
  const actions = h('div', { class: 'dialog-actions' }, cancel, submit);
  const form = h('form', { class: 'own-form', novalidate: true }, tabs.list, ...tabs.panels, drop.el, chosen, labelField, status, confirm, actions);
  dialog.body.append(form);

  const writable = () => datasets.filter((d) => d.writable && d.id);
  const mode = () => tabs.selected();

  function setError(message: string) {
    error.textContent = message;
    error.hidden = !message;
  }

  function take(picked: File[]) {
    if (phase === 'done') reset(false);
    const sorted = sortFiles(picked);
    files = [...sorted.archives, ...sorted.images];
    // A zip names a new dataset unless the user did.
    if (mode() === 'new' && !name.value && sorted.archives[0]) name.value = suggestName(sorted.archives[0].name, datasets.map((d) => d.id ?? ''));
    renderChosen(sorted.rejected);
    setError('');
    render();
  }

  function renderChosen(rejected: { file: File; reason: string }[] = []) {
    const archives = files.filter((f) => sortFiles([f]).archives.length);
    const images = files.length - archives.length;
    const bytes = files.reduce((n, f) => n + f.size, 0);
    const parts: string[] = [];
    if (archives.length) parts.push(archives.map((a) => a.name).join(', '));
    if (images) parts.push(`${formatInt(images)} image${images === 1 ? '' : 's'}`);
    chosen.replaceChildren();
    append(
      chosen,
      files.length ? h('p', { class: 'own-chosen-line' }, h('strong', {}, parts.join(' + ')), ` · ${formatBytes(bytes)}`) : h('p', { class: 'own-chosen-line is-empty' }, 'No files chosen yet.'),
      rejected.length ? h('p', { class: 'own-chosen-rejected' }, `Left out: ${rejected.map((r) => `${r.file.name} (${r.reason})`).join(', ')}`) : null,
    );
  }

  function render() {
    const busy = phase === 'uploading' || phase === 'deleting';
    const mine = writable();
    tabs.setDisabled('add', mine.length === 0);
    const isAdd = mode() === 'add';
    for (const control of [name, target, label]) control.disabled = busy || phase === 'confirm-delete';
    drop.setDisabled(busy || phase === 'confirm-delete');
    deleteButton.disabled = busy || phase === 'confirm-delete' || !target.value;
    deleteButton.hidden = !isAdd;
    confirm.hidden = phase !== 'confirm-delete' && phase !== 'deleting';
    actions.hidden = !confirm.hidden;
    confirmDelete.disabled = phase === 'deleting';
    const archiveOnly = files.length > 0 && files.every((f) => sortFiles([f]).archives.length);
    labelField.classList.toggle('is-muted', archiveOnly);
    submit.disabled = busy || (phase !== 'done' && files.length === 0);
    submit.textContent = phase === 'done' ? 'Done' : busy ? 'Uploading…' : isAdd ? 'Add images' : 'Upload and search';
    cancel.textContent = phase === 'done' ? 'Add more' : 'Cancel';
    form.dataset.phase = phase;
  }

  function fillTargets(selected: string) {
    const mine = writable();
    target.replaceChildren(...mine.map((d) => h('option', { value: d.id ?? '' }, `${d.id} · ${formatInt(d.imageCount ?? 0)} images`)));
    if (mine.some((d) => d.id === selected)) target.value = selected;
  }

  function reset(clearName: boolean) {
    files = [];
    phase = 'idle';
    if (clearName) name.value = '';
    label.value = '';
    progress.hide();
    result.hidden = true;
    setError('');
    renderChosen();
  }

  /** What to send: the form and where; a new dataset from loose images gets them as a zip. */
  async function request(): Promise<{ url: string; form: FormData; dataset: string; created: boolean } | string> {
    const sorted = sortFiles(files);
    const cls = label.value.trim();
    const labelError = labelProblem(cls);
    if (labelError) return `Class: ${labelError}`;
    if (sorted.archives.length > 1) return 'Choose one zip at a time.';
    const form = new FormData();
    if (mode() === 'add') {
      const id = target.value;
      if (!id) return 'Choose one of your datasets.';
      if (sorted.archives[0]) form.append('archive', sorted.archives[0], sorted.archives[0].name);
      for (const f of sorted.images) form.append('files', f, f.name);
      if (cls && sorted.images.length) form.append('label', cls);
      return { url: featuresUrls.url('post', '/api/features/datasets/{id}/images', { path: { id } }), form, dataset: id, created: false };
    }
    const id = name.value.trim();
    const nameError = nameProblem(id, datasets.map((d) => d.id ?? ''));
    if (nameError) return nameError;
    if (sorted.archives.length && sorted.images.length) return 'For a new dataset choose either one zip or image files; add more to it afterwards.';
    form.append('name', id);
    if (sorted.archives[0]) form.append('archive', sorted.archives[0], sorted.archives[0].name);
    else {
      // The create endpoint takes one archive: loose images are stored (not compressed) into one here.
      const paths = archivePaths(sorted.images.map((f) => f.name), cls);
      const entries = await Promise.all(sorted.images.map(async (f, i) => ({ name: paths[i]!, data: new Uint8Array(await f.arrayBuffer()) })));
      const zip = zipStore(entries);
      form.append('archive', new File([zip.buffer as ArrayBuffer], `${id}.zip`, { type: 'application/zip' }), `${id}.zip`);
    }
    return { url: featuresUrls.url('post', '/api/features/datasets', {}), form, dataset: id, created: true };
  }

  async function send() {
    if (phase === 'done') {
      dialog.close();
      return;
    }
    if (phase !== 'idle' || files.length === 0) return;
    setError('');
    result.hidden = true;
    let what: Awaited<ReturnType<typeof request>>;
    try {
      what = await request();
    } catch (e) {
      what = `The files could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (typeof what === 'string') {
      setError(what);
      return;
    }
    phase = 'uploading';
    upload = new AbortController();
    progress.bytes(0, 0);
    render();
    try {
      const answer = await sendForm<ImportResult>('POST', what.url, what.form, {
        signal: upload.signal,
        onProgress: (p) => progress.bytes(p.loaded, p.total),
        onSent: () => progress.sent('Uploaded; the feature-service checks and stores every image…'),
      });
      phase = 'done';
      progress.hide();
      showResult(answer, what.dataset, what.created);
      render();
      // The button (disabled under the focus while sending) is "Done" now.
      submit.focus();
      datasets = await events.onImported(what.dataset, what.created);
      fillTargets(what.dataset);
      render();
    } catch (e) {
      phase = 'idle';
      progress.hide();
      if (!isAbort(e)) setError(errorMessage(e));
      render();
      submit.focus();
    } finally {
      upload = undefined;
    }
  }

  function showResult(answer: ImportResult, dataset: string, created: boolean) {
    const skipped = answer.skipped ?? [];
    result.replaceChildren();
    append(
      result,
      h('p', { class: 'own-result-head' }, resultHeadline(answer, dataset, !created)),
      skipped.length
        ? h('ul', { class: 'own-skipped', 'data-testid': 'own-skipped' }, ...skipped.map((s) => h('li', {}, h('span', { class: 'own-skipped-name' }, s.name ?? ''), ` — ${s.reason ?? 'skipped'}`)))
        : null,
      h('p', { class: 'own-result-next' }, created ? 'The search page shows it now; the first search builds its collection.' : 'Searches include them from the next query on.'),
    );
    result.dataset.imported = String(answer.imported ?? 0);
    result.hidden = false;
  }

  async function remove() {
    const id = target.value;
    if (!id) return;
    phase = 'deleting';
    render();
    try {
      unwrap(await featuresApi.DELETE('/api/features/datasets/{id}', { params: { path: { id } } }));
      datasets = await events.onDeleted(id);
      reset(false);
      fillTargets('');
      result.replaceChildren(h('p', { class: 'own-result-head' }, `Deleted '${id}'.`));
      result.hidden = false;
      if (writable().length === 0) tabs.select('new');
    } catch (e) {
      setError(errorMessage(e));
    }
    phase = 'idle';
    render();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });
  cancel.addEventListener('click', () => {
    if (phase === 'done') {
      // "Add more": to the dataset just filled.
      const id = target.value;
      reset(true);
      if (writable().some((d) => d.id === id)) {
        target.value = id;
        tabs.select('add');
      }
      render();
      drop.button.focus();
    } else if (phase === 'uploading') upload?.abort();
    else dialog.close();
  });
  name.addEventListener('input', () => setError(''));
  target.addEventListener('change', () => render());
  deleteButton.addEventListener('click', () => {
    const d = datasets.find((x) => x.id === target.value);
    if (!d) return;
    confirmText.replaceChildren(
      'Delete ', h('strong', {}, `'${d.id}'`), ` and its ${formatInt(d.imageCount ?? 0)} images? Its search collections go with it. This cannot be undone.`,
    );
    phase = 'confirm-delete';
    setError('');
    render();
    confirmCancel.focus();
  });
  confirmCancel.addEventListener('click', () => {
    phase = 'idle';
    render();
    deleteButton.focus();
  });
  confirmDelete.addEventListener('click', () => void remove());

  return {
    open(opener, list, current) {
      datasets = list;
      if (phase !== 'uploading' && phase !== 'deleting') reset(true);
      fillTargets(current);
      const mine = writable();
      tabs.setDisabled('add', mine.length === 0);
      tabs.select('new');
      render();
      dialog.open(opener);
    },
    dispose() {
      upload?.abort();
      dialog.close();
      dialog.el.remove();
    },
  };
}
