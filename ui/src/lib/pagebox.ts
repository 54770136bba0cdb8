// Boxes on a page image: a drag on the displayed (scaled) page turned into
// a rectangle in the image's own pixels, which the back end blacks out.

/** A rectangle in a page image's pixels. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The smallest box worth keeping, in image pixels (a click is not a box). */
export const MIN_BOX_PX = 4;

/**
 * The drag from `a` to `b` (client coordinates, in either direction) over an
 * image displayed in `shown` whose own size is `width`×`height`, as a box in
 * image pixels, clamped to the image and rounded outward. `null` when it is
 * smaller than {@link MIN_BOX_PX} either way.
 */
export function dragToBox(
  a: { x: number; y: number },
  b: { x: number; y: number },
  shown: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): PixelBox | null {
  if (shown.width <= 0 || shown.height <= 0 || width <= 0 || height <= 0) return null;
  const sx = width / shown.width;
  const sy = height / shown.height;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const xs = [a.x, b.x].map((x) => clamp((x - shown.left) * sx, width));
  const ys = [a.y, b.y].map((y) => clamp((y - shown.top) * sy, height));
  const box = {
    x0: Math.floor(Math.min(...xs)),
    y0: Math.floor(Math.min(...ys)),
    x1: Math.ceil(Math.max(...xs)),
    y1: Math.ceil(Math.max(...ys)),
  };
  if (box.x1 - box.x0 < MIN_BOX_PX || box.y1 - box.y0 < MIN_BOX_PX) return null;
  return box;
}

/**
 * The box a keyboard user starts from on a page of `width`×`height`: a
 * tenth of the page wide and a twentieth high, at its top left quarter.
 */
export function startBox(width: number, height: number): PixelBox {
  const w = Math.max(MIN_BOX_PX, Math.round(width / 10));
  const h = Math.max(MIN_BOX_PX, Math.round(height / 20));
  const x0 = Math.round(width / 4);
  const y0 = Math.round(height / 4);
  return { x0, y0, x1: Math.min(width, x0 + w), y1: Math.min(height, y0 + h) };
}

/**
 * The keyboard's box after one key on a page of `width`×`height`: the
 * arrows move it, with Shift they grow or shrink it from its right and
 * bottom edges. A step is a hundredth of the page (at least one pixel), ten
 * with Ctrl (or ⌘). The box stays on the page and at least
 * {@link MIN_BOX_PX} each way. `null` for a key that does not move it.
 */
export function keyBox(
  box: PixelBox,
  key: string,
  mods: { shift?: boolean; big?: boolean },
  width: number,
  height: number,
): PixelBox | null {
  const dirs: Record<string, [number, number]> = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };
  const dir = dirs[key];
  if (!dir) return null;
  const times = mods.big ? 10 : 1;
  const dx = dir[0] * Math.max(1, Math.round(width / 100)) * times;
  const dy = dir[1] * Math.max(1, Math.round(height / 100)) * times;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  if (mods.shift) {
    return {
      ...box,
      x1: clamp(box.x1 + dx, box.x0 + MIN_BOX_PX, width),
      y1: clamp(box.y1 + dy, box.y0 + MIN_BOX_PX, height),
    };
  }
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const x0 = clamp(box.x0 + dx, 0, width - w);
  const y0 = clamp(box.y0 + dy, 0, height - h);
  return { x0, y0, x1: x0 + w, y1: y0 + h };
}

/** How big the review's pages are shown. */
export const ZOOMS = ["fit", "page", "150", "200"] as const;
export type Zoom = (typeof ZOOMS)[number];

/**
 * The CSS width of a page shown at `zoom`: the column's width (`fit`), the
 * whole page within the view's height (`page`, from the image's aspect), or
 * a multiple of the column's width.
 */
export function zoomWidth(zoom: Zoom, width: number, height: number): string {
  switch (zoom) {
    case "fit":
      return "100%";
    case "page":
      return height > 0 ? `calc(80vh * ${(width / height).toFixed(4)})` : "100%";
    case "150":
      return "150%";
    case "200":
      return "200%";
  }
}
