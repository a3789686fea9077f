// The embedding map drawn on a canvas: dots coloured by class, or - when few enough points are in
// view - small thumbnails framed in their class colour. Wheel/pinch/buttons zoom, dragging pans,
// hovering names a point, clicking picks it.
import { thumbnailUrl } from '../../api/features';
import { h } from '../../lib/dom';
import {
  boundsOf, fit, nearestPoint, pan, toScreen, wheelFactor, zoomAt, IDENTITY, type Point, type Transform,
} from '../../lib/viewport';

/** Thumbnails are drawn when at most this many points are in view; dots otherwise. */
export const THUMBNAIL_LIMIT = 300;
export const THUMB_FETCH_SIZE = 64;
const MAX_ZOOM = 64;
const MIN_ZOOM = 0.5;
const CONCURRENT_LOADS = 6;

export interface MapPoint extends Point {
  id: string;
  label: string;
}

export interface MapCanvas {
  readonly el: HTMLElement;
  /** withImages false: the points have no images (an imported collection's): dots only, no thumbnail requested. */
  setPoints(dataset: string, points: readonly MapPoint[], colorOf: (label: string) => string, withImages?: boolean): void;
  clear(): void;
  highlight(label: string | undefined): void;
  zoomBy(factor: number): void;
  reset(): void;
  /** Zoom relative to the fitted view (1 = everything in view). */
  zoom(): number;
}

export interface MapEvents {
  onHover(point: MapPoint | undefined): void;
  onPick(point: MapPoint): void;
  onZoom(zoom: number): void;
}

/** The side of a thumbnail for a zoom relative to the fitted view: 22 px at 1×, growing to 64 px. */
export function thumbSide(zoom: number): number {
  return Math.round(Math.min(64, Math.max(22, 22 * Math.sqrt(Math.max(zoom, 0)))));
}

