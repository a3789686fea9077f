// Tabs (WAI-ARIA tabs pattern): a tablist whose selected tab is the one tab stop, arrow keys, Home and
// End move between tabs, and each tab shows its panel. Styled like the model page's tabs.
import './tabs.css';
import { h } from '../lib/dom';

export interface TabSpec<K extends string> {
  key: K;
  label: string;
  panel: HTMLElement;
}

export interface Tabs<K extends string> {
  readonly list: HTMLElement;
  readonly panels: HTMLElement[];
  select(key: K, focus?: boolean): void;
  selected(): K;
  /** A disabled tab cannot be chosen (and is skipped by the arrow keys). */
  setDisabled(key: K, disabled: boolean): void;
}

/** The index the arrow keys, Home or End move to among n tabs (skipping disabled ones); -1 for other keys. */
export function nextTab(key: string, at: number, disabled: readonly boolean[]): number {
  const n = disabled.length;
  const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
  const start = key === 'Home' ? -1 : key === 'End' ? n : step ? at : NaN;
  if (Number.isNaN(start)) return -1;
  const dir = key === 'End' ? -1 : key === 'Home' ? 1 : step;
  for (let i = 1; i <= n; i++) {
    const to = (((start + dir * i) % n) + n) % n;
    if (!disabled[to]) return to;
  }
  return at;
}

export function createTabs<K extends string>(id: string, label: string, specs: readonly TabSpec<K>[], onSelect?: (key: K) => void): Tabs<K> {
  let current = specs[0]!.key;
  const buttons = specs.map((s) =>
    h('button', { type: 'button', role: 'tab', id: `${id}-tab-${s.key}`, class: 'tab', 'aria-controls': `${id}-panel-${s.key}`, 'data-tab': s.key, 'data-testid': `${id}-tab-${s.key}` }, s.label),
  );
  const panels = specs.map((s) => {
    s.panel.id = `${id}-panel-${s.key}`;
    s.panel.setAttribute('role', 'tabpanel');
    s.panel.setAttribute('aria-labelledby', `${id}-tab-${s.key}`);
    s.panel.classList.add('tab-panel');
    return s.panel;
  });
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label }, ...buttons);

  function select(key: K, focus = false) {
    const i = specs.findIndex((s) => s.key === key);
    if (i < 0 || buttons[i]!.disabled) return;
    const changed = key !== current;
    current = key;
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(j === i));
      b.tabIndex = j === i ? 0 : -1;
      panels[j]!.hidden = j !== i;
    });
    if (focus) buttons[i]!.focus();
    if (changed) onSelect?.(key);
  }

  list.addEventListener('click', (e) => {
    const key = (e.target as HTMLElement).closest<HTMLElement>('[role="tab"]')?.dataset.tab as K | undefined;
    if (key) select(key, true);
  });
  list.addEventListener('keydown', (e) => {
    const at = specs.findIndex((s) => s.key === current);
    const to = nextTab(e.key, at, buttons.map((b) => b.disabled));
    if (to < 0) return;
    e.preventDefault();
    select(specs[to]!.key, true);
  });
  // The first tab is shown without telling onSelect: nothing changed yet.
  buttons.forEach((b, j) => {
    b.setAttribute('aria-selected', String(j === 0));
    b.tabIndex = j === 0 ? 0 : -1;
    panels[j]!.hidden = j !== 0;
  });

  return {
    list,
    panels,
    select,
    selected: () => current,
    setDisabled(key, disabled) {
      const b = buttons[specs.findIndex((s) => s.key === key)];
      if (b) b.disabled = disabled;
    },
  };
}
