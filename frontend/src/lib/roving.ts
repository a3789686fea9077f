// Arrow-key navigation in a grid of buttons with one tab stop (a "roving tabindex"), so a grid of
// thousands of thumbnails is one Tab away from the next control rather than thousands.

/** Picks the item to move to from `from` for an arrow key, by where the items are on screen. */
export function nextByGeometry(rects: readonly DOMRect[], from: number, key: string): number {
  const here = rects[from];
  if (!here) return from;
  if (key === 'Home') return 0;
  if (key === 'End') return rects.length - 1;
  const cx = here.left + here.width / 2;
  const cy = here.top + here.height / 2;
  let best = from;
  let bestScore = Infinity;
  rects.forEach((r, i) => {
    if (i === from) return;
    const x = r.left + r.width / 2 - cx;
    const y = r.top + r.height / 2 - cy;
    const along = key === 'ArrowRight' ? x : key === 'ArrowLeft' ? -x : key === 'ArrowDown' ? y : key === 'ArrowUp' ? -y : NaN;
    const across = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(y) : Math.abs(x);
    if (!(along > 1)) return;
    const score = across * 4 + along;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

const KEYS = new Set(['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End']);

/** Makes the `selector` items inside `container` one tab stop, moved with the arrow keys. */
export function rovingFocus(container: HTMLElement, selector: string): { reset(current?: HTMLElement): void } {
  const items = () => [...container.querySelectorAll<HTMLElement>(selector)];
  const makeCurrent = (el: HTMLElement) => {
    for (const item of container.querySelectorAll<HTMLElement>(`${selector}[tabindex="0"]`)) item.tabIndex = -1;
    el.tabIndex = 0;
  };
  container.addEventListener('focusin', (e) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>(selector);
    if (target) makeCurrent(target);
  });
  container.addEventListener('keydown', (e) => {
    if (!KEYS.has(e.key)) return;
    const list = items();
    const from = list.indexOf(document.activeElement as HTMLElement);
    if (from < 0) return;
    e.preventDefault();
    const to = nextByGeometry(list.map((el) => el.getBoundingClientRect()), from, e.key);
    const target = list[to];
    if (target && to !== from) {
      makeCurrent(target);
      target.focus();
      target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  });
  return {
    reset(current) {
      const list = items();
      const keep = current ?? list[0];
      for (const item of list) item.tabIndex = item === keep ? 0 : -1;
    },
  };
}

/**
 * A group of role="radio" buttons as a radio group: one tab stop (the checked one), the arrow keys
 * move the choice.
 */
export function radioGroup(group: HTMLElement): { sync(): void } {
  const radios = () => [...group.querySelectorAll<HTMLElement>('[role="radio"]')];
  const sync = () => {
    const list = radios();
    const checked = list.find((r) => r.getAttribute('aria-checked') === 'true') ?? list[0];
    for (const r of list) r.tabIndex = r === checked ? 0 : -1;
  };
  group.addEventListener('keydown', (e) => {
    const list = radios();
    const i = list.indexOf(document.activeElement as HTMLElement);
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (i < 0 || step === 0) return;
    e.preventDefault();
    const next = list[(i + step + list.length) % list.length]!;
    next.click();
    // The click may re-render the group: focus the radio with the same value.
    const value = next.dataset.method ?? next.dataset.metric;
    const now = radios().find((r) => (r.dataset.method ?? r.dataset.metric) === value) ?? next;
    now.focus();
    sync();
  });
  group.addEventListener('click', () => sync());
  return { sync };
}