export function createMapCanvas(events: MapEvents): MapCanvas {
  const canvas = h('canvas', { class: 'map-canvas', tabindex: 0, 'data-testid': 'map-canvas', role: 'img', 'aria-label': 'Embedding map' });
  const tooltip = h('div', { class: 'map-tooltip', hidden: true, 'aria-hidden': 'true' });
  const tipImg = h('img', { class: 'map-tooltip-img', alt: '', width: 64, height: 64 });
  const tipLabel = h('span', { class: 'map-tooltip-label' });
  const tipId = h('span', { class: 'map-tooltip-id' });
  tooltip.append(tipImg, h('span', { class: 'map-tooltip-text' }, tipLabel, tipId));
  const el = h('div', { class: 'map-stage' }, canvas, tooltip);
  const ctx = canvas.getContext('2d', { alpha: false })!;

  let dataset = '';
  let withImages = true;
  let points: readonly MapPoint[] = [];
  let colors: string[] = [];
  let highlighted: string | undefined;
  let hovered = -1;
  let t: Transform = IDENTITY;
  let fitted: Transform = IDENTITY;
  let width = 0;
  let height = 0;
  let moved = false; // the user zoomed or panned: keep the view on resize
  let frame = 0;

  const images = new Map<string, HTMLImageElement | 'broken'>();
  const wanted: string[] = [];
  let loading = 0;

  function requestDraw() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function loadNext() {
    while (loading < CONCURRENT_LOADS && wanted.length) {
      const id = wanted.pop()!;
      if (images.has(id)) continue;
      const img = new Image();
      img.decoding = 'async';
      images.set(id, img);
      loading++;
      const done = (ok: boolean) => {
        loading--;
        if (!ok) images.set(id, 'broken');
        requestDraw();
        loadNext();
      };
      img.onload = () => done(true);
      img.onerror = () => done(false);
      img.src = thumbnailUrl(dataset, id, THUMB_FETCH_SIZE);
    }
    // Thumbnails in view still loading (for tests and the curious).
    canvas.dataset.pending = String(wanted.length + loading);
  }

  function draw() {
    frame = 0;
    const started = performance.now();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fbfbfd';
    ctx.fillRect(0, 0, width, height);
    const zoom = t.k / fitted.k;
    const side = thumbSide(zoom);
    const margin = side;
    const visible: number[] = [];
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const x = p.x * t.k + t.x;
      const y = -p.y * t.k + t.y;
      if (x > -margin && x < width + margin && y > -margin && y < height + margin) visible.push(i);
    }
    const thumbs = withImages && visible.length <= THUMBNAIL_LIMIT;
    canvas.dataset.mode = thumbs ? 'thumbnails' : 'dots';
    canvas.dataset.visible = String(visible.length);
    // Dimmed points first, the highlighted class on top.
    const order = highlighted === undefined ? visible : [...visible.filter((i) => points[i]!.label !== highlighted), ...visible.filter((i) => points[i]!.label === highlighted)];
    wanted.length = 0;
    if (thumbs) {
      for (const i of order) {
        const p = points[i]!;
        const dim = highlighted !== undefined && p.label !== highlighted;
        const x = Math.round(p.x * t.k + t.x - side / 2);
        const y = Math.round(-p.y * t.k + t.y - side / 2);
        ctx.globalAlpha = dim ? 0.18 : 1;
        ctx.fillStyle = colors[i]!;
        ctx.fillRect(x - 2, y - 2, side + 4, side + 4);
        const img = images.get(p.id);
        if (img && img !== 'broken' && img.complete && img.naturalWidth > 0) {
          const s = Math.min(img.naturalWidth, img.naturalHeight);
          ctx.drawImage(img, (img.naturalWidth - s) / 2, (img.naturalHeight - s) / 2, s, s, x, y, side, side);
        } else {
          ctx.fillStyle = '#eef0f4';
          ctx.fillRect(x, y, side, side);
          if (!img) wanted.push(p.id);
        }
      }
      wanted.reverse(); // load the top-most first
      loadNext();
    } else {
      canvas.dataset.pending = String(loading);
      const r = points.length > 1000 ? 2.5 : 3.5;
      let style = '';
      for (const i of order) {
        const p = points[i]!;
        const dim = highlighted !== undefined && p.label !== highlighted;
        ctx.globalAlpha = dim ? 0.15 : 0.9;
        if (colors[i] !== style) {
          style = colors[i]!;
          ctx.fillStyle = style;
        }
        ctx.beginPath();
        ctx.arc(p.x * t.k + t.x, -p.y * t.k + t.y, r, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    const hp = points[hovered];
    if (hp) {
      const s = toScreen(t, hp);
      const half = thumbs ? side / 2 + 4 : 7;
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#1b2030';
      if (thumbs) ctx.strokeRect(s.x - half, s.y - half, half * 2, half * 2);
      else {
        ctx.beginPath();
        ctx.arc(s.x, s.y, half, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
    canvas.dataset.k = String(t.k);
    canvas.dataset.tx = String(t.x);
    canvas.dataset.ty = String(t.y);
    canvas.dataset.zoom = zoom.toFixed(3);
  }

  function resize() {
    const box = el.getBoundingClientRect();
    const w = Math.max(1, Math.round(box.width));
    const hgt = Math.max(1, Math.round(box.height));
    if (w === width && hgt === height) return;
    const dpr = window.devicePixelRatio || 1;
    const old = { width, height };
    width = w;
    height = hgt;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hgt * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${hgt}px`;
    const before = fitted;
    fitted = fit(boundsOf(points), width, height, 28);
    if (!moved || old.width === 0) t = fitted;
    else t = { k: t.k * (fitted.k / before.k), x: t.x + (width - old.width) / 2, y: t.y + (height - old.height) / 2 };
    draw();
  }
  new ResizeObserver(resize).observe(el);

  function setView(next: Transform) {
    t = next;
    moved = true;
    events.onZoom(t.k / fitted.k);
    requestDraw();
  }

  function zoomAround(factor: number, px: number, py: number) {
    setView(zoomAt(t, factor, px, py, fitted.k * MIN_ZOOM, fitted.k * MAX_ZOOM));
  }

  function pickRadius() {
    const zoom = t.k / fitted.k;
    return canvas.dataset.mode === 'thumbnails' ? thumbSide(zoom) / 2 + 3 : 8;
  }

  function hover(px: number | undefined, py = 0) {
    const i = px === undefined ? -1 : nearestPoint(t, points, px, py, pickRadius());
    if (i === hovered) return;
    hovered = i;
    const p = points[i];
    canvas.style.cursor = p ? 'pointer' : 'grab';
    events.onHover(p);
    if (p) {
      tipImg.hidden = !withImages;
      if (withImages) tipImg.src = thumbnailUrl(dataset, p.id, THUMB_FETCH_SIZE);
      tipLabel.textContent = p.label;
      tipId.textContent = p.id;
      const s = toScreen(t, p);
      tooltip.hidden = false;
      const tw = tooltip.offsetWidth;
      const th = tooltip.offsetHeight;
      const left = s.x + 14 + tw > width ? s.x - 14 - tw : s.x + 14;
      const top = Math.min(Math.max(4, s.y - th / 2), height - th - 4);
      tooltip.style.transform = `translate(${Math.round(Math.max(4, left))}px, ${Math.round(top)}px)`;
    } else tooltip.hidden = true;
    requestDraw();
  }

  // Pointers: one drags (or clicks), two pinch.
  const pointers = new Map<number, { x: number; y: number }>();
  let downAt: { x: number; y: number } | undefined;
  const local = (e: PointerEvent | WheelEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    const p = local(e);
    pointers.set(e.pointerId, p);
    downAt = pointers.size === 1 ? p : undefined;
  });
  canvas.addEventListener('pointermove', (e) => {
    const p = local(e);
    const prev = pointers.get(e.pointerId);
    if (!prev) {
      hover(p.x, p.y);
      return;
    }
    if (pointers.size === 2) {
      const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)![1];
      const before = Math.hypot(prev.x - other.x, prev.y - other.y);
      const after = Math.hypot(p.x - other.x, p.y - other.y);
      if (before > 0) zoomAround(after / before, (p.x + other.x) / 2, (p.y + other.y) / 2);
    } else if (downAt && (Math.abs(p.x - downAt.x) > 4 || Math.abs(p.y - downAt.y) > 4 || canvas.classList.contains('is-panning'))) {
      canvas.classList.add('is-panning');
      tooltip.hidden = true;
      setView(pan(t, p.x - prev.x, p.y - prev.y));
    }
    pointers.set(e.pointerId, p);
  });
  const end = (e: PointerEvent, click: boolean) => {
    const wasPanning = canvas.classList.contains('is-panning');
    pointers.delete(e.pointerId);
    if (pointers.size === 0) canvas.classList.remove('is-panning');
    if (click && !wasPanning && downAt) {
      const p = local(e);
      const i = nearestPoint(t, points, p.x, p.y, pickRadius());
      if (points[i]) events.onPick(points[i]!);
    }
    downAt = undefined;
  };
  canvas.addEventListener('pointerup', (e) => end(e, true));
  canvas.addEventListener('pointercancel', (e) => end(e, false));
  canvas.addEventListener('pointerleave', (e) => {
    if (!pointers.has(e.pointerId)) hover(undefined);
  });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const p = local(e);
    zoomAround(wheelFactor(e.deltaY, e.deltaMode), p.x, p.y);
  }, { passive: false });
  canvas.addEventListener('keydown', (e) => {
    const step = 48;
    const keys: Record<string, () => void> = {
      '+': () => zoomAround(1.5, width / 2, height / 2),
      '=': () => zoomAround(1.5, width / 2, height / 2),
      '-': () => zoomAround(1 / 1.5, width / 2, height / 2),
      '0': () => api.reset(),
      ArrowLeft: () => setView(pan(t, step, 0)),
      ArrowRight: () => setView(pan(t, -step, 0)),
      ArrowUp: () => setView(pan(t, 0, step)),
      ArrowDown: () => setView(pan(t, 0, -step)),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });

  const api: MapCanvas = {
    el,
    setPoints(ds, pts, colorOf, withThumbnails = true) {
      if (ds !== dataset || withThumbnails !== withImages) images.clear();
      dataset = ds;
      withImages = withThumbnails;
      if (!withImages) tipImg.removeAttribute('src');
      points = pts;
      colors = pts.map((p) => colorOf(p.label));
      hovered = -1;
      tooltip.hidden = true;
      moved = false;
      canvas.dataset.points = String(pts.length);
      const classes = new Set(pts.map((p) => p.label)).size;
      canvas.setAttribute('aria-label', `Embedding map of ${pts.length} ${withImages ? 'images' : 'items'} in ${classes} ${classes === 1 ? 'class' : 'classes'}: + and − zoom, the arrow keys pan, 0 shows everything`);
      width = 0; // refit
      resize();
      events.onZoom(1);
    },
    clear() {
      points = [];
      colors = [];
      hovered = -1;
      tooltip.hidden = true;
      canvas.dataset.points = '0';
      requestDraw();
    },
    highlight(label) {
      highlighted = label;
      requestDraw();
    },
    zoomBy(factor) {
      zoomAround(factor, width / 2, height / 2);
    },
    reset() {
      moved = false;
      t = fitted;
      events.onZoom(1);
      requestDraw();
    },
    zoom: () => t.k / fitted.k,
  };
  return api;
}
