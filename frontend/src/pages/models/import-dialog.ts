// "Import a model": one dialog with two ways in, uploading an ONNX file with its preprocessing, or
// downloading a model of the zoo. Whatever joins the catalog is reported so the list can show it.
import type { Model } from '../../api/catalog';
import { h } from '../../lib/dom';
import { createDialog } from '../../ui/dialog';
import { createTabs } from '../../ui/tabs';
import { createModelUpload } from './model-upload';
import { createZoo } from './zoo';

export type ImportTab = 'upload' | 'zoo';

export interface ImportDialog {
  open(opener: HTMLElement, taken: readonly string[], tab?: ImportTab): void;
  dispose(): void;
}

export function createImportDialog(onChanged: (model: Model | undefined) => void): ImportDialog {
  const dialog = createDialog({ id: 'import', testid: 'import-dialog' });
  dialog.setTitle('Import a model', 'Any ONNX CNN with one image input; its layers become searchable like the shared models.');
  dialog.panel.classList.add('dialog-wide');
  const upload = createModelUpload(onChanged);
  const zoo = createZoo(onChanged);
  let zooLoaded = false;
  const tabs = createTabs<ImportTab>(
    'import',
    'How to import',
    [
      { key: 'upload', label: 'Upload ONNX', panel: h('div', {}, upload.el) },
      { key: 'zoo', label: 'Zoo', panel: h('div', {}, zoo.el) },
    ],
    (tab) => {
      if (tab === 'zoo' && !zooLoaded) {
        zooLoaded = true;
        zoo.load();
      }
    },
  );
  dialog.body.append(tabs.list, ...tabs.panels);

  return {
    open(opener, taken, tab = 'upload') {
      upload.reset(taken);
      // The zoo's installed flags may have changed since it was shown.
      if (zooLoaded) zoo.load();
      dialog.open(opener);
      tabs.select(tab, true);
      if (tab === 'zoo' && !zooLoaded) {
        zooLoaded = true;
        zoo.load();
      }
    },
    dispose() {
      upload.cancel();
      zoo.dispose();
      dialog.close();
      dialog.el.remove();
    },
  };
}
